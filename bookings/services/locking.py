"""
The locks of booking, and the one order in which they are taken.
"""

from offices.models import Counselor


def office_booking_lock(office) -> list[int]:
    """
    The one lock of booking: this office's active counselors, in a fixed order (no
    deadlock). Taken late, after validation and consent; everything after it sees every
    booking committed before it. On SQLite the IMMEDIATE transaction already serializes.
    """
    return list(
        Counselor.objects.select_for_update()
        .filter(office=office, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
