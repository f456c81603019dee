"""The address of the client behind the trusted reverse proxies (load balancer, TLS terminator).

One function for everything that counts or records addresses: the login lockout (django-axes),
allauth's rate limits (second factor, sign-up, password reset) and the audit trail.

`X-Forwarded-For` is believed only when the direct peer (`REMOTE_ADDR`) is one of the proxies
listed in `RATHAUS_TRUSTED_PROXIES`; then the client is the rightmost address in the header
that is not itself a trusted proxy. Anything left of it was written by the client and can be
forged, so it is never used. With no trusted proxies (the default) the header is ignored.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # strict=False: "10.0.0.1/8" is read as the network 10.0.0.0/8, a single address as /32.
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxy_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Parse `RATHAUS_TRUSTED_PROXIES` (addresses or CIDR networks); ValueError if invalid."""
    return _networks(tuple(entries))


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, as far as the trusted proxies vouch for it ('' if unknown)."""
    remote = str(request.META.get("REMOTE_ADDR") or "").strip()
    networks = trusted_proxy_networks(settings.RATHAUS_TRUSTED_PROXIES)
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                # Garbage written by a proxy we trust is a misconfiguration, not a client:
                # fall back to the proxy's own address rather than counting a forged value.
                return remote
    # Every hop is a trusted proxy (a health check from inside): the innermost one it is.
    return hops[0] if hops else remote
