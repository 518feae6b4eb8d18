"""Named rate limits, each counted by account and by address: ``@rate_limit("login")``.

The numbers live in the RATE_LIMITS setting, so any route that needs the same
protection (a password reset, say) takes the same decorator with its own name.
Counts are kept where RATELIMIT_STORAGE_URI says: in the process by default,
in Redis when REDIS_URL is set, so that every worker and machine shares them.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request

from contest.extensions import client_address, limiter

KEYS: dict[str, Callable[[], str]] = {
    "account": lambda: (request.form.get("email") or request.args.get("email") or "").strip().lower(),
    "address": client_address,
}


def rate_limit(name: str, methods: tuple[str, ...] = ("POST",),
               count_when: Callable | None = None):
    """The limits called ``name`` in RATE_LIMITS, by account and by address.

    Every route with the same name shares one count. A kind the setting leaves
    out (``verify`` has no account) is not counted.
    ``methods`` are the requests counted; ``count_when(response)`` counts only
    the answers it accepts (failed logins, say). Over a limit the view is not
    run and the visitor gets the 429 page.
    """
    def decorator(view):
        for kind, key in KEYS.items():
            view = limiter.shared_limit(
                lambda kind=kind: current_app.config["RATE_LIMITS"][name].get(kind, "1000000 per second"),
                scope=f"{name}:{kind}", key_func=key, methods=list(methods), deduct_when=count_when,
                exempt_when=lambda kind=kind: kind not in current_app.config["RATE_LIMITS"][name],
            )(view)
        return view

    return decorator


def failed_login(response) -> bool:
    """A login that did not let the visitor in: the form came back instead of a redirect."""
    return response.status_code != 302
