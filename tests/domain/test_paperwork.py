"""The office's documents as plain content, built from a snapshot without an app."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pytest

from contest.domain.paperwork import (
    JuryMember,
    Paperwork,
    ProposalKind,
    Proposed,
    Signer,
    build_annex,
    build_minutes,
    build_proposal,
    long_date,
    place_date,
)
from contest.domain.ranking_book import build_ranking_book
from contest.domain.snapshot import build_snapshot

WINNER = unicodedata.normalize("NFC", "Nguyễn Thị Thuỳ Dương")


def sheet(entry: str, judge: int, nd: str, ht: str) -> dict:
    return {"round": "1", "entry": entry, "judge": judge, "points": {"HT": ht, "ND": nd}}


def inputs(tie_breakers: list[str]) -> dict:
    """Four entries, two judges; E2 and E3 tie at 80 on the B/C line, E2 higher on ND."""
    entries = [
        {"code": "E1", "title": "Con đường hoa ở xã Tân Trào", "authors": [WINNER],
         "organization": "Hội Nông dân xã Tân Trào"},
        {"code": "E2", "title": "Thắp sáng đường quê", "authors": ["Phạm Văn Kiên", "Lê Thị Hoa"],
         "organization": "Đài Truyền thanh huyện Kiến Thụy"},
        {"code": "E3", "title": "Nước sạch về thôn", "authors": ["Tập thể Hội Phụ nữ xã Kiền Bái"],
         "organization": "Hội Phụ nữ xã Kiền Bái"},
        {"code": "E4", "title": "=HYPERLINK(\"http://x\")", "authors": ["Đỗ Thủy Nguyên"],
         "organization": "Thủy Nguyên"},
    ]
    return {
        "contest": {"slug": "thi-thu", "name": "Cuộc thi thử “Dân vận khéo”", "organizer": "Ban Dân vận"},
        "method": "mean",
        "rounds": [{"code": "1", "number": 1, "name": "1", "method": "mean", "weight": "1.000",
                    "criteria": ["ND", "HT"]}],
        "ranked_round": "1",
        "criteria": [{"code": "ND", "name": "Nội dung", "max": "60.00", "weight": "1.000"},
                     {"code": "HT", "name": "Hình thức", "max": "40.00", "weight": "1.000"}],
        "tiers": [{"code": "A", "name": "Giải A", "quota": 1, "min_score": None, "share_ties": False},
                  {"code": "B", "name": "Giải B", "quota": 1, "min_score": None, "share_ties": False},
                  {"code": "C", "name": "Giải C", "quota": 1, "min_score": None, "share_ties": False}],
        "tie_breakers": tie_breakers,
        "entries": entries,
        "judges": [{"id": 7, "name": "Trần Văn Hùng"}, {"id": 9, "name": "Vũ Đức Minh"}],
        "sheets": [sheet("E1", 7, "55", "35"), sheet("E1", 9, "54", "36"),
                   sheet("E2", 7, "50", "30"), sheet("E2", 9, "50", "30"),
                   sheet("E3", 7, "45", "35"), sheet("E3", 9, "46", "34"),
                   sheet("E4", 7, "30", "20"), sheet("E4", 9, "31", "20")],
        "resolutions": [],
        "finalized_by": None,
        "finalized_at": "2022-12-15T09:00:00+00:00",
    }


PAPERWORK = Paperwork(
    issuer="Ban Tổ chức cuộc thi\n“Dân vận khéo”", place="Hải Phòng", date=date(2022, 12, 5),
    signer=Signer("TM. BAN TỔ CHỨC\nTRƯỞNG BAN", "Lê Trí Vũ"),
    jury=(JuryMember("Trần Văn Hùng", "Trưởng ban Giám khảo"), JuryMember("Vũ Đức Minh")),
    meeting_place="Hội trường Ban Dân vận", meeting_start=datetime(2022, 12, 5, 8, 30),
    meeting_end=datetime(2022, 12, 5, 11, 0), minutes_number="01/BB-BGK", decision_number="125/QĐ-BTC",
)


@pytest.fixture
def settled():
    return build_snapshot(inputs(["criterion:ND"]))


def text_of(document) -> str:
    parts = [*document.heading.issuer_lines, document.heading.number, document.heading.place_date,
             document.title, *document.subtitles]
    for section in document.sections:
        parts += [section.heading, *section.paragraphs]
        if section.table:
            parts += [" | ".join(section.table.header)] + [" | ".join(r) for r in section.table.rows]
    parts += [f"{s.title} {s.name}" for s in document.signers]
    return "\n".join(parts)


@pytest.mark.parametrize("day, text", [
    (date(2022, 12, 20), "ngày 20 tháng 12 năm 2022"),
    (date(2022, 2, 5), "ngày 05 tháng 02 năm 2022"),
    (date(2023, 3, 10), "ngày 10 tháng 3 năm 2023"),
])
def test_dates_are_written_the_administrative_way(day, text):
    assert long_date(day) == text
    assert place_date("Hải Phòng", day) == f"Hải Phòng, {text}"


def test_the_minutes_say_when_where_who_how_what_and_how_the_tie_was_decided(settled):
    minutes = build_minutes(settled, PAPERWORK)
    text = text_of(minutes)
    assert minutes.heading.issuer_lines == ("BAN TỔ CHỨC CUỘC THI", "“DÂN VẬN KHÉO”")
    assert minutes.heading.number == "01/BB-BGK"
    assert minutes.heading.place_date == "Hải Phòng, ngày 05 tháng 12 năm 2022"
    assert minutes.title == "BIÊN BẢN" and minutes.subtitles[0] == "Họp Ban Giám khảo"
    assert "Thời gian: 08 giờ 30 phút, ngày 05 tháng 12 năm 2022." in text
    assert "Địa điểm: Hội trường Ban Dân vận." in text
    assert "1. Trần Văn Hùng – Trưởng ban Giám khảo." in text and "2. Vũ Đức Minh – Thành viên." in text
    assert "Vòng 1: 4 tác phẩm được chấm, 2 giám khảo, 8 phiếu chấm" in text
    assert "Nội dung (tối đa 60 điểm); Hình thức (tối đa 40 điểm)" in text
    assert ("Các tác phẩm E2, E3 bằng điểm 80.00 (ranh giới Giải B / Giải C): phân định theo điểm "
            "tiêu chí “Nội dung”, cao hơn xếp trên (E2: 50.00, E3: 45.50); thứ tự E2 > E3.") in text
    assert "Cuộc họp kết thúc lúc 11 giờ 00 phút" in text
    results = next(s.table for s in minutes.sections if s.heading == "III. KẾT QUẢ")
    assert results.rows[0] == ("GIẢI A (01 giải)",) and 0 in results.group_rows
    assert results.rows[1] == ("1", "E1", "Con đường hoa ở xã Tân Trào", WINNER,
                               "Hội Nông dân xã Tân Trào", "90.00", "Giải A")
    assert [s.name for s in minutes.signers] == ["Trần Văn Hùng", "Vũ Đức Minh"]
    assert minutes.signers[0].title == "TRƯỞNG BAN GIÁM KHẢO"
    assert WINNER in minutes.names and "Đỗ Thủy Nguyên" not in minutes.names


def test_without_a_jury_in_the_settings_the_minutes_list_the_judges_who_scored(settled):
    minutes = build_minutes(settled, Paperwork("Ban Tổ chức", "Hải Phòng", date(2022, 12, 5),
                                               Signer("TRƯỞNG BAN", "Lê Trí Vũ")))
    assert [(s.title, s.name) for s in minutes.signers] == [
        ("THÀNH VIÊN", "Trần Văn Hùng"), ("THÀNH VIÊN", "Vũ Đức Minh")]
    assert "Địa điểm: Hải Phòng." in text_of(minutes)


def test_an_organizers_decision_is_in_the_minutes_with_its_reason():
    body = inputs([])
    body["resolutions"] = [{"order": ["E3", "E2"], "reason": "Bốc thăm", "by": "Lê Trí Vũ",
                            "at": "2022-12-05T09:00:00+00:00"}]
    text = text_of(build_minutes(build_snapshot(body), PAPERWORK))
    assert "Ban Tổ chức quyết định thứ tự E3 > E2 (Lê Trí Vũ). Lý do: Bốc thăm." in text


def test_the_annex_lists_the_winners_by_tier_with_the_decision(settled):
    annex = build_annex(settled, PAPERWORK)
    assert annex.subtitles[-1] == ("(Kèm theo Quyết định số 125/QĐ-BTC ngày 05 tháng 12 năm 2022 "
                                   "của Ban Tổ chức cuộc thi “Dân vận khéo”)")
    [section] = annex.sections
    table = section.table
    assert table.header == ("TT", "Mã", "Tên tác phẩm", "Tác giả", "Đơn vị", "Giải")
    assert [r[1] for r in table.rows if len(r) > 1] == ["E1", "E2", "E3"]
    assert ("2", "E2", "Thắp sáng đường quê", "Phạm Văn Kiên, Lê Thị Hoa",
            "Đài Truyền thanh huyện Kiến Thụy", "Giải B") in table.rows
    assert table.rows[table.group_rows and max(table.group_rows)] == ("GIẢI C (01 giải)",)
    assert annex.signers == (PAPERWORK.signer,)


def test_the_proposal_names_who_and_why_for_each_outside_issuer(settled):
    kind = ProposalKind("BK", "Bằng khen", "Ủy ban nhân dân\nthành phố Hải Phòng", (
        Proposed(WINNER, False, "Hội Nông dân xã Tân Trào", "Đạt Giải A …"),
        Proposed("Hội Phụ nữ xã Kiền Bái", True, "Kiền Bái", "Đạt Giải B …")))
    proposal = build_proposal(settled, PAPERWORK, [kind])
    [section] = proposal.sections
    assert section.heading == "I. ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
    assert section.paragraphs == ("Tổng số: 02 (01 tập thể, 01 cá nhân).",)
    assert section.table.rows[0] == ("1", WINNER, "Cá nhân", "Hội Nông dân xã Tân Trào", "Đạt Giải A …")
    assert section.table.rows[1][2] == "Tập thể"
    assert build_proposal(settled, PAPERWORK, []).sections[0].paragraphs == (
        "Không có văn bản khen thưởng nào do cơ quan khác ngoài Ban Tổ chức cấp cho các tác phẩm đạt giải.",)


def test_the_ranking_book_has_every_entry_with_judges_numbered_or_named(settled):
    book = build_ranking_book(settled, named=False)
    assert book.header[:10] == ["Hạng", "Mã", "Tên tác phẩm", "Tác giả", "Đơn vị",
                                "Điểm (trung bình cộng tổng điểm của các giám khảo)", "Điểm trung bình thô",
                                "Số phiếu", "Giải", "Bằng điểm: phân định theo"]
    assert book.header[10:] == ["J1", "J2"]
    assert [r[1] for r in book.rows] == ["E1", "E2", "E3", "E4"]
    e2 = book.rows[1]
    assert e2[0] == 2 and e2[5] == Decimal("80.00") and e2[6] == Decimal("80.00") and e2[8] == "Giải B"
    assert e2[9] == "tiêu chí Nội dung" and e2[10:] == [Decimal("80.00"), Decimal("80.00")]
    assert book.rows[3][8] == ""  # no prize
    assert book.sheet_rows[0] == ["Vòng 1", "E1", "J1", Decimal("55"), Decimal("35"), Decimal("90.00")]
    named = build_ranking_book(settled, named=True)
    assert named.header[10:] == ["Trần Văn Hùng", "Vũ Đức Minh"]
    assert named.sheet_rows[1][2] == "Vũ Đức Minh"


def test_the_workbook_and_minutes_name_the_method_the_results_were_ranked_by():
    body = inputs(["criterion:ND"])
    body["method"] = "median"
    snapshot = build_snapshot(body)
    assert build_ranking_book(snapshot, named=False).header[5] == "Điểm (trung vị tổng điểm của các giám khảo)"
    assert "Kết quả xếp hạng theo điểm Vòng 1 (trung vị tổng điểm của các giám khảo)" in text_of(
        build_minutes(snapshot, PAPERWORK))


def test_a_title_with_its_own_quotes_is_quoted_once():
    from contest.domain.paperwork import proposal_reason

    assert proposal_reason("Giải A", "“Thắp sáng đường quê” – cách làm hay") == (
        "Đạt Giải A với tác phẩm “‘Thắp sáng đường quê’ – cách làm hay”")


def two_rounds(final_weight: str = "1.000", preliminary_weight: str = "0.000") -> dict:
    """E1–E3 go on from the preliminary SK to the final CK; E4 and E5 stopped in SK."""
    body = inputs([])
    body["rounds"] = [
        {"code": "SK", "number": 1, "name": "Sơ khảo", "method": "mean", "weight": preliminary_weight,
         "criteria": ["ND", "HT"]},
        {"code": "CK", "number": 2, "name": "Chung khảo", "method": "mean", "weight": final_weight,
         "criteria": ["ND", "HT"]},
    ]
    body["ranked_round"] = "CK"
    body["entries"] = body["entries"][:3]
    preliminary = [dict(s, round="SK") for s in body["sheets"]] + [
        {"round": "SK", "entry": "E5", "judge": 7, "points": {"HT": "10", "ND": "10"}}]
    final = [dict(s, round="CK") for s in body["sheets"] if s["entry"] in ("E1", "E2", "E3")]
    body["sheets"] = preliminary + final
    return body


def test_with_rounds_the_minutes_count_every_entry_read_and_the_workbook_has_each_rounds_judges():
    snapshot = build_snapshot(two_rounds())
    text = text_of(build_minutes(snapshot, PAPERWORK))
    assert "Ban Giám khảo đã chấm 5 tác phẩm dự thi hợp lệ." in text
    assert "Sơ khảo: 5 tác phẩm được chấm, 2 giám khảo, 9 phiếu chấm" in text
    assert "Chung khảo: 3 tác phẩm được chấm, 2 giám khảo, 6 phiếu chấm" in text
    book = build_ranking_book(snapshot, named=False)
    assert book.header[10:] == ["Sơ khảo · J1", "Sơ khảo · J2", "Chung khảo · J1", "Chung khảo · J2"]
    assert [r[1] for r in book.rows] == ["E1", "E2", "E3"]
    assert [r[0] for r in book.sheet_rows].count("Sơ khảo") == 9


def test_weighted_rounds_are_named_as_the_score_they_make():
    snapshot = build_snapshot(two_rounds(final_weight="0.700", preliminary_weight="0.300"))
    header = build_ranking_book(snapshot, named=False).header[5]
    assert header == ("Điểm (kết hợp điểm các vòng theo trọng số: Sơ khảo × 0.3, Chung khảo × 0.7; "
                      "mỗi vòng theo phương pháp của vòng đó)")


def test_a_shared_tier_is_in_the_minutes_as_such():
    body = inputs([])
    body["tiers"][1]["share_ties"] = True
    text = text_of(build_minutes(build_snapshot(body), PAPERWORK))
    assert ("Các tác phẩm E2, E3 bằng điểm 80.00 (ranh giới Giải B / Giải C): cùng nhận giải theo quy "
            "định đồng giải, số giải được tăng tương ứng.") in text
