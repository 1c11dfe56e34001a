"""One retry policy for the tasks that call a platform (bookings.tasks.RetryPolicy)."""

import pytest
from django.db import OperationalError

from bookings import tasks
from conferencing.types import AuthError, RateLimited, TransientError

POLICY = tasks.PLATFORM_RETRIES


def test_the_three_platform_tasks_share_one_policy():
    for task in (tasks.issue_meeting, tasks.update_meeting, tasks.delete_meeting):
        assert task.max_retries == POLICY.max_retries
        assert not getattr(task, "autoretry_for", ())  # no second, Celery-side policy


def test_a_429_waits_as_long_as_told_plus_a_little_jitter():
    wait = POLICY.countdown(RateLimited("slow down", retry_after_seconds=30), retries=0)
    assert 30 <= wait <= 30 + POLICY.rate_limit_jitter_seconds


@pytest.mark.parametrize("error", [TransientError("503"), OperationalError("gone")])
def test_a_failing_platform_or_database_backs_off_exponentially_from_the_setting(error, settings):
    settings.MEETING_RETRY_BASE_SECONDS = 10  # read when the retry is due, not at import
    assert 10 <= POLICY.countdown(error, retries=0) <= 12.5
    assert 40 <= POLICY.countdown(error, retries=2) <= 50
    settings.MEETING_RETRY_BASE_SECONDS = 1
    assert 4 <= POLICY.countdown(error, retries=2) <= 5
    assert 3600 <= POLICY.countdown(error, retries=20) <= 4500  # capped


def test_an_error_that_retrying_cannot_fix_is_not_retried():
    assert POLICY.countdown(AuthError("bad secret"), retries=0) is None
