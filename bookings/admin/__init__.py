"""The booking core in the admin: the model admins register here (Django's autodiscovery
imports `bookings.admin`); the counselor's pages are one module each (`schedule`, `phone`,
`propose`, `bursts`), hung under the bookings' admin by `BookingAdmin.get_urls`."""

from bookings.admin import (  # noqa: F401  (registers the model admins)
    applicants,
    bookings,
    changes,
    counselors,
    group_sessions,
    offices,
    phone_calls,
    records,
)
