"""`contest setup FILE.toml`: create or update a contest from a settings file."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest import PROJECT_ROOT
from contest.extensions import db
from contest.models import (
    Assignment,
    AuditEvent,
    AwardedTo,
    Category,
    Contest,
    ContestPhase,
    Criterion,
    DocumentKind,
    PrizeTier,
    Role,
    Round,
    Score,
)

EXAMPLE = PROJECT_ROOT / "docs" / "contest-example.toml"


def example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def edited(old: str, new: str, text: str | None = None, count: int = 1) -> str:
    text = example() if text is None else text
    assert old in text, old
    return text.replace(old, new, count)


def without_tables(name: str) -> str:
    """The example without any [[name]] table (each ends at a blank line)."""
    return re.sub(rf"\[\[{name}\]\]\n(?:[^\n]+\n)*", "", example())


@pytest.fixture
def run_setup(runner, tmp_path: Path):
    def run(content: str | bytes, name: str = "contest.toml"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return runner.invoke(args=["setup", str(path)])

    return run


def the_contest() -> Contest | None:
    db.session.expire_all()
    return db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))


def counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Contest, Category, Criterion, PrizeTier, DocumentKind, Round, AuditEvent)}


def test_the_documented_example_creates_the_seed_contest(run_setup):
    result = run_setup(example())
    assert result.exit_code == 0, result.output
    assert "contest dvk-2022: 3 categories, 3 criteria, 3 tiers, 3 documents" in result.output
    contest = the_contest()
    assert contest.name == "Tuyên truyền các mô hình “Dân vận khéo” xây dựng nông thôn mới năm 2022"
    assert contest.organizer == "Ban Dân vận Thành ủy Hải Phòng"
    assert contest.place == "Hải Phòng"
    assert contest.timezone == "Asia/Ho_Chi_Minh"
    assert contest.code_prefix == "DVK"
    assert contest.phase is ContestPhase.OPEN
    # Local times in Vietnam (UTC+7), stored as UTC.
    assert contest.opens_at == datetime(2022, 5, 20, 1, 0, tzinfo=timezone.utc)
    assert contest.closes_at == datetime(2022, 11, 30, 17, 0, tzinfo=timezone.utc)
    assert [(c.code, c.name) for c in contest.categories] == [
        ("BAO-IN", "Báo in, báo điện tử"), ("PT-TH", "Phát thanh, truyền hình"),
        ("ANH", "Ảnh, video clip")]
    assert [(c.code, c.max_points, c.weight) for c in contest.criteria] == [
        ("ND", 40, 1), ("HT", 30, 1), ("LT", 30, 1)]
    assert [(t.code, t.name, t.quota, t.min_score) for t in contest.tiers] == [
        ("A", "Giải A", 2, None), ("B", "Giải B", 4, None), ("C", "Giải C", 10, None)]
    gcn, bk, bkpt = contest.documents
    assert (gcn.code, gcn.title, [t.code for t in gcn.tiers]) == ("GCN", "Giấy chứng nhận", ["A", "B", "C"])
    assert (bk.code, bk.title, [t.code for t in bk.tiers]) == ("BK", "Bằng khen", ["A", "B"])
    assert (bkpt.code, bkpt.awarded_to, bkpt.tiers, bkpt.per_author) == ("BKPT", AwardedTo.LIST, [], False)
    assert gcn.awarded_to is AwardedTo.TIERS
    assert gcn.number_format == "{seq:02d}/GCN-BTC"
    assert bk.issuer == "Ủy ban nhân dân\nthành phố Hải Phòng"
    assert bk.signer_title == "KT. Chủ tịch\nPhó Chủ tịch"
    assert gcn.signer_name == "Lê Trí Vũ"
    assert gcn.dated == date(2022, 12, 20)
    assert [(r.code, r.name, r.per_entry, r.advance_count) for r in contest.rounds] == [
        ("SK", "Sơ khảo", 3, 40), ("CK", "Chung khảo", None, None)]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.contest_id == contest.id)) \
        == "contest.created"


def test_running_the_same_file_again_duplicates_nothing(run_setup):
    assert run_setup(example()).exit_code == 0
    before = counts()
    ids = {t.code: t.id for t in the_contest().tiers}
    result = run_setup(example())
    assert result.exit_code == 0, result.output
    after = counts()
    assert after == {**before, "audit_events": before["audit_events"] + 1}
    assert {t.code: t.id for t in the_contest().tiers} == ids


def test_re_running_updates_the_contest(run_setup):
    assert run_setup(example()).exit_code == 0
    tier_ids = {t.code: t.id for t in the_contest().tiers}
    text = edited('quota = 10', 'quota = 12\nmin_score = 60.5')
    text = edited('name = "Ảnh, video clip"', 'name = "Ảnh"', text)
    text = edited('max = 40', 'max = 50\nweight = 1.5', text)
    text = edited('closes_at = 2022-12-01T00:00:00', 'closes_at = 2022-12-15T17:30:00', text)
    text = edited('signer_name = "Lê Khắc Nam"', 'signer_name = "Nguyễn Văn Tùng"', text)
    text = edited('[[categories]]\ncode = "PT-TH"\nname = "Phát thanh, truyền hình"\n\n', '', text)
    text += '\n[[categories]]\ncode = "TRUYEN"\nname = "Truyện ngắn"\n'
    result = run_setup(text)
    assert result.exit_code == 0, result.output
    contest = the_contest()
    assert [c.code for c in contest.categories] == ["BAO-IN", "ANH", "TRUYEN"]
    assert contest.categories[1].name == "Ảnh"
    c_tier = contest.tiers[2]
    assert (c_tier.quota, c_tier.min_score) == (12, Decimal("60.5"))
    assert {t.code: t.id for t in contest.tiers} == tier_ids
    assert (contest.criteria[0].max_points, contest.criteria[0].weight) == (50, Decimal("1.5"))
    assert contest.closes_at == datetime(2022, 12, 15, 10, 30, tzinfo=timezone.utc)
    assert contest.documents[1].signer_name == "Nguyễn Văn Tùng"
    assert db.session.scalar(select(func.count()).select_from(Contest)) == 1
    assert "contest.updated" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_tier_and_the_documents_naming_it_can_be_removed_together(run_setup):
    assert run_setup(example()).exit_code == 0
    text = edited('[[tiers]]\ncode = "C"\nname = "Giải C"\nquota = 10\n', '')
    text = edited('tiers = ["A", "B", "C"]', 'tiers = ["A", "B"]', text)
    result = run_setup(text)
    assert result.exit_code == 0, result.output
    contest = the_contest()
    assert [t.code for t in contest.tiers] == ["A", "B"]
    assert [t.code for t in contest.documents[0].tiers] == ["A", "B"]


def test_an_offset_date_time_is_taken_as_given(run_setup):
    text = edited("opens_at = 2022-05-20T08:00:00", "opens_at = 2022-05-20T08:00:00Z")
    assert run_setup(text).exit_code == 0
    assert the_contest().opens_at == datetime(2022, 5, 20, 8, 0, tzinfo=timezone.utc)


BAD_FILES = [
    pytest.param(lambda: example() + "\nslug = \n", "not valid TOML", id="invalid-toml"),
    pytest.param(lambda: edited("[[tiers]]\ncode", "[[tiers]\ncode"), "not valid TOML", id="broken-table"),
    pytest.param(lambda: edited('slug = "dvk-2022"', ""), "'slug' is required", id="missing-slug"),
    pytest.param(lambda: edited('organizer = "Ban Dân vận Thành ủy Hải Phòng"', ""),
                 "'organizer' is required", id="missing-organizer"),
    pytest.param(lambda: edited('name = "Tuyên', 'title = "Tuyên'), "'name' is required",
                 id="missing-name"),
    pytest.param(lambda: edited("opens_at = 2022-05-20T08:00:00", ""), "'opens_at' must be a date-time",
                 id="missing-opens-at"),
    pytest.param(lambda: edited("max = 40", ""), "criteria[1]: 'max' is required", id="missing-max"),
    pytest.param(lambda: edited('code = "HT"\n', ""), "criteria[2]: 'code' is required",
                 id="missing-criterion-code"),
    pytest.param(lambda: edited("signer_name = \"Lê Trí Vũ\"", ""), "documents[1]: 'signer_name' is required",
                 id="missing-signer"),
    pytest.param(lambda: edited("closes_at = 2022-12-01T00:00:00", "closes_at = 2022-05-01T00:00:00"),
                 "'closes_at' must be after 'opens_at'", id="closes-before-opens"),
    pytest.param(lambda: edited("closes_at = 2022-12-01T00:00:00", "closes_at = 2022-05-20T08:00:00"),
                 "'closes_at' must be after 'opens_at'", id="closes-when-it-opens"),
    pytest.param(lambda: edited("opens_at = 2022-05-20T08:00:00", 'opens_at = "20/05/2022 08:00"'),
                 "'opens_at' must be a date-time", id="date-time-as-text"),
    pytest.param(lambda: edited("opens_at = 2022-05-20T08:00:00", "opens_at = 2022-05-20"),
                 "'opens_at' must be a date-time", id="date-without-time"),
    pytest.param(lambda: edited('tiers = ["A", "B"]', 'tiers = ["A", "D"]'),
                 "documents[2]: unknown tier 'D'", id="unknown-tier-in-documents"),
    pytest.param(lambda: edited('tiers = ["A", "B"]', 'tiers = []'),
                 "documents[2]: 'tiers' must list tier codes", id="no-tiers-in-document"),
    pytest.param(lambda: edited('tiers = ["A", "B"]', 'tiers = ["A", "B", "A"]'),
                 "documents[2]: tier 'A' listed twice", id="tier-twice-in-document"),
    pytest.param(lambda: edited('number_format = "{seq:02d}/GCN-BTC"', 'number_format = "{seq:02d/GCN-BTC"'),
                 "documents[1]: 'number_format'", id="number-format-broken-brace"),
    pytest.param(lambda: edited('number_format = "{seq:02d}/GCN-BTC"', 'number_format = "GCN-BTC"'),
                 "must contain {seq}", id="number-format-without-seq"),
    pytest.param(lambda: edited('number_format = "{seq:02d}/GCN-BTC"', 'number_format = "{so:02d}/GCN-BTC"'),
                 "unknown field(s) so", id="number-format-unknown-field"),
    pytest.param(lambda: edited("quota = 2", "quota = -1"), "tiers[1]: 'quota' must be a whole number ≥ 0",
                 id="negative-quota"),
    pytest.param(lambda: edited("quota = 4", "quota = 2.5"), "tiers[2]: 'quota' must be a whole number",
                 id="fractional-quota"),
    pytest.param(lambda: edited("quota = 2", ""), "tiers[1]: 'quota' must be a whole number",
                 id="missing-quota"),
    pytest.param(lambda: edited("# min_score = 60", "min_score = -5"), "tiers[3]: 'min_score' must be at least 0",
                 id="negative-min-score"),
    pytest.param(lambda: edited("max = 40", "max = 0"), "criteria[1]: 'max' must be above 0", id="zero-max"),
    pytest.param(lambda: edited("max = 40", "max = 40.125"), "criteria[1]: 'max' has more than 2 decimal",
                 id="max-too-precise"),
    pytest.param(lambda: edited("max = 40", 'max = "bốn mươi"'), "criteria[1]: 'max' must be a number",
                 id="max-not-a-number"),
    pytest.param(lambda: edited("weight = 1", "weight = -1"), "criteria[3]: 'weight' must be above 0",
                 id="negative-weight"),
    pytest.param(lambda: edited('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hai_Phong"'),
                 "unknown timezone 'Asia/Hai_Phong'", id="unknown-timezone"),
    pytest.param(lambda: edited('slug = "dvk-2022"', 'slug = "dân-vận"'), "'slug' may hold only ASCII",
                 id="slug-not-ascii"),
    pytest.param(lambda: edited('code = "HT"', 'code = "ND"'), "[[criteria]]: duplicate code(s) ND",
                 id="duplicate-criterion"),
    pytest.param(lambda: edited('code = "B"', 'code = "A"'), "[[tiers]]: duplicate code(s) A",
                 id="duplicate-tier"),
    pytest.param(lambda: edited('code = "B"', 'code = " A "'), "[[tiers]]: duplicate code(s) A",
                 id="duplicate-tier-after-trimming"),
    pytest.param(lambda: edited('name = "Giải A"', 'name = "' + "Giải A " * 20 + '"'),
                 "tiers[1]: 'name' is longer than 100 characters", id="tier-name-too-long"),
    pytest.param(lambda: edited('code_prefix = "DVK"', 'code_prefix = "' + "D" * 21 + '"'),
                 "'code_prefix' is longer than 20 characters", id="code-prefix-too-long"),
    pytest.param(lambda: edited('slug = "dvk-2022"', 'slug = "' + "dvk-" * 16 + '"'),
                 "'slug' is longer than 60 characters", id="slug-too-long"),
    pytest.param(lambda: edited("date = 2022-12-20", 'date = "20/12/2022"'),
                 "documents[1]: 'date' must be a date", id="document-date-as-text"),
    pytest.param(lambda: edited('categories]]\ncode = "BAO-IN"', 'categories]]\ncode = ["BAO-IN"]'),
                 "categories[1]: 'code' must be text", id="code-not-text"),
    pytest.param(lambda: without_tables("criteria"), "at least one [[criteria]] is required",
                 id="no-criteria"),
    pytest.param(lambda: without_tables("tiers"), "at least one [[tiers]] is required", id="no-tiers"),
    pytest.param(lambda: b"\xff\xfe" + example().encode("utf-16-le"), "UTF-8", id="not-utf8"),
]


@pytest.mark.parametrize(("make_file", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_message_and_creates_nothing(run_setup, make_file, message):
    result = run_setup(make_file())
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(("make_file", "message"), BAD_FILES)
def test_a_bad_file_changes_nothing_in_an_existing_contest(run_setup, make_file, message):
    assert run_setup(example()).exit_code == 0
    before = counts()
    snapshot = _snapshot()
    content = make_file()
    if isinstance(content, str):
        content = content.replace("Tuyên truyền các mô hình", "Tên mới:", 1)
    result = run_setup(content)
    assert result.exit_code != 0
    assert message in result.output
    assert counts() == before
    assert _snapshot() == snapshot


def _snapshot() -> tuple:
    contest = the_contest()
    return (
        contest.name, contest.opens_at, contest.closes_at, contest.code_prefix,
        [(c.code, c.name) for c in contest.categories],
        [(c.code, c.max_points, c.weight) for c in contest.criteria],
        [(t.code, t.quota, t.min_score) for t in contest.tiers],
        [(d.code, d.number_format, [t.code for t in d.tiers]) for d in contest.documents],
    )


def test_every_problem_is_reported_at_once(run_setup):
    text = edited("quota = 2", "quota = -1")
    text = edited('tiers = ["A", "B"]', 'tiers = ["A", "Z"]', text)
    text = edited('organizer = "Ban Dân vận Thành ủy Hải Phòng"', "", text)
    result = run_setup(text)
    assert result.exit_code == 1
    for message in ("'quota' must be a whole number", "unknown tier 'Z'", "'organizer' is required"):
        assert message in result.output
    assert "nothing was changed" in result.output


def test_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["setup", str(tmp_path / "khong-co.toml")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_finalized_contest_can_no_longer_change(run_setup):
    assert run_setup(example()).exit_code == 0
    contest = the_contest()
    contest.phase = ContestPhase.FINALIZED
    db.session.commit()
    result = run_setup(edited("quota = 2", "quota = 3"))
    assert result.exit_code == 1
    assert "finalized" in result.output
    assert the_contest().tiers[0].quota == 2


@pytest.fixture
def scored_contest(run_setup, make_entry, make_user):
    """The example contest with one entry and one judge's score of 35 on ND."""
    assert run_setup(example()).exit_code == 0
    contest = the_contest()
    entry = make_entry(contest)
    judge = make_user(Role.JUDGE)
    crit = contest.criteria[0]
    assignment = Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id)
    assignment.scores.append(Score(criterion_id=crit.id, max_points=crit.max_points,
                                   points=Decimal(35)))
    db.session.add(assignment)
    db.session.commit()
    return contest


