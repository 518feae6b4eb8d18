"""Whether a site address can be reached from another device (a phone scanning a QR code)."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback_url(url: str) -> bool:
    """True when ``url`` points at the machine that opens it: 127.0.0.0/8, ::1, localhost.

    An address without a host (a typo such as "example.vn" without a scheme) counts
    too: no phone could open it either.
    """
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return True
    if not host:
        return True
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
