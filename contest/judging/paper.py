"""Paper score sheets: one printable PDF page (or more) per judge with their entry
codes, the criteria with maxima and steps, boxes to write in and a signature line."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select

from contest import PROJECT_ROOT
from contest.extensions import db
from contest.models import Assignment, Contest, Entry, User

STATIC_DIR = PROJECT_ROOT / "static"


@dataclass(frozen=True)
class PaperSheet:
    judge: User
    # (code, title) of each entry the judge reads in the current round, by code.
    entries: list[tuple[str, str]]


def paper_sheets(contest: Contest, judges: list[User] | None = None) -> list[PaperSheet]:
    """Every judge's entries in the current round (or only ``judges``'), in one query."""
    query = (
        select(Assignment.judge_id, Entry.code, Entry.title)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.round_id == contest.current_round.id)
        .order_by(Entry.code)
    )
    if judges is not None:
        query = query.where(Assignment.judge_id.in_([j.id for j in judges]))
    by_judge: dict[int, list[tuple[str, str]]] = {}
    for judge_id, code, title in db.session.execute(query):
        by_judge.setdefault(judge_id, []).append((code, title))
    if judges is None:
        judges = list(db.session.scalars(select(User).where(User.id.in_(by_judge))
                                         .order_by(User.name, User.id)))
    return [PaperSheet(judge, by_judge.get(judge.id, [])) for judge in judges]


def render_paper_sheets(contest: Contest, sheets: list[PaperSheet]) -> bytes:
    """The sheets as one PDF, in the shipped Noto Serif font."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from contest.certificates.rendering import StaticOnlyFetcher

    from contest.judging.forms import points_text

    html = render_template("judging/paper_sheets.html", contest=contest, sheets=sheets,
                           points_text=points_text,
                           max_total=sum(c.max_points * c.weight for c in contest.criteria))
    fonts = FontConfiguration()
    return HTML(string=html, base_url=f"{STATIC_DIR.as_uri()}/",
                url_fetcher=StaticOnlyFetcher(STATIC_DIR)).write_pdf(font_config=fonts)
