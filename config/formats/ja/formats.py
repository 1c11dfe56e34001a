"""
The admin's dates in the project's one format (as `offices.display` writes them):
`2026年12月2日(水) 6:15`. Django's own Japanese formats leave out the weekday and mix
`2026年12月2日6:15` with other pages' `2026年12月2日(水) 6:15`.
"""

DATE_FORMAT = "Y年n月j日(D)"
DATETIME_FORMAT = "Y年n月j日(D) G:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
TIME_FORMAT = "G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
