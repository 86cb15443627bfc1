"""The client's IP address, trusting X-Forwarded-For only from our own proxies."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    X-Forwarded-For is anyone's to write, so it counts only when REMOTE_ADDR is one
    of ``TRUSTED_PROXIES`` (addresses or networks), and then only up to the
    right-most address that is not a trusted proxy: each proxy appends the address
    it was reached from, so everything left of that was written by the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return _valid(remote)
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if _valid(hop) is None:
            break
        if not _trusted(hop, networks):
            return _valid(hop)
    # Every hop is one of ours (or a hop is garbage): the proxy is the client.
    return _valid(remote)
