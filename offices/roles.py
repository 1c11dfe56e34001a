"""
Staff roles as Django groups, kept in step with this table after every `migrate`, so a
permission added by a later app (bookings, for example) reaches its role by editing the
table here. Office scoping is separate: every staff user also belongs to one office.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

COUNSELORS = "Counselors"
OFFICE_MANAGERS = "Office managers"
# Counselors whom the office lets read its figures (実績): a superuser adds them here.
REPORT_READERS = "Report readers"

_COUNSELOR_PERMISSIONS = [
    "offices.view_office",
    "offices.view_service",
    "offices.view_openinghours",
    "offices.view_closure",
    "offices.view_counselor",
    "offices.view_counselorabsence",
    "terms.view_termsversion",
    "terms.view_consent",
    "bookings.view_booking",
    "bookings.change_booking",
    "bookings.view_bookingevent",
    "bookings.view_applicant",
    # Lifting a bar and linking a claim to a person, each with a reason (the fields stay
    # read-only in the admin: only those actions change a person).
    "bookings.change_applicant",
    "notifications.view_notification",
]

_MANAGER_PERMISSIONS = [
    *_COUNSELOR_PERMISSIONS,
    "offices.change_office",
    "offices.add_service",
    "offices.change_service",
    "offices.delete_service",
    "offices.add_openinghours",
    "offices.change_openinghours",
    "offices.delete_openinghours",
    "offices.add_closure",
    "offices.change_closure",
    "offices.delete_closure",
    "offices.add_counselor",
    "offices.change_counselor",
    "offices.add_counselorabsence",
    "offices.change_counselorabsence",
    "offices.delete_counselorabsence",
    "terms.add_termsversion",
    "terms.change_termsversion",
    "terms.delete_termsversion",
    "terms.publish_termsversion",
    "bookings.view_accessrecord",
    "reports.view_office_report",
]

_REPORT_READER_PERMISSIONS = ["reports.view_office_report"]

ROLES: dict[str, list[str]] = {
    COUNSELORS: _COUNSELOR_PERMISSIONS,
    OFFICE_MANAGERS: _MANAGER_PERMISSIONS,
    REPORT_READERS: _REPORT_READER_PERMISSIONS,
}


def roles_sync(*, apps=global_apps, verbosity: int = 0) -> None:
    """Creates or updates the role groups to hold exactly the permissions listed above."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=verbosity)
    for name, codes in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def _on_post_migrate(sender, verbosity=0, **kwargs) -> None:
    roles_sync(verbosity=verbosity)
