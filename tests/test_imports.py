"""`contest import-entries` and `contest import-scores`: all rows valid, or nothing imported."""
from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import (
    Assignment,
    AuditEvent,
    AuthorKind,
    Contest,
    ContestPhase,
    Entry,
    EntryAuthor,
    EntryStatus,
    Role,
    Score,
    User,
)

ENTRY_HEADER = "code,title,category,author_kind,authors,organization,district,email,phone"
SCORE_HEADER = "entry_code,judge_email,ND,HT,comment"
DUONG = "Nguyễn Thị Thuỳ Dương"


@pytest.fixture
def write_csv(tmp_path: Path):
    counter = iter(range(1, 1000))

    def write(*lines: str, bom: bool = False, raw: bytes | None = None) -> Path:
        path = tmp_path / f"file{next(counter)}.csv"
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode())
        return path

    return write


@pytest.fixture
def contest(make_contest) -> Contest:
    """thi-thu: categories BAO and ANH; criteria ND (max 60) and HT (max 40); prefix TT."""
    return make_contest()


@pytest.fixture
def import_entries(runner, contest):
    def run(path: Path, slug: str = "thi-thu"):
        return runner.invoke(args=["import-entries", slug, str(path)])

    return run


@pytest.fixture
def import_scores(runner, contest):
    def run(path: Path, *options: str, slug: str = "thi-thu"):
        return runner.invoke(args=["import-scores", slug, str(path), *options])

    return run


def entries_by_code() -> dict[str, Entry]:
    db.session.expire_all()
    return {e.code: e for e in db.session.scalars(select(Entry))}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


GOOD_ENTRIES = [
    ENTRY_HEADER,
    f"TT-0101,Con đường hoa ở xã Tân Trào,BAO,individual,{DUONG},Hội Nông dân xã Tân Trào,"
    "Kiến Thụy,Duong.Nguyen@Example.VN,0912345678",
    ",Thắp sáng đường quê,ANH,collective,Tập thể Hội Phụ nữ xã Kiền Bái,Hội LHPN xã Kiền Bái,"
    "Thủy Nguyên,,",
    ',"Hiến đất mở đường, làm giàu quê hương",BAO,Individual,Trần Văn An; Lê Thị Bình ;;Phạm Cường,'
    "Báo Hải Phòng,An Dương,an@example.vn,",
]


# --- import-entries -------------------------------------------------------


def test_a_valid_file_imports_every_row(import_entries, write_csv, contest):
    result = import_entries(write_csv(*GOOD_ENTRIES))
    assert result.exit_code == 0, result.output
    assert "3 entries created, 0 updated" in result.output
    entries = entries_by_code()
    assert set(entries) == {"TT-0101", "TT-0001", "TT-0002"}
    first = entries["TT-0101"]
    assert first.title == "Con đường hoa ở xã Tân Trào"
    assert first.category.code == "BAO"
    assert first.author_kind is AuthorKind.INDIVIDUAL
    assert first.author_names == [DUONG]
    assert (first.organization, first.district, first.phone) == (
        "Hội Nông dân xã Tân Trào", "Kiến Thụy", "0912345678")
    assert first.email == "Duong.Nguyen@example.vn"
    assert first.submitted_by is None
    collective = entries["TT-0001"]
    assert collective.author_kind is AuthorKind.COLLECTIVE
    assert collective.author_names == ["Tập thể Hội Phụ nữ xã Kiền Bái"]
    assert (collective.email, collective.phone) == ("", "")
    third = entries["TT-0002"]
    assert third.title == "Hiến đất mở đường, làm giàu quê hương"
    assert third.author_kind is AuthorKind.INDIVIDUAL
    # Separated by ';', in order, blanks and outer spaces dropped.
    assert third.author_names == ["Trần Văn An", "Lê Thị Bình", "Phạm Cường"]
    assert all(e.status is EntryStatus.SUBMITTED for e in entries.values())
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entries.imported"))
    assert event.details == {"created": 3, "updated": 0}


