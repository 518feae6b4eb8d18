"""What the database itself guarantees, even when the services are bypassed."""
from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, StatementError

from contest.extensions import db
from contest.models import (
    Assignment,
    AuditEvent,
    Contest,
    Criterion,
    Entry,
    EntryAuthor,
    PrizeTier,
    Role,
    Score,
)

VIETNAMESE = ["Nguyễn Thị Thuỳ Dương", "Kiến Thụy", "Thủy Nguyên", "Đặng Văn Ơn", "Lưu Kiếm"]


@pytest.fixture
def sheet(make_contest, make_entry, make_user):
    """An assignment of one judge to one entry, with no scores yet."""
    contest = make_contest()
    entry = make_entry(contest)
    judge = make_user(Role.JUDGE)
    assignment = Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def criterion(contest: Contest, code: str = "ND") -> Criterion:
    return next(c for c in contest.criteria if c.code == code)


def add_score(assignment: Assignment, crit: Criterion, points, max_points=None) -> Score:
    score = Score(assignment_id=assignment.id, criterion_id=crit.id,
                  max_points=crit.max_points if max_points is None else max_points,
                  points=Decimal(str(points)))
    db.session.add(score)
    db.session.flush()
    return score


def contest_of(assignment: Assignment) -> Contest:
    return assignment.round.contest


@pytest.mark.parametrize("points", ["0", "0.5", "46.5", "60"])
def test_scores_within_zero_to_max_are_stored_exactly(sheet, points):
    add_score(sheet, criterion(contest_of(sheet)), points)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Score.points)) == Decimal(points)


@pytest.mark.parametrize("points", ["60.01", "61", "-0.5", "-1"])
def test_a_score_outside_zero_to_max_is_rejected_by_the_database(sheet, points):
    with pytest.raises(IntegrityError):
        add_score(sheet, criterion(contest_of(sheet)), points)
    db.session.rollback()
    assert db.session.scalar(select(Score.id)) is None


def test_a_score_cannot_claim_a_larger_max_than_its_criterion(sheet):
    # The copy of the maximum must match the criterion (composite foreign key).
    with pytest.raises(IntegrityError):
        add_score(sheet, criterion(contest_of(sheet)), "80", max_points=Decimal(100))
    db.session.rollback()


def test_a_raw_sql_score_above_max_is_rejected(sheet):
    crit = criterion(contest_of(sheet))
    # FixedPoint(2): 60 points is stored as 6000.
    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO scores (assignment_id, criterion_id, max_points, points) "
            "VALUES (:a, :c, 6000, 6001)"), {"a": sheet.id, "c": crit.id})
    db.session.rollback()


def test_lowering_a_criterion_max_below_an_existing_score_is_rejected(sheet):
    crit = criterion(contest_of(sheet))
    add_score(sheet, crit, "55")
    db.session.commit()
    crit.max_points = Decimal(50)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Criterion, crit.id).max_points == 60


def test_lowering_a_max_below_a_score_is_rejected_in_plain_sql_too(sheet):
    crit = criterion(contest_of(sheet))
    add_score(sheet, crit, "55")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Criterion).where(Criterion.id == crit.id)
                           .values(max_points=Decimal("54.5")))
    db.session.rollback()


def test_changing_a_max_above_the_scores_cascades_to_them(sheet):
    crit = criterion(contest_of(sheet))
    add_score(sheet, crit, "55")
    db.session.commit()
    crit.max_points = Decimal("55")
    db.session.commit()
    db.session.expire_all()
    score = db.session.scalar(select(Score))
    assert (score.max_points, score.points) == (Decimal(55), Decimal(55))
    crit.max_points = Decimal(100)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Score.max_points)) == 100


def test_one_score_per_assignment_and_criterion(sheet):
    crit = criterion(contest_of(sheet))
    add_score(sheet, crit, "10")
    with pytest.raises(IntegrityError):
        add_score(sheet, crit, "20")
    db.session.rollback()


