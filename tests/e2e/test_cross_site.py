"""
Issue 23, high, in a real browser: a page of another site (here http://localhost:<port>,
while the booking site is http://127.0.0.1:<port>) makes its visitor's Chromium submit a
text/plain form and a no-cors fetch to the booking API, and a form to the web form's
confirm step, as soon as it loads. Nothing is booked; the same JSON sent by the site's
own page still books, so the test can fail.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bookings.models import Booking
from terms.selectors import terms_in_force
from tests.e2e.waits import wait_until
from tests.factories import office_with
from tests.helpers import NOW, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = "2026-11-24T09:30:00+09:00"


def _attack_page(site: str, office, body: dict) -> bytes:
    api = f"{site}/api/v1/offices/{office.slug}/bookings"
    payload = json.dumps(body)
    # text/plain form trick: name + "=" + value is the JSON body.
    name, value = payload[:-1] + ', "pad": "', '"}'
    html = f"""<!doctype html><meta charset="utf-8"><title>Win a prize</title>
<iframe name="sink1"></iframe><iframe name="sink2"></iframe>
<form id="api" method="post" action="{api}" enctype="text/plain" target="sink1">
  <input name='{name}' value='{value}'></form>
<form id="web" method="post" action="{site}/offices/{office.slug}/book/confirm/" target="sink2">
  <input name="agree_terms" value="on"><input name="terms_version" value="{body["terms_version"]}">
</form>
<script>
  document.getElementById("api").submit();
  document.getElementById("web").submit();
  fetch({json.dumps(api)}, {{method: "POST", mode: "no-cors", credentials: "include",
    headers: {{"Content-Type": "text/plain"}}, body: {json.dumps(payload)}}})
    .finally(() => {{ window.attackSent = true; }});
</script>"""
    return html.encode()


@pytest.fixture
def attacker():
    """A second web server: the other site's page, on another origin."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(pages["/"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def test_another_sites_page_that_auto_submits_to_the_booking_endpoints_books_nothing(
    live_server, browser_page, attacker
):
    office = office_with(counselors=2)
    body = {
        "start": START,
        "terms_version": terms_in_force(office=office, at=NOW).pk,
        "agree_terms": True,
        **person(),
    }
    pages, attacker_url = attacker
    pages["/"] = _attack_page(live_server.url, office, body)
    page = browser_page
    refused = []
    page.on(
        "response",
        lambda r: (
            refused.append(r.status)
            if r.url.startswith(live_server.url) and r.request.method == "POST"
            else None
        ),
    )
    page.goto(attacker_url)
    wait_until(page, "window.attackSent === true")
    page.wait_for_timeout(500)  # the two forms' answers
    assert Booking.objects.count() == 0
    assert refused == [403, 403, 403]

    # The same JSON from the site's own page, as JSON: booked (the endpoint works).
    page.goto(live_server.url + f"/offices/{office.slug}/")
    status = page.evaluate(
        """([url, body]) => fetch(url, {method: "POST", body,
             headers: {"Content-Type": "application/json"}}).then(r => r.status)""",
        [f"{live_server.url}/api/v1/offices/{office.slug}/bookings", json.dumps(body)],
    )
    assert status == 201
    assert Booking.objects.count() == 1
