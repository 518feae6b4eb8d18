"""Write audit events; services call ``record`` for every change of state."""
from __future__ import annotations

from typing import Any

from contest.extensions import db
from contest.models import AuditEvent, Contest, User


def record(
    action: str,
    *,
    contest: Contest | None = None,
    actor: User | None = None,
    target: str = "",
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits)."""
    event = AuditEvent(
        contest_id=contest.id if contest is not None else None,
        actor_id=actor.id if actor is not None else None,
        action=action,
        target=target,
        details=details,
    )
    db.session.add(event)
    return event
