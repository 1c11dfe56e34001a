"""
Staff roles as Django groups, kept in step after every `migrate` with the permissions each
app grants them at start (`role_permissions_grant` in its `AppConfig.ready`): a permission
of a later app reaches its role by editing that app. Office scoping is separate: every
staff user also belongs to one office.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

COUNSELORS = "Counselors"
OFFICE_MANAGERS = "Office managers"
# Counselors whom the office lets read its figures (実績): a superuser adds them here.
REPORT_READERS = "Report readers"

# The registry: each app grants its own permissions to the roles when it starts
# (`AppConfig.ready`, through `role_permissions_grant`), so this module names no other
# app's permissions. A manager also holds every permission of a counselor.
ROLE_INCLUDES: dict[str, tuple[str, ...]] = {OFFICE_MANAGERS: (COUNSELORS,)}
_GRANTED: dict[str, set[str]] = {COUNSELORS: set(), OFFICE_MANAGERS: set(), REPORT_READERS: set()}


def role_permissions_grant(app_label: str, role: str, codenames: list[str]) -> None:
    """`app_label`'s permissions `codenames` are part of `role` (an app grants only its own).
    Called from the app's `AppConfig.ready`; granting twice changes nothing."""
    if role not in _GRANTED:
        raise ValueError(f"no role named {role!r}")
    _GRANTED[role].update(f"{app_label}.{codename}" for codename in codenames)


def role_permissions(role: str) -> list[str]:
    """Every permission of `role` ("app_label.codename"), those of the roles it includes too."""
    codes = set(_GRANTED[role])
    for included in ROLE_INCLUDES.get(role, ()):
        codes.update(role_permissions(included))
    return sorted(codes)


def roles() -> dict[str, list[str]]:
    return {role: role_permissions(role) for role in _GRANTED}


def roles_sync(*, apps=global_apps, verbosity: int = 0) -> None:
    """Creates or updates the role groups to hold exactly the permissions granted them."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=verbosity)
    for name, codes in roles().items():
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
