"""
Each party's page of an interview, behind its own secret link (`/interviews/<token>/`):
what the interview is for, the times to confirm (the employer agreeing to the terms of use
in force on the same page), the confirmed time and this party's own way in, and the
buttons to ask to move or to cancel while the office's rules allow. Only a POST changes
anything. An unknown link is the site's 404.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bookings.exceptions import BookingInvalid
from bookings.public.shared import token_page
from common.errors import DomainError
from common.http import client_ip
from interviews.models import InterviewParty
from interviews.selectors import (
    block_by_employer_token,
    block_turns,
    candidate_by_token,
    change_deadline,
    employer_day_list,
    party_by_token,
    times_open,
    what_party_sees,
)
from interviews.services.parties import interview_cancel, interview_confirm, interview_move_ask
from interviews.services.selection import selection_employer_agree, selection_turn_pick
from interviews.state import ACTIVE, InterviewStatus, Role
from offices import display
from terms.exceptions import TermsOutdated
from terms.selectors import terms_in_force


def _party_or_404(token: str) -> InterviewParty:
    party = party_by_token(token)
    if party is None:
        raise Http404
    return party


@never_cache
@require_http_methods(["GET", "POST"])
def interview_page(request: HttpRequest, token: str) -> HttpResponse:
    party = _party_or_404(token)
    now = request.now
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            time_id = int(request.POST.get("time", ""))
        except ValueError:
            time_id = None
        try:
            terms_id = int(request.POST.get("terms_version", ""))
        except ValueError:
            terms_id = None
        try:
            interview_confirm(
                party=party,
                time_id=time_id,
                agree_terms=request.POST.get("agree_terms") == "on",
                terms_version_id=terms_id,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                now=now,
            )
        except BookingInvalid as invalid:
            errors = {name: str(found[0]) for name, found in invalid.errors.items()}
        except TermsOutdated as outdated:
            errors = {"agree_terms": str(outdated.message)}
        except DomainError as refused:
            messages.error(request, refused.message)
            return redirect("interview", token=token)
        else:
            messages.success(request, _("Thank you: your confirmation is recorded."))
            return redirect("interview", token=token)
        party = _party_or_404(token)
    interview = party.interview
    me = party
    other = interview.parties.exclude(pk=party.pk).get()
    deadline = change_deadline(interview)
    terms = terms_in_force(office=interview.office, at=now) if party.role == Role.EMPLOYER else None
    english = get_language() == "en"
    context = {
        **what_party_sees(party),
        "office": interview.office,
        "interview": interview,
        "token": token,
        "status_label": interview.get_status_display(),
        "proposed": interview.status == InterviewStatus.PROPOSED,
        "scheduled": interview.status == InterviewStatus.SCHEDULED,
        "times": [
            {"id": t.pk, "label": display.format_session(t.start, t.end)}
            for t in times_open(interview, now=now)
        ],
        "confirmed": me.confirmed_at is not None,
        "confirmed_label": display.format_session(me.confirmed_time.start, me.confirmed_time.end)
        if me.confirmed_time
        else "",
        "other_confirmed": other.confirmed_at is not None,
        "when": interview.when,
        "join_url": me.join_url if interview.status == InterviewStatus.SCHEDULED else "",
        "may_change": interview.status in ACTIVE and deadline is not None and now < deadline,
        "move_asked": bool(interview.move_asked_by),
        "is_employer": party.role == Role.EMPLOYER,
        "terms": terms,
        "terms_html": (terms.body_en_html if english and terms.body_en_html else terms.body_html)
        if terms
        else "",
        "errors": errors,
    }
    return token_page(request, "interviews/party.html", context, status=422 if errors else 200)


@never_cache
@require_POST
def interview_change(request: HttpRequest, token: str, what: str) -> HttpResponse:
    """A party asks to move the interview, or cancels it (within the office's rules)."""
    party = _party_or_404(token)
    try:
        if what == "cancel":
            interview_cancel(interview_id=party.interview_id, by_party=party.role, now=request.now)
            messages.success(
                request, _("The interview is cancelled. Both sides are told by email.")
            )
        else:
            interview_move_ask(party=party, now=request.now)
            messages.success(request, _("The office is told: it will propose new times by email."))
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("interview", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def selection_page(request: HttpRequest, token: str) -> HttpResponse:
    """A managed selection behind a secret link: a candidate's (pick a turn) or the
    employer's (agree to the terms, the day's list)."""
    candidate = candidate_by_token(token)
    if candidate is not None:
        return _candidate_page(request, token, candidate)
    block = block_by_employer_token(token)
    if block is None:
        raise Http404
    return _employer_page(request, token, block)


def _candidate_page(request: HttpRequest, token: str, candidate) -> HttpResponse:
    now = request.now
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            turn_id = int(request.POST.get("turn", ""))
        except ValueError:
            turn_id = None
        try:
            selection_turn_pick(candidate=candidate, turn_id=turn_id, now=now)
        except BookingInvalid as invalid:
            errors = {name: str(found[0]) for name, found in invalid.errors.items()}
        except DomainError as refused:
            messages.error(request, refused.message)
            return redirect("selection", token=token)
        else:
            messages.success(request, _("Your turn is booked. The way to join comes by email."))
            return redirect("selection", token=token)
    block = candidate.block
    turns = block_turns(block)
    mine = next((t for t in turns if t.candidate_id == candidate.pk), None)
    own_link = ""
    if mine is not None and mine.interview is not None:
        own_link = next(
            (p.join_url for p in mine.interview.parties.all() if p.role == Role.JOB_SEEKER), ""
        )
    context = {
        "office": block.office,
        "office_name": block.office.name,
        "company_name": block.employer.company_name,
        "job_number": block.job_number,
        "block_when": display.format_session(block.start, block.end),
        "mine": display.format_session(mine.start, mine.end) if mine else "",
        "own_link": own_link,
        "free": [
            {"id": t.pk, "label": display.format_session(t.start, t.end)}
            for t in turns
            if t.candidate_id is None and t.start > now
        ],
        "open": block.status == "open",
        "errors": errors,
    }
    return token_page(request, "interviews/candidate.html", context, status=422 if errors else 200)


def _employer_page(request: HttpRequest, token: str, block) -> HttpResponse:
    now = request.now
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            terms_id = int(request.POST.get("terms_version", ""))
        except ValueError:
            terms_id = None
        if request.POST.get("agree_terms") != "on":
            errors = {
                "agree_terms": _("To go on, read the terms of use and tick the box to agree.")
            }
        else:
            try:
                selection_employer_agree(
                    block=block,
                    terms_version_id=terms_id,
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    now=now,
                )
            except TermsOutdated as outdated:
                errors = {"agree_terms": str(outdated.message)}
            except DomainError as refused:
                errors = {"__all__": str(refused.message)}
            else:
                return redirect("selection", token=token)
    agreed = block.employer_consent_id is not None
    terms = None if agreed else terms_in_force(office=block.office, at=now)
    context = {
        "office": block.office,
        "office_name": block.office.name,
        "company_name": block.employer.company_name,
        "job_number": block.job_number,
        "block_when": display.format_session(block.start, block.end),
        "rows": employer_day_list(block),
        "agreed": agreed,
        "terms": terms,
        "terms_html": terms.body_html if terms else "",
        "errors": errors,
    }
    return token_page(
        request, "interviews/employer_day.html", context, status=422 if errors else 200
    )