def test_only_the_required_columns_are_needed(import_entries, write_csv):
    result = import_entries(write_csv("title,category,author_kind,authors",
                                      "Nước sạch về thôn,ANH,individual,Đặng Văn Ơn"))
    assert result.exit_code == 0, result.output
    assert entries_by_code()["TT-0001"].author_names == ["Đặng Văn Ơn"]


def test_re_importing_a_code_updates_that_entry(import_entries, write_csv):
    assert import_entries(write_csv(*GOOD_ENTRIES)).exit_code == 0
    ids = {code: e.id for code, e in entries_by_code().items()}
    result = import_entries(write_csv(
        ENTRY_HEADER,
        "TT-0101,Con đường hoa (bản sửa),ANH,collective,Tập thể xã Tân Trào;Hội Nông dân,"
        "Hội Nông dân xã Tân Trào,Kiến Thụy,,0987654321",
        "TT-0002,Hiến đất mở đường,BAO,individual,Lê Thị Bình,Báo Hải Phòng,An Dương,,",
    ))
    assert result.exit_code == 0, result.output
    assert "0 entries created, 2 updated" in result.output
    entries = entries_by_code()
    assert {code: e.id for code, e in entries.items()} == ids
    first = entries["TT-0101"]
    assert (first.title, first.category.code, first.author_kind) == (
        "Con đường hoa (bản sửa)", "ANH", AuthorKind.COLLECTIVE)
    assert first.author_names == ["Tập thể xã Tân Trào", "Hội Nông dân"]
    assert first.phone == "0987654321"
    assert entries["TT-0002"].author_names == ["Lê Thị Bình"]
    assert count(EntryAuthor) == 1 + 2 + 1


def test_a_column_left_out_keeps_the_current_values(import_entries, write_csv):
    assert import_entries(write_csv(*GOOD_ENTRIES)).exit_code == 0
    result = import_entries(write_csv("code,title,category,author_kind,authors",
                                      f"TT-0101,Tên mới,BAO,individual,{DUONG}"))
    assert result.exit_code == 0, result.output
    entry = entries_by_code()["TT-0101"]
    assert entry.title == "Tên mới"
    assert (entry.organization, entry.email) == ("Hội Nông dân xã Tân Trào", "Duong.Nguyen@example.vn")


def test_new_codes_skip_the_ones_already_taken(import_entries, write_csv):
    assert import_entries(write_csv(ENTRY_HEADER, "TT-0001,Mã có sẵn,BAO,individual,A,,,,")).exit_code == 0
    assert import_entries(write_csv(ENTRY_HEADER, ",Mã mới,BAO,individual,B,,,,")).exit_code == 0
    assert sorted(entries_by_code()) == ["TT-0001", "TT-0002"]


def test_names_are_kept_nfc_exactly(import_entries, write_csv):
    names = [DUONG, "Kiến Thụy", "Thủy Nguyên"]
    decomposed = unicodedata.normalize("NFD", "Đỗ Thị Huệ")
    result = import_entries(write_csv(
        ENTRY_HEADER,
        f"TT-0001,Mô hình ở {names[1]},BAO,individual,{names[0]};{decomposed},,{names[2]},,",
    ))
    assert result.exit_code == 0, result.output
    entry = entries_by_code()["TT-0001"]
    assert entry.author_names == [DUONG, "Đỗ Thị Huệ"]
    assert all(unicodedata.is_normalized("NFC", n) for n in entry.author_names)
    assert entry.title == "Mô hình ở Kiến Thụy"
    assert entry.district == "Thủy Nguyên"


def test_a_utf8_bom_is_fine(import_entries, write_csv):
    result = import_entries(write_csv(*GOOD_ENTRIES, bom=True))
    assert result.exit_code == 0, result.output
    assert len(entries_by_code()) == 3


def test_empty_cells_past_the_last_column_are_fine(import_entries, write_csv):
    result = import_entries(write_csv("title,category,author_kind,authors",
                                      "Nước sạch về thôn,ANH,individual,Đặng Văn Ơn,,",
                                      "Con đường hoa,BAO,individual,Lê Văn Hoa"))
    assert result.exit_code == 0, result.output
    assert len(entries_by_code()) == 2


