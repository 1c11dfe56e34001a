"""
How django-axes counts failed staff sign-ins (configured in settings, `AXES_*`):

- per username across every address: a slow-down after `STAFF_SLOWDOWN_AFTER` failures
  (`accounts.selectors.sign_in_wait_seconds`, checked by the sign-in form before the
  password is), then a lockout at `AXES_FAILURE_LIMIT`, lifted by the cool-off
  (`STAFF_LOCKOUT_MINUTES`), by a superuser (the axes "access attempts" admin) or by the
  person with their second factor;
- per network across usernames, at the higher `STAFF_LOCKOUT_ADDRESS_LIMIT`, so that one
  person's typos never lock out an office that signs in from behind one address, while
  spraying one password over many usernames is stopped. An IPv6 client is counted by its
  /64 (one subscriber's whole network), an IPv4 one by its address.
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from common.http import client_ip


def lockout_address(request: HttpRequest) -> str | None:
    """The address axes counts: an IPv4 address, or the first address of an IPv6 /64."""
    address = client_ip(request)
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


class StaffLockoutHandler(AxesDatabaseHandler):
    """
    axes compares one number with one limit. Failures per username are that number as they
    are; failures per network are scaled so that `STAFF_LOCKOUT_ADDRESS_LIMIT` of them
    reach `AXES_FAILURE_LIMIT` (`AXES_LOCKOUT_PARAMETERS` is ["username", "ip_address"],
    in that order).
    """

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        scaled = math.floor(by_address * limit / settings.STAFF_LOCKOUT_ADDRESS_LIMIT)
        return max(by_username, scaled)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """
        A right password forgets that username's failures only: never the network's, which
        would let one account's success wipe the failures of every username guessed from it.
        """
        by_username = self.get_user_attempts(request, credentials)[0]
        deleted, _ = by_username.delete()
        return deleted