def test_a_criterion_with_scores_cannot_be_removed(run_setup, scored_contest):
    text = edited('[[criteria]]\ncode = "ND"\nname = "Nội dung, tính chân thực của mô hình"\nmax = 40\n', "")
    result = run_setup(text)
    assert result.exit_code == 1
    assert "criteria 'ND' is in use" in result.output
    assert [c.code for c in the_contest().criteria] == ["ND", "HT", "LT"]


def test_a_category_with_entries_cannot_be_removed(run_setup, scored_contest):
    text = edited('[[categories]]\ncode = "BAO-IN"\nname = "Báo in, báo điện tử"\n', "")
    result = run_setup(text)
    assert result.exit_code == 1
    assert "categories 'BAO-IN' is in use" in result.output
    assert len(the_contest().categories) == 3


def test_a_max_below_a_score_already_given_is_refused(run_setup, scored_contest):
    result = run_setup(edited("max = 40", "max = 30"))
    assert result.exit_code == 1
    assert "criteria[1]: 'max' 30 is below a score already given (35" in result.output
    assert "Traceback" not in result.output
    assert the_contest().criteria[0].max_points == 40


def test_a_max_still_above_the_scores_may_be_lowered(run_setup, scored_contest):
    result = run_setup(edited("max = 40", "max = 35"))
    assert result.exit_code == 0, result.output
    assert the_contest().criteria[0].max_points == 35
    assert db.session.scalar(select(Score.max_points)) == 35
