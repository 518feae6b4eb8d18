"""A small contest in judging with a lenient judge, a harsh one and two who disagree, and
an organizer reading in English: what the chart, ranking-method and ranking-cache tests share."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from contest.extensions import db
from contest.judging.services import save_sheet, start_judging
from contest.models import Assignment, Contest, Entry, Role, User


@dataclass
class Harsh:
    """thi-thu (A 1, B 1, C 2; maximum total 100) in judging. Judge Lan (lenient) reads
    P Q R S, judge Hùng (harsh) T U V W; Cúc and Dũng read X and disagree (90 vs 32)."""

    contest: Contest
    entries: dict[str, Entry]
    judges: dict[str, User]

    def code(self, name: str) -> str:
        return self.entries[name].code


def give(contest: Contest, judge: User, entry: Entry, total: int) -> None:
    """A submitted sheet whose total is ``total`` (ND up to 60, the rest HT)."""
    sheet = Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id)
    db.session.add(sheet)
    db.session.flush()
    nd, ht = contest.criteria
    save_sheet(sheet, {nd.id: Decimal(min(total, 60)), ht.id: Decimal(max(total - 60, 0))}, "",
               submit=True, actor=None)


@pytest.fixture(autouse=True)
def english(client):
    """The tests read the pages' English messages (their msgids), not a translation."""
    client.get("/lang/en")


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER, name="Trần Thu Hà")
    login(user)
    return user


@pytest.fixture
def harsh(make_contest, make_entry, make_user) -> Harsh:
    contest = make_contest()
    entries = {name: make_entry(contest, title=f"Mô hình {name}") for name in "PQRSTUVWX"}
    start_judging(contest, actor=None)
    judges = {name: make_user(Role.JUDGE, name=name, email=f"{email}@example.vn")
              for name, email in (("Lan", "lan"), ("Hùng", "hung"), ("Cúc", "cuc"), ("Dũng", "dung"))}
    for name, total in zip("PQRS", (60, 62, 64, 66)):
        give(contest, judges["Lan"], entries[name], total)
    for name, total in zip("TUVW", (40, 41, 44, 47)):
        give(contest, judges["Hùng"], entries[name], total)
    give(contest, judges["Cúc"], entries["X"], 90)
    give(contest, judges["Dũng"], entries["X"], 32)
    db.session.commit()
    return Harsh(contest, entries, judges)
