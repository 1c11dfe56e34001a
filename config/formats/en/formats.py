"""The admin's dates in English as `offices.display` writes them: `Wed 2 Dec 2026 6:15`."""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y G:i"
TIME_FORMAT = "G:i"
