"""
What the pages show, built from the figures: for each figure a chart and the table of its
numbers, in the admin's language. No queries here.
"""

from reports.presenters.dashboard import dashboard_page
from reports.presenters.monthly import report_offices

__all__ = ["dashboard_page", "report_offices"]