def test_crlf_line_ends_and_blank_lines_are_fine(import_entries, write_csv):
    raw = ("\r\n".join([*GOOD_ENTRIES[:2], "", ",,,,,,,,", GOOD_ENTRIES[2]]) + "\r\n").encode()
    result = import_entries(write_csv(raw=raw))
    assert result.exit_code == 0, result.output
    assert entries_by_code()["TT-0001"].district == "Thủy Nguyên"


BAD_ENTRY_ROWS = [
    pytest.param("TT-0005,Tiêu đề,XYZ,individual,A,,,,", "line 3, column 'category': unknown category 'XYZ'",
                 id="unknown-category"),
    pytest.param("TT-0005,Tiêu đề,BAO,person,A,,,,", "line 3, column 'author_kind': 'person' is neither",
                 id="bad-author-kind"),
    pytest.param("TT-0005,Tiêu đề,BAO,individual, ; ,,,,", "line 3, column 'authors': at least one name",
                 id="no-authors"),
    pytest.param("TT-0005,,BAO,individual,A,,,,", "line 3, column 'title': empty", id="empty-title"),
    pytest.param("TT-0005,Tiêu đề,BAO,individual,A,,,khong-phai-email,", "line 3, column 'email'",
                 id="bad-email"),
    pytest.param("TT-0101,Tiêu đề,BAO,individual,A,,,,", "line 3, column 'code': TT-0101 already on line 2",
                 id="code-twice-in-file"),
    pytest.param("TT-0005," + "Dài " * 130 + ",BAO,individual,A,,,,",
                 "line 3, column 'title': longer than 500 characters", id="title-too-long"),
    pytest.param("TT-" + "9" * 30 + ",Tiêu đề,BAO,individual,A,,,,",
                 "line 3, column 'code': longer than 30 characters", id="code-too-long"),
    pytest.param("TT-0005,Tiêu đề,BAO,individual," + "Tên" * 70 + ",,,,",
                 "line 3, column 'authors'", id="author-name-too-long"),
    pytest.param("TT-0005,Tiêu đề,BAO,individual,A,,,,,extra", "line 3: more cells than columns",
                 id="too-many-cells"),
]


@pytest.mark.parametrize(("bad_row", "message"), BAD_ENTRY_ROWS)
def test_errors_name_the_line_and_column_and_nothing_is_imported(
        import_entries, write_csv, bad_row, message):
    result = import_entries(write_csv(GOOD_ENTRIES[0], GOOD_ENTRIES[1], bad_row, GOOD_ENTRIES[2]))
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing was changed" in result.output
    assert count(Entry) == 0
    assert count(EntryAuthor) == 0
    assert db.session.scalar(select(Contest.entry_seq)) == 0


def test_a_failed_re_import_leaves_existing_entries_alone(import_entries, write_csv):
    assert import_entries(write_csv(*GOOD_ENTRIES)).exit_code == 0
    result = import_entries(write_csv(ENTRY_HEADER, "TT-0101,Tên mới,BAO,individual,B,,,,",
                                      "TT-0001,Tên mới,NOPE,individual,B,,,,"))
    assert result.exit_code == 1
    entries = entries_by_code()
    assert entries["TT-0101"].title == "Con đường hoa ở xã Tân Trào"
    assert entries["TT-0101"].author_names == [DUONG]


def test_every_bad_row_is_reported(import_entries, write_csv):
    result = import_entries(write_csv(ENTRY_HEADER, ",,BAO,individual,A,,,,", ",T,XX,robot,,,,,"))
    assert result.exit_code == 1
    for message in ("line 2, column 'title'", "line 3, column 'category'",
                    "line 3, column 'author_kind'", "line 3, column 'authors'"):
        assert message in result.output


def test_line_numbers_follow_the_file_when_a_cell_spans_lines(import_entries, write_csv):
    result = import_entries(write_csv(
        ENTRY_HEADER, 'TT-0001,"Tiêu đề\ncó hai dòng",BAO,individual,A,,,,', "TT-0002,T,XX,individual,A,,,,"))
    assert result.exit_code == 1
    assert "line 4, column 'category'" in result.output


