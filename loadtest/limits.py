"""
The abuse limits a measuring run turns off. `make bench` and `make load` drive the booking
path from one address (127.0.0.1) with invented people, which is exactly what the limits
exist to refuse; left on, most of the run's bookings would be answered 429 and the figures
would measure the limits, not the booking path. The fault run sets the same.
"""

# As environment variables, for the servers a run starts (gunicorn, the Celery worker).
ABUSE_LIMITS_OFF_ENV = {
    "RATE_LIMIT_BOOKING": "off",
    "RATE_LIMIT_VERIFY": "off",
    "RATE_LIMIT_RESEND": "off",
    "HOLD_LIMIT_PER_ADDRESS": "off",
    "HOLD_MAX_UNCONFIRMED_PER_DAY": "0",
    "PROOF_OF_WORK": "off",
}


def abuse_limits_off_settings() -> dict[str, object]:
    """The same as Django settings, for `override_settings` in a run's own process."""
    return {
        name: False
        if value == "off" and name == "PROOF_OF_WORK"
        else int(value)
        if value.isdigit()
        else value
        for name, value in ABUSE_LIMITS_OFF_ENV.items()
    }
