"""
The client's address behind a proxy (issue 13, client address): one function for every
use, forwarding headers believed only from the proxies the operator named.
"""

import json

import pytest
from django.test import override_settings

from common.http import client_address
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, person, staff

PROXY = "10.0.0.1"
PAST = "2026-11-20T09:30:00+09:00"  # books nothing: 409, but counts toward the rate limit


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "count", "expected"),
    [
        ("203.0.113.5", None, (), 0, "203.0.113.5"),
        # No proxy configured: a client's own header is ignored.
        ("203.0.113.5", "198.51.100.1", (), 0, "203.0.113.5"),
        # Behind the named proxy: the entry it appended.
        (PROXY, "198.51.100.1", (PROXY,), 0, "198.51.100.1"),
        # A forged entry before the proxy's own is not believed.
        (PROXY, "1.2.3.4, 198.51.100.1", ("10.0.0.0/8",), 0, "198.51.100.1"),
        # Two proxies of the operator's networks, the client before them.
        (PROXY, "198.51.100.1, 10.0.0.2", ("10.0.0.0/8",), 0, "198.51.100.1"),
        # The header from someone who is not a trusted proxy is ignored.
        ("203.0.113.5", "198.51.100.1", (PROXY,), 0, "203.0.113.5"),
        # Garbage where the proxy's entry should be: the proxy itself, never the garbage.
        (PROXY, "not-an-address", (PROXY,), 0, PROXY),
        # A count of proxies: the entry the nearest one appended.
        (PROXY, "1.2.3.4, 198.51.100.1", (), 1, "198.51.100.1"),
        (PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.2", (), 2, "198.51.100.1"),
        # Fewer entries than proxies: the request did not come through the chain.
        (PROXY, None, (), 1, PROXY),
        ("2001:db8::1", "[2001:db8::2]:443", ("2001:db8::1/128",), 0, "2001:db8::2"),
        ("::ffff:10.0.0.1", "198.51.100.1", (PROXY,), 0, "198.51.100.1"),
        ("", "198.51.100.1", (), 0, None),
    ],
)
def test_client_address_believes_only_trusted_proxies(remote, forwarded, proxies, count, expected):
    assert (
        client_address(remote, forwarded, trusted_proxies=proxies, trusted_proxy_count=count)
        == expected
    )


@pytest.fixture
def office(db):
    return office_with()


def _post(client, office, *, remote, forwarded=None, **overrides):
    office_terms = terms_in_force(office=office, at=NOW)
    body = {"start": PAST, **person(), "terms_version": office_terms.pk, "agree_terms": True}
    body.update(overrides)
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body), content_type="application/json",
        **extra,
    )  # fmt: skip


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], RATE_LIMIT_BOOKING="10/m")
def test_behind_the_proxy_one_visitor_does_not_use_up_the_limit_for_everyone(client, office):
    for n in range(10):
        response = _post(client, office, remote=PROXY, forwarded="198.51.100.1",
                         job_seeker_number=f"12345-{n:07d}")  # fmt: skip
        assert response.status_code == 409
    assert _post(client, office, remote=PROXY, forwarded="198.51.100.1",
                 job_seeker_number="12345-7654321").status_code == 429  # fmt: skip
    # Another visitor through the same proxy is not limited by the first one.
    other = _post(client, office, remote=PROXY, forwarded="198.51.100.2",
                  job_seeker_number="12345-7654321")  # fmt: skip
    assert other.status_code == 409


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], RATE_LIMIT_BOOKING="10/m")
def test_a_spoofed_forwarding_header_does_not_escape_the_limit(client, office):
    for n in range(10):
        response = _post(client, office, remote="203.0.113.5", forwarded=f"198.51.100.{n}",
                         job_seeker_number=f"12345-{n:07d}")  # fmt: skip
        assert response.status_code == 409
    spoofed = _post(client, office, remote="203.0.113.5", forwarded="198.51.100.77",
                    job_seeker_number="12345-7654321")  # fmt: skip
    assert spoofed.status_code == 429


def staff_accounts(office) -> list[str]:
    """Five staff accounts' usernames (counselors and a manager) to guess passwords for."""
    roles = [COUNSELORS, COUNSELORS, OFFICE_MANAGERS, COUNSELORS, COUNSELORS]
    return [staff(office, role, f"guessed-{n}").username for n, role in enumerate(roles)]


def _login(client, username, password, **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], STAFF_LOCKOUT_ADDRESS_LIMIT=5)
def test_login_guessing_is_limited_per_address_across_usernames(client, office):
    users = staff_accounts(office)
    for username in users:
        response = _login(client, username, "wrong", REMOTE_ADDR=PROXY,
                          HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    assert response.status_code == 429
    target = staff(office_with(), OFFICE_MANAGERS, "other-manager")
    target.set_password("correct horse battery staple")
    target.save()
    # The guessing address cannot go on with the next username.
    locked = _login(client, target.username, "correct horse battery staple",
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    assert locked.status_code == 429
    # The manager, behind the same proxy from their own address, is not locked out.
    own = _login(client, target.username, "correct horse battery staple",
                 REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")  # fmt: skip
    assert own.status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], STAFF_LOCKOUT_ADDRESS_LIMIT=5)
def test_a_spoofed_header_neither_escapes_nor_causes_a_login_lockout(client, office):
    """Spraying usernames from one address, each try naming another address in the header."""
    users = staff_accounts(office)
    for n, username in enumerate(users):
        _login(client, username, "wrong", REMOTE_ADDR="203.0.113.5",
               HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")  # fmt: skip
    target = staff(office_with(), OFFICE_MANAGERS, "other-manager")
    target.set_password("correct horse battery staple")
    target.save()
    escaped = _login(client, target.username, "correct horse battery staple",
                     REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.9")  # fmt: skip
    assert escaped.status_code == 429
    # The manager's own address (which the attacker named in the header) is not locked.
    own = _login(client, target.username, "correct horse battery staple",
                 REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    assert own.status_code == 302