@pytest.mark.parametrize(("lines", "message"), [
    pytest.param(["code,title,category,authors", "1,T,BAO,A"], "missing column 'author_kind'",
                 id="missing-column"),
    pytest.param([ENTRY_HEADER + ",note", "TT-1,T,BAO,individual,A,,,,,x"], "unknown column 'note'",
                 id="unknown-column"),
    pytest.param([ENTRY_HEADER + ",title", "TT-1,T,BAO,individual,A,,,,,T"], "column 'title' appears 2 times",
                 id="duplicate-column"),
    pytest.param([ENTRY_HEADER], "the file has no rows", id="header-only"),
    pytest.param([""], "missing column 'title'", id="empty-file"),
])
def test_bad_files_are_refused(import_entries, write_csv, lines, message):
    result = import_entries(write_csv(*lines))
    assert result.exit_code == 1
    assert message in result.output
    assert count(Entry) == 0


def test_an_unknown_contest_is_refused(import_entries, write_csv):
    result = import_entries(write_csv(*GOOD_ENTRIES), slug="khong-co")
    assert result.exit_code == 1
    assert "no contest with slug 'khong-co'" in result.output


def test_entries_of_a_finalized_contest_cannot_change(import_entries, write_csv, contest):
    contest.phase = ContestPhase.FINALIZED
    db.session.commit()
    result = import_entries(write_csv(*GOOD_ENTRIES))
    assert result.exit_code == 1
    assert "finalized" in result.output
    assert count(Entry) == 0


# --- import-scores --------------------------------------------------------


@pytest.fixture
def two_entries(import_entries, write_csv, contest):
    assert import_entries(write_csv(
        ENTRY_HEADER, "TT-0001,Bài một,BAO,individual,A,,,,", "TT-0002,Bài hai,ANH,individual,B,,,,",
    )).exit_code == 0
    contest.phase = ContestPhase.JUDGING
    db.session.commit()
    return entries_by_code()


@pytest.fixture
def judges(make_user):
    return [make_user(Role.JUDGE, email=f"giamkhao{i}@example.vn", name=f"Giám khảo {i}")
            for i in (1, 2)]


def sheets() -> dict[tuple[str, str], Assignment]:
    db.session.expire_all()
    rows = db.session.execute(select(Assignment, Entry.code, User.email)
                              .join(Entry, Entry.id == Assignment.entry_id)
                              .join(User, User.id == Assignment.judge_id)).all()
    return {(code, email): a for a, code, email in rows}


def points_of(assignment: Assignment) -> dict[str, Decimal]:
    return {s.criterion.code: s.points for s in assignment.scores}


def test_scores_are_stored_as_submitted_sheets_and_assign_the_judge(
        import_scores, write_csv, two_entries, judges):
    result = import_scores(write_csv(
        SCORE_HEADER,
        "TT-0001,giamkhao1@example.vn,46.5,30,Bài viết tốt",
        'TT-0001,giamkhao2@example.vn,"40,5",39.5,',
        "TT-0002,GiamKhao1@Example.VN,60,0,Ảnh đẹp",
    ))
    assert result.exit_code == 0, result.output
    assert "3 score sheets imported, 3 changed" in result.output
    got = sheets()
    assert set(got) == {("TT-0001", "giamkhao1@example.vn"), ("TT-0001", "giamkhao2@example.vn"),
                        ("TT-0002", "giamkhao1@example.vn")}
    first = got[("TT-0001", "giamkhao1@example.vn")]
    assert points_of(first) == {"ND": Decimal("46.5"), "HT": Decimal(30)}
    assert first.comment == "Bài viết tốt"
    assert all(a.submitted_at is not None for a in got.values())
    assert points_of(got[("TT-0001", "giamkhao2@example.vn")]) == {"ND": Decimal("40.5"),
                                                                   "HT": Decimal("39.5")}
    assert points_of(got[("TT-0002", "giamkhao1@example.vn")]) == {"ND": 60, "HT": 0}
    assert count(Score) == 6
    assert db.session.scalar(select(AuditEvent.details).where(
        AuditEvent.action == "scores.imported")) == {"sheets": 3, "changed": 3, "judges_created": [],
                                                     "round": "1"}


