from tests.bookings.conftest import frozen, offices  # noqa: F401  (shared fixtures)
