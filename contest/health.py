"""What /healthz checks: the database answers and the upload folder takes files."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from contest.extensions import db


def health_checks() -> dict[str, str]:
    """"ok" per check, or a short reason (no secrets, no paths)."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure is an answer here, not an error page
        db.session.rollback()
        checks["database"] = f"unreachable ({type(exc).__name__})"
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
            pass
        checks["uploads"] = "ok"
    except OSError as exc:
        checks["uploads"] = f"not writable ({exc.strerror or type(exc).__name__})"
    return checks