def test_imported_scores_rank_the_entries(import_scores, write_csv, two_entries, judges, runner):
    assert import_scores(write_csv(
        SCORE_HEADER, "TT-0001,giamkhao1@example.vn,46.5,30,", "TT-0002,giamkhao1@example.vn,50,30,",
    )).exit_code == 0
    result = runner.invoke(args=["results", "thi-thu", "--format", "json"])
    records = json.loads(result.output)
    assert [(r["code"], r["score"], r["tier"]) for r in records] == [
        ("TT-0002", "80.00", "A"), ("TT-0001", "76.50", "B")]


def test_re_importing_a_sheet_updates_it(import_scores, write_csv, two_entries, judges):
    assert import_scores(write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,10,10,")).exit_code == 0
    again = write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,20,15.5,sửa")
    refused = import_scores(again)
    assert refused.exit_code == 1
    assert "line 2: TT-0001 by giamkhao1@example.vn is already submitted and would change" in refused.output
    assert import_scores(again, "--overwrite").exit_code == 0
    got = sheets()
    assert len(got) == 1
    assert points_of(got[("TT-0001", "giamkhao1@example.vn")]) == {"ND": 20, "HT": Decimal("15.5")}
    assert count(Score) == 2


def test_an_existing_draft_is_completed_and_submitted(import_scores, write_csv, two_entries, judges, contest):
    entry = two_entries["TT-0001"]
    draft = Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judges[0].id)
    nd = contest.criteria[0]
    draft.scores.append(Score(criterion_id=nd.id, max_points=nd.max_points, points=Decimal(5)))
    db.session.add(draft)
    db.session.commit()
    assert import_scores(write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,7,8,")).exit_code == 0
    got = sheets()
    assert len(got) == 1
    sheet = got[("TT-0001", "giamkhao1@example.vn")]
    assert sheet.id == draft.id
    assert sheet.submitted_at is not None
    assert points_of(sheet) == {"ND": 7, "HT": 8}


BAD_SCORE_ROWS = [
    pytest.param("TT-0002,giamkhao2@example.vn,60.5,30,", "line 3, column 'ND': 60.5 is outside 0–60",
                 id="above-max"),
    pytest.param("TT-0002,giamkhao2@example.vn,30,-1,", "line 3, column 'HT': '-1' is not a number",
                 id="negative"),
    pytest.param("TT-0002,giamkhao2@example.vn,30,,", "line 3, column 'HT': '' is not a number",
                 id="empty-score"),
    pytest.param("TT-0002,giamkhao2@example.vn,ba mươi,1,", "line 3, column 'ND': 'ba mươi' is not a number",
                 id="not-a-number"),
    pytest.param("TT-0002,giamkhao2@example.vn,NaN,1,", "line 3, column 'ND': 'NaN' is not a number",
                 id="nan"),
    pytest.param("TT-0002,giamkhao2@example.vn,30.125,1,", "line 3, column 'ND': 30.125 is not in steps of 0.5",
                 id="too-precise"),
    pytest.param("TT-0002,giamkhao2@example.vn,30.3,1,", "line 3, column 'ND': 30.3 is not in steps of 0.5",
                 id="off-step"),
    pytest.param("TT-0002,giamkhao2@example.vn,1e1,1,", "line 3, column 'ND': '1e1' is not a number",
                 id="exponent"),
    pytest.param("TT-9999,giamkhao2@example.vn,30,1,", "line 3, column 'entry_code': no entry 'TT-9999'",
                 id="unknown-entry"),
    pytest.param("TT-0002,khong-phai-email,30,1,", "line 3, column 'judge_email'", id="bad-email"),
    pytest.param("TT-0001,giamkhao1@example.vn,30,1,",
                 "line 3, column 'judge_email': this judge already scored TT-0001 on line 2",
                 id="same-sheet-twice"),
    pytest.param("TT-0002,nguoi-la@example.vn,30,1,",
                 "nguoi-la@example.vn is not a judge here; add --create-judges", id="unknown-judge"),
]


@pytest.mark.parametrize(("bad_row", "message"), BAD_SCORE_ROWS)
def test_a_bad_score_row_imports_nothing(import_scores, write_csv, two_entries, judges, bad_row, message):
    result = import_scores(write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,46.5,30,", bad_row))
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing was changed" in result.output
    assert count(Assignment) == 0
    assert count(Score) == 0
    assert count(User) == 2


def test_an_unknown_criterion_column_is_refused(import_scores, write_csv, two_entries, judges):
    result = import_scores(write_csv("entry_code,judge_email,ND,HT,SANG_TAO,comment",
                                     "TT-0001,giamkhao1@example.vn,1,1,1,"))
    assert result.exit_code == 1
    assert "unknown criterion column 'SANG_TAO'; criteria: ND, HT" in result.output
    assert count(Assignment) == 0


def test_a_missing_criterion_column_is_refused(import_scores, write_csv, two_entries, judges):
    result = import_scores(write_csv("entry_code,judge_email,ND,comment", "TT-0001,giamkhao1@example.vn,1,"))
    assert result.exit_code == 1
    assert "missing column 'HT'" in result.output
    assert count(Assignment) == 0


def test_the_comment_column_is_optional(import_scores, write_csv, two_entries, judges):
    result = import_scores(write_csv("entry_code,judge_email,HT,ND", "TT-0001,giamkhao1@example.vn,3,4"))
    assert result.exit_code == 0, result.output
    assert points_of(sheets()[("TT-0001", "giamkhao1@example.vn")]) == {"ND": 4, "HT": 3}


def test_unknown_judges_are_created_with_create_judges(import_scores, write_csv, two_entries, judges,
                                                       make_user):
    author = make_user(Role.AUTHOR, email="tacgia@example.vn")
    path = write_csv(SCORE_HEADER, "TT-0001,moi@example.vn,1,2,", "TT-0002,tacgia@example.vn,3,4,")
    refused = import_scores(path)
    assert refused.exit_code == 1
    assert "moi@example.vn is not a judge here" in refused.output
    assert "tacgia@example.vn is not a judge here" in refused.output
    assert count(User) == 3

    result = import_scores(path, "--create-judges")
    assert result.exit_code == 0, result.output
    assert "judge account created: moi@example.vn" in result.output
    assert "judge account created: tacgia@example.vn" not in result.output
    db.session.expire_all()
    created = db.session.scalar(select(User).where(User.email == "moi@example.vn"))
    assert created.roles == {Role.JUDGE}
    assert db.session.get(User, author.id).roles == {Role.AUTHOR, Role.JUDGE}
    assert set(sheets()) == {("TT-0001", "moi@example.vn"), ("TT-0002", "tacgia@example.vn")}


def test_scores_for_an_ineligible_entry_are_refused(import_scores, write_csv, two_entries, judges):
    entry = two_entries["TT-0002"]
    entry.status = EntryStatus.INELIGIBLE
    db.session.commit()
    result = import_scores(write_csv(SCORE_HEADER, "TT-0002,giamkhao1@example.vn,1,1,"))
    assert result.exit_code == 1
    assert "TT-0002 is ineligible" in result.output


def test_scores_wait_until_judging_has_started(import_scores, write_csv, two_entries, judges, contest):
    contest.phase = ContestPhase.OPEN
    db.session.commit()
    result = import_scores(write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,1,1,"))
    assert result.exit_code == 1
    assert "contest thi-thu is open: run `contest start-judging thi-thu` first" in result.output
    assert count(Assignment) == 0


def test_scores_of_a_finalized_contest_are_locked(import_scores, write_csv, two_entries, judges, contest):
    contest.phase = ContestPhase.FINALIZED
    db.session.commit()
    result = import_scores(write_csv(SCORE_HEADER, "TT-0001,giamkhao1@example.vn,1,1,"))
    assert result.exit_code == 1
    assert "scores are locked" in result.output
    assert count(Assignment) == 0
