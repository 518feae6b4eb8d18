"""Language and time display: Vietnamese first, times in the contest's timezone."""
from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from markupsafe import Markup, escape

from contest.domain.scoring import format_score

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def select_locale() -> str:
    """The language chosen with the switcher, else Vietnamese (not the browser's)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def local_time(value: datetime | None, tz: str | ZoneInfo = DEFAULT_TIMEZONE, with_zone: bool = True) -> str:
    """A stored UTC time as the contest's people read it: 20/12/2022 08:00 (UTC+7)."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = value.astimezone(zone)
    text = local.strftime("%d/%m/%Y %H:%M")
    if with_zone:
        offset = local.utcoffset()
        hours = int(offset.total_seconds() // 3600) if offset else 0
        minutes = int(offset.total_seconds() % 3600 // 60) if offset else 0
        text += f" (UTC{hours:+d}" + (f":{minutes:02d}" if minutes else "") + ")"
    return text


def file_size_text(size: int) -> str:
    """1,2 MB in Vietnamese, 1.2 MB in English."""
    from flask_babel import format_decimal, ngettext

    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= factor:
            return f"{format_decimal(size / factor, format='#,##0.#')} {unit}"
    return ngettext("%(num)d byte", "%(num)d bytes", size)


def score_text(value: Fraction | None) -> str:
    return format_score(value) or "—"


def _lazy_string_as_text(self) -> Markup:
    return escape(str(self))


def escape_lazy_strings() -> None:
    """Print Flask-Babel's lazy strings as text, never as markup.

    ``LazyString.__html__`` returns the string as it is, so Jinja takes it for
    markup and does not escape it: ``_l("unknown column '%(column)s'", column=…)``
    would print a column name from an uploaded file as HTML
    (python-babel/flask-babel#121, #224). None of our msgids holds markup, so every
    lazy string is escaped like any other text.
    """
    from flask_babel.speaklater import LazyString

    LazyString.__html__ = _lazy_string_as_text


def register_filters(app: Flask) -> None:
    from flask_babel import get_locale

    escape_lazy_strings()

    from contest.labels import CERTIFICATE_LABELS, PHASE_LABELS, SCREENING_REASON_LABELS, STATUS_LABELS
    from contest.models import ContestPhase, Role

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["score"] = score_text
    app.jinja_env.filters["file_size"] = file_size_text

    @app.context_processor
    def template_globals() -> dict:
        return {"current_locale": str(get_locale()), "Role": Role, "ContestPhase": ContestPhase,
                "phase_labels": PHASE_LABELS, "status_labels": STATUS_LABELS,
                "reason_labels": SCREENING_REASON_LABELS, "certificate_labels": CERTIFICATE_LABELS}
