"""Service rules inherit the office's defaults, and a service's own rule wins."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offices.models import ConfirmationMode, Service
from offices.rules import rules_for_service
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_service_without_overrides_takes_every_rule_from_its_office():
    service = ServiceFactory(office__slot_minutes=40, office__lead_time_days=3)
    rules = rules_for_service(service)
    assert rules.slot_minutes == 40
    assert rules.lead_time_days == 3
    assert rules.confirmation_mode == ConfirmationMode.INSTANT


def test_service_override_wins_and_zero_is_an_override_not_a_blank():
    service = ServiceFactory(
        office__email_verification_minutes=30,
        email_verification_minutes=0,
        slot_minutes=45,
        confirmation_mode=ConfirmationMode.STAFF_APPROVAL,
        online_cancel_allowed=False,
    )
    rules = rules_for_service(service)
    assert rules.email_verification_minutes == 0
    assert not rules.needs_email_check
    assert rules.slot_minutes == 45
    assert rules.needs_staff_approval
    assert rules.online_cancel_allowed is False


def test_rules_resolution_needs_no_query_once_the_office_is_loaded():
    ServiceFactory(office__slot_minutes=40, email_verification_minutes=60)
    service = Service.objects.select_related("office").get()
    with CaptureQueriesContext(connection) as queries:
        rules = rules_for_service(service)
    assert len(queries) == 0
    assert (rules.slot_minutes, rules.email_verification_minutes) == (40, 60)
