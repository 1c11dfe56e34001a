"""The booking core in the admin: the model admins register here (Django's autodiscovery
imports `bookings.admin`); the custom pages live in `views`."""

from bookings.admin import bookings, changes, offices  # noqa: F401  (registers the model admins)
