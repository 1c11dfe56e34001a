import pytest

from tests.waitlist.helpers import waitlist_office


@pytest.fixture
def env(db):
    """An office whose one service (one counselor, Tuesday 24 November full) has a
    waitlist, with terms in force."""
    return waitlist_office()


@pytest.fixture
def fake_line(settings, env):
    """The fake LINE platform, as the office's LINE official account."""
    from tests.fakes.line import FakeLine

    fake = FakeLine().start()
    settings.LINE_ACCOUNTS = {env.office.slug: fake.account()}
    settings.LINE_API_BASE = settings.LINE_ACCESS_BASE = fake.base
    settings.SITE_URL = "http://testserver"
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(settings):
    """The fake Twilio, as the site's SMS account."""
    from tests.fakes.twilio import FakeTwilio

    fake = FakeTwilio().start()
    settings.SMS_ACCOUNT = fake.account()
    settings.SMS_API_BASE = fake.base
    settings.SITE_URL = "http://testserver"
    yield fake
    fake.stop()
