from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.clock import JST
from offices import confirmation, content, display
from offices.models import Office
from offices.plain import plain_summary_for
from offices.rules import booking_path, rules_for_service
from offices.selectors import (
    office_get_published,
    office_list_published,
    office_upcoming_closures,
    weekly_hours,
)


def office_list(request: HttpRequest) -> HttpResponse:
    offices = office_list_published(translated=content.needs_translations())
    return render(request, "offices/office_list.html", {"offices": offices})


def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        office = office_get_published(slug=slug, translated=content.needs_translations())
    except Office.DoesNotExist:
        raise Http404 from None
    services = []
    for service in office.active_services:
        rules = rules_for_service(service, office)
        services.append(
            {
                "service": service,
                "hours": display.weekly_hours_lines(weekly_hours(service)),
                "length": display.session_length_text(rules),
                "lead_time": display.lead_time_text(rules),
                "confirmation": confirmation.confirmation_text(rules, service),
                "confirmation_phone": confirmation.confirmation_asks_to_phone(rules, service),
                "cancellation": display.cancellation_text(rules),
                "access": display.booking_access_text(service, office),
            }
        )
    context = {
        "office": office,
        "services": services,
        "plain": _plain_summary(office, services),
        "platform_guidance": display.platform_guidance(office.platform),
        "common_preparation": display.common_preparation(),
        "session_rules": display.session_rules(grace_minutes=office.no_show_grace_minutes),
        "bookable": any(item["service"].accepts_web for item in services),
        "closures": [
            {"day": display.format_date(c.date), "reason": c.reason}
            for c in office_upcoming_closures(
                office=office, today=request.now.astimezone(JST).date()
            )
        ],
    }
    return render(request, "offices/office_detail.html", context)


def _plain_summary(office: Office, services: list[dict]):
    """The office's rules in short (offices.plain), by the path its first service is booked
    (offices.rules.booking_path), as that service's "Confirmation" says."""

    if not office.plain_summary or not services:
        return None
    service = services[0]["service"]
    rules = rules_for_service(service, office)
    return plain_summary_for(office, rules, path=booking_path(service, rules))
