"""
The client's address, as every part of the code must read it: rate limits, the admin's
login lockout (django-axes calls `client_ip` through `AXES_CLIENT_IP_CALLABLE`), consents
and records of use.

`X-Forwarded-For` is a list any client can write. It is believed only as far as it was
written by proxies the operator named: `TRUSTED_PROXIES` (addresses or networks of the
proxies in front of the app) or, when the app is reachable only through a fixed chain,
`TRUSTED_PROXY_COUNT`. The list is read from the right (the entry the nearest proxy
appended) and the first address not a trusted proxy is the client. With neither set, or
from a peer that is not a trusted proxy, the header is ignored and the address is the
peer's own (`REMOTE_ADDR`). The same rule as django-ipware's `proxy_trusted_ips` /
`proxy_count`, kept here so the one function serves every caller without a dependency.
"""

import ipaddress
import ipaddress as _ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _trusted(address: Address, networks: tuple) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(
    remote_addr: str | None,
    forwarded_for: str | None,
    *,
    trusted_proxies: tuple[str, ...] = (),
    trusted_proxy_count: int = 0,
) -> str | None:
    """The client's address from the peer's address and the X-Forwarded-For header."""
    peer = _parse(remote_addr or "")
    if peer is None:
        return None
    hops = [_parse(part) for part in (forwarded_for or "").split(",") if part.strip()]
    if trusted_proxies:
        networks = _networks(tuple(trusted_proxies))
        if not _trusted(peer, networks):
            return str(peer)
        for hop in reversed(hops):
            if hop is None:  # a hop the proxies did not write: stop believing the list here
                break
            if not _trusted(hop, networks):
                return str(hop)
        return str(peer)
    if trusted_proxy_count > 0 and hops:
        # The peer is the last proxy; each proxy before it appended one entry.
        believed = hops[-trusted_proxy_count:] if len(hops) >= trusted_proxy_count else []
        client = believed[0] if believed else None
        return str(client) if client is not None else str(peer)
    return str(peer)


def forwarded_by_untrusted_peer(request: HttpRequest) -> bool:
    """
    True when the request carries X-Forwarded-For but its peer is not a proxy the settings
    name: either a proxy in front that TRUSTED_PROXIES forgot (every visitor then has its
    address) or a client reaching the app around the proxy. With TRUSTED_PROXY_COUNT the
    peer cannot be checked, and False is returned.
    """
    if not request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    if int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0) > 0:
        return False
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    trusted = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    return peer is None or not _trusted(peer, _networks(trusted))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for this request, by the operator's proxy settings."""
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()),
        trusted_proxy_count=int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0),
    )


def address_key(ip_address: str | None) -> str:
    """
    What an address limit counts by: an IPv4 address, or the /64 an IPv6 address is in
    (one household or phone is given a whole /64, and picks any address in it for free).
    "" for no address.
    """

    if not ip_address:
        return ""
    try:
        address = _ipaddress.ip_address(ip_address)
    except ValueError:
        return ""
    if address.version == 6:
        return "ip6:" + str(_ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"
