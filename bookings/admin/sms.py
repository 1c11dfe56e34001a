"""
A person without email hears of their booking by SMS when they ask for it on the phone:
the counselor selects the booking and sends its notices to the mobile number the person
gave (a pointer with a link, never the details; `notifications.contacts`).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.state import ACTIVE_STATUSES
from common.errors import DomainError
from notifications.contacts import contact_sms_set, sms_offered
from notifications.models import Owner
from notifications.services import BOOKING_OWNER


@admin.action(description=gettext_lazy("Send notices by SMS to the person's mobile number"))
def send_notices_by_sms(modeladmin, request, queryset) -> None:
    if not sms_offered():
        messages.error(request, _("SMS is not configured on this site."))
        return
    added, not_mobile = 0, []
    for booking in queryset.filter(status__in=ACTIVE_STATUSES):
        try:
            contact_sms_set(
                owner=Owner(BOOKING_OWNER, booking.pk), office_id=booking.office_id,
                number=booking.phone,
                now=request.now,
            )  # fmt: skip
        except DomainError:
            not_mobile.append(booking.reference)
        else:
            added += 1
    if added:
        messages.success(
            request,
            _("Notices now also go by SMS for these bookings: %(count)d.") % {"count": added},
        )
    if not_mobile:
        messages.warning(
            request,
            _("Not a mobile number (070, 080 or 090), so no SMS: %(references)s")
            % {"references": "、".join(not_mobile)},
        )