def test_the_same_criterion_on_another_assignment_is_fine(sheet, make_user):
    contest = contest_of(sheet)
    other = Assignment(round_id=sheet.round_id, entry_id=sheet.entry_id,
                       judge_id=make_user(Role.JUDGE).id)
    db.session.add(other)
    db.session.flush()
    add_score(sheet, criterion(contest), "10")
    add_score(other, criterion(contest), "20")
    db.session.commit()
    assert len(db.session.scalars(select(Score)).all()) == 2


def test_one_assignment_per_round_entry_and_judge(sheet):
    db.session.add(Assignment(round_id=sheet.round_id, entry_id=sheet.entry_id,
                              judge_id=sheet.judge_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_entry_codes_are_unique_per_contest(make_contest, make_entry):
    contest = make_contest("thi-mot")
    entry = make_entry(contest)
    twin = Entry(contest=contest, code=entry.code, title="Khác", category=contest.categories[0],
                 author_kind=entry.author_kind)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_same_entry_code_in_another_contest_is_fine(make_contest, make_entry):
    first = make_entry(make_contest("thi-mot"))
    other = make_contest("thi-hai")
    db.session.add(Entry(contest=other, code=first.code, title="Khác",
                         category=other.categories[0], author_kind=first.author_kind))
    db.session.commit()
    codes = db.session.scalars(select(Entry.code)).all()
    assert codes == [first.code, first.code]


@pytest.mark.parametrize("value", ["46.555", "0.001", "1E-3"])
def test_fixed_point_refuses_more_than_two_decimals(sheet, value):
    with pytest.raises(StatementError) as caught:
        add_score(sheet, criterion(contest_of(sheet)), value)
    assert isinstance(caught.value.orig, ValueError)
    assert "decimal places" in str(caught.value)
    db.session.rollback()


def test_fixed_point_keeps_trailing_zeros_meaningless(sheet):
    add_score(sheet, criterion(contest_of(sheet)), "46.500")
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Score.points)) == Decimal("46.5")
    # Stored as an exact integer count of hundredths.
    assert db.session.scalar(text("SELECT points FROM scores")) == 4650


def test_criterion_weight_keeps_three_decimals(make_contest):
    contest = make_contest()
    crit = criterion(contest)
    crit.weight = Decimal("1.125")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Criterion, crit.id).weight == Decimal("1.125")
    crit = db.session.get(Criterion, crit.id)
    crit.weight = Decimal("1.0005")
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()


def test_datetimes_round_trip_as_aware_utc(make_contest):
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    opens = datetime(2022, 5, 20, 8, 0, tzinfo=hanoi)
    closes = datetime(2022, 12, 1, 0, 0, tzinfo=hanoi)
    contest = make_contest(opens_at=opens, closes_at=closes)
    contest_id = contest.id
    db.session.commit()
    db.session.remove()
    stored = db.session.get(Contest, contest_id)
    assert stored.opens_at == opens
    assert stored.opens_at.tzinfo is not None
    assert stored.opens_at.utcoffset() == timedelta(0)
    assert stored.opens_at == datetime(2022, 5, 20, 1, 0, tzinfo=timezone.utc)
    assert stored.closes_at == datetime(2022, 11, 30, 17, 0, tzinfo=timezone.utc)
    assert stored.created_at.utcoffset() == timedelta(0)
    # The moment survives exactly (microseconds too).
    moment = datetime(2022, 12, 20, 9, 30, 15, 123456, tzinfo=hanoi)
    stored.finalized_at = moment
    db.session.commit()
    db.session.remove()
    assert db.session.get(Contest, contest_id).finalized_at == moment


def test_naive_datetimes_are_refused(make_contest):
    contest = make_contest()
    contest.finalized_at = datetime(2022, 12, 20, 9, 30)
    with pytest.raises(StatementError) as caught:
        db.session.flush()
    assert "naive" in str(caught.value)
    db.session.rollback()


