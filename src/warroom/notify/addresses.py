"""Whether a webhook URL that a stranger gave may be called: not if it reaches inside.

Anyone can subscribe a webhook on the public status page and confirm it from a mailbox of
their own; without this check warroom would then POST, on every update, to whatever the URL
names: the metadata service at 169.254.169.254, an admin interface on 127.0.0.1, a host on
the response team's own network. A URL is refused when its host is, or resolves to, any
address that is not globally routable (loopback, private, link-local, shared, reserved,
multicast), IPv4-mapped IPv6 included.

The check runs when the form is sent and again before every delivery (the name may resolve
elsewhere by then). A name that re-resolves between the check and the connection could still
slip through; the window is one DNS lookup wide.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

__all__ = ["private_reason", "refusal"]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def refusal(url: str) -> str | None:
    """Why a stranger's URL is refused here, or None: `private_reason`, unless the install
    lets subscribers reach private addresses (settings.STATUS_WEBHOOK_PRIVATE_OK)."""
    return None if settings.STATUS_WEBHOOK_PRIVATE_OK else private_reason(url)


def private_reason(url: str) -> str | None:
    """Why URL must not be called for a stranger, or None when every address it has is public.

    A host that does not resolve is not refused here: the delivery fails and is retried.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return "the URL names no host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "the URL's port is not a number from 0 to 65535"
    for address in _addresses(host, port):
        if not _is_public(address):
            named = "" if str(address) == host else f"{host} resolves to "
            return f"{named}{address}, which is not a public internet address"
    return None


def _addresses(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


def _is_public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
