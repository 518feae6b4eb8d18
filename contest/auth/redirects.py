"""Where a ``next`` parameter may send a visitor: only to a path on this site."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request


def local_target(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Browsers drop tabs and newlines from a URL and read a backslash as a
    slash, so "/\\t/evil.example" and "/\\\\evil.example" would both become
    "//evil.example", another host. Anything holding a control character,
    a backslash or a leading "//" is refused rather than cleaned up, and so
    is a target that would be one once percent-decoded again (a proxy or a
    second redirect may decode it).
    """
    if not target:
        return None
    return target if _is_local_path(target) and _is_local_path(unquote(target)) else None


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc)


def next_url(default: str) -> str:
    """The request's ``next`` parameter when it is local, else ``default``."""
    return local_target(request.args.get("next")) or default
