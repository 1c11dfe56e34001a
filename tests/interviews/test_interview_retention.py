"""The retention schedule reaches employers and interviews as it does bookings."""

from datetime import timedelta

import pytest

from interviews.models import Employer
from interviews.services.retention import interviews_personal_data_purge
from tests.helpers import NOW
from tests.interviews.helpers import arrange, sasebo_env
from tests.interviews.test_interview_services import _both_confirm

pytestmark = pytest.mark.django_db


def test_an_employer_without_a_recent_interview_is_erased_and_a_current_one_kept(offices, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    interview = _both_confirm(arrange(sasebo_env()))
    interview.parties.update(join_url="https://example.jp/join")
    later = NOW + timedelta(days=40)
    assert interviews_personal_data_purge(now=later) == 0  # still scheduled: kept
    interview.status = "held"
    interview.save(update_fields=["status"])
    assert interviews_personal_data_purge(now=later) == 1
    employer = Employer.objects.get()
    assert employer.contact_name == "" and "corp.example.jp" not in employer.email
    assert employer.company_name  # not personal: the counts by company still add up
    assert not interview.parties.exclude(join_url="").exists()
    assert interviews_personal_data_purge(now=later) == 0  # twice is once
