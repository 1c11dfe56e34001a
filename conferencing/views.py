from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from conferencing.models import OnlineMeeting


def fake_meeting(request: HttpRequest, booking_uuid) -> HttpResponse:
    """The demo meeting room of the fake provider (`make run`): shows the flow offline."""
    if not settings.CONFERENCING_FAKE:
        raise Http404
    meeting = OnlineMeeting.objects.filter(booking_uuid=booking_uuid, provider="fake").first()
    if meeting is None:
        raise Http404
    response = render(request, "conferencing/fake_meeting.html", {"meeting": meeting})
    response["Referrer-Policy"] = "same-origin"
    return response