@pytest.mark.parametrize("name", VIETNAMESE)
def test_nfc_text_is_stored_exactly(make_contest, make_entry, name):
    assert unicodedata.is_normalized("NFC", name)
    contest = make_contest()
    entry = make_entry(contest, authors=(name,), organization=f"Hội Nông dân {name}",
                       title=f"Mô hình ở {name}")
    entry_id = entry.id
    db.session.remove()
    raw_author = db.session.scalar(text("SELECT name FROM entry_authors"))
    raw_title = db.session.scalar(text("SELECT title FROM entries"))
    assert raw_author == name
    assert raw_author.encode("utf-8") == name.encode("utf-8")
    assert raw_title == f"Mô hình ở {name}"
    assert db.session.get(Entry, entry_id).author_names == [name]


def test_decomposed_input_is_stored_as_nfc(make_contest, make_entry):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thuỳ Dương")
    assert decomposed != "Nguyễn Thị Thuỳ Dương"
    make_entry(make_contest(), authors=(decomposed,))
    db.session.remove()
    assert db.session.scalar(text("SELECT name FROM entry_authors")) == "Nguyễn Thị Thuỳ Dương"


def test_authors_keep_their_order_and_can_be_replaced(make_contest, make_entry):
    entry = make_entry(make_contest(), authors=("Trần Văn Một", "Lê Thị Hai", "Phạm Ba"))
    entry.set_authors(["Lê Thị Hai", "Trần Văn Một"])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).author_names == ["Lê Thị Hai", "Trần Văn Một"]
    assert len(db.session.scalars(select(EntryAuthor)).all()) == 2


def test_author_positions_are_unique_per_entry(make_contest, make_entry):
    entry = make_entry(make_contest())
    db.session.add(EntryAuthor(entry_id=entry.id, position=0, name="Người thứ hai"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("table", "column", "value"), [
    ("contests", "phase", "'closed'"),
    ("entries", "status", "'lost'"),
    ("entries", "author_kind", "'robot'"),
])
def test_enum_columns_are_checked_by_the_database(make_contest, make_entry, table, column, value):
    make_entry(make_contest())
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE {table} SET {column} = {value}"))
    db.session.rollback()


def test_negative_quota_is_rejected_by_the_database(make_contest):
    tier = make_contest().tiers[0]
    with pytest.raises(IntegrityError):
        db.session.execute(update(PrizeTier).where(PrizeTier.id == tier.id).values(quota=-1))
    db.session.rollback()


def test_a_contest_must_close_after_it_opens(make_contest):
    contest = make_contest()
    contest.closes_at = contest.opens_at
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("max_points", ["0", "-5"])
def test_a_criterion_max_must_be_positive(make_contest, max_points):
    crit = criterion(make_contest(), "HT")
    crit.max_points = Decimal(max_points)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_audit_details_round_trip_as_json(make_contest):
    contest = make_contest()
    db.session.add(AuditEvent(contest_id=contest.id, action="tie.resolved", target="A B",
                              details={"order": ["DVK-0002", "DVK-0001"], "reason": "Ý kiến Ban Giám khảo"}))
    db.session.commit()
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tie.resolved"))
    assert event.details == {"order": ["DVK-0002", "DVK-0001"], "reason": "Ý kiến Ban Giám khảo"}
    assert event.created_at.utcoffset() == timedelta(0)


def test_deleting_a_contest_removes_everything_it_owns(sheet):
    contest = contest_of(sheet)
    add_score(sheet, criterion(contest), "10")
    db.session.commit()
    db.session.execute(text("DELETE FROM contests"))
    db.session.commit()
    for table in ("entries", "entry_authors", "assignments", "scores", "criteria", "rounds"):
        assert db.session.scalar(text(f"SELECT count(*) FROM {table}")) == 0, table
