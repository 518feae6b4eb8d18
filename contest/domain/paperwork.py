"""The office's documents after finalizing, as plain content built from the results snapshot.

The jury's minutes, the decision's annex and the commendation proposals are
built here (the ranking workbook in ranking_book.py) from the snapshot's JSON
and the contest's paperwork settings alone, in Vietnamese administrative wording; the DOCX,
PDF and XLSX writers only lay this content out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contest.domain.tiering import BY_ORGANIZER, SHARED

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
METHODS = {
    "mean": "trung bình cộng tổng điểm của các giám khảo",
    "trimmed": "trung bình cộng tổng điểm sau khi bỏ điểm cao nhất và thấp nhất",
    "median": "trung vị tổng điểm của các giám khảo",
    "zscore": "trung bình điểm đã chuẩn hóa theo từng giám khảo",
}
DEFAULT_ROLE = "Thành viên"


@dataclass(frozen=True)
class Signer:
    title: str  # lines separated by newlines: "TM. BAN TỔ CHỨC\nTRƯỞNG BAN"
    name: str


@dataclass(frozen=True)
class JuryMember:
    name: str
    role: str = DEFAULT_ROLE


@dataclass(frozen=True)
class Paperwork:
    """The paperwork settings with every default filled in."""

    issuer: str
    place: str
    date: date
    signer: Signer
    jury: tuple[JuryMember, ...] = ()
    meeting_place: str = ""
    meeting_start: datetime | None = None
    meeting_end: datetime | None = None
    minutes_number: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    judges_named: bool = False


@dataclass(frozen=True)
class Heading:
    """The top of an administrative document: issuer and number left, the nation right."""

    issuer_lines: tuple[str, ...]
    number: str
    place_date: str
    nation: str = NATION
    motto: str = MOTTO


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Rows that head a group (a tier) and span the table, by index into ``rows``.
    group_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Section:
    heading: str = ""
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None


@dataclass(frozen=True)
class Document:
    """One office document: heading, title lines, sections, signature blocks."""

    kind: str  # minutes | annex | proposal
    heading: Heading
    title: str
    subtitles: tuple[str, ...]
    sections: tuple[Section, ...]
    signers: tuple[Signer, ...]
    # The names a reader must find in it (the winners'), for checks.
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposed:
    """One line of a commendation proposal: who, their unit, why."""

    name: str
    collective: bool
    unit: str
    reason: str


@dataclass(frozen=True)
class ProposalKind:
    """A document issued by someone other than the organizing board, and who is proposed for it."""

    code: str
    title: str
    issuer: str
    proposed: tuple[Proposed, ...]


def two_digits_under(value: int, limit: int) -> str:
    """Days under 10 and months under 3 are written with a leading zero (Nghị định 30/2020)."""
    return f"{value:02d}" if value < limit else str(value)


def long_date(day: date) -> str:
    return (f"ngày {two_digits_under(day.day, 10)} tháng {two_digits_under(day.month, 3)} "
            f"năm {day.year}")


def place_date(place: str, day: date) -> str:
    return f"{place}, {long_date(day)}" if place else long_date(day).capitalize()


def moment_text(moment: datetime) -> str:
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {long_date(moment.date())}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _heading(paperwork: Paperwork, number: str) -> Heading:
    return Heading(tuple(line.upper() for line in _lines(paperwork.issuer)), number,
                   place_date(paperwork.place, paperwork.date))


def contest_title(snapshot: Mapping[str, Any]) -> str:
    name = snapshot["contest"]["name"]
    return name if name.lower().startswith("cuộc thi") else f"Cuộc thi {name}"


def tier_name_map(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {t["code"]: t["name"] for t in snapshot["tiers"]}


def entries_by_code(snapshot: Mapping[str, Any]) -> dict[str, dict]:
    return {e["code"]: e for e in snapshot["entries"]}


def round_label(name: str) -> str:
    """A round as the documents call it: "Vòng 1" for a round named only by its number."""
    return f"Vòng {name}" if name.isdigit() else name


def round_name_map(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {r["code"]: round_label(r["name"]) for r in snapshot["rounds"]}


def criterion_name_map(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {c["code"]: c["name"] for c in snapshot["criteria"]}


def authors_text(entry: Mapping[str, Any]) -> str:
    return ", ".join(entry["authors"])


def winners(snapshot: Mapping[str, Any]) -> list[dict]:
    """The ranking's prize winners, best first."""
    return [p for p in snapshot["ranking"] if p["tier"] is not None]


def tie_sentence(snapshot: Mapping[str, Any], tie: Mapping[str, Any]) -> str:
    """How one tie was decided, in the minutes' words."""
    tier_names = tier_name_map(snapshot)
    tiers = " / ".join(tier_names.get(t, t) if t else "không đạt giải" for t in tie["tiers"])
    codes = tie["entries"]
    start = f"Các tác phẩm {', '.join(codes)} bằng điểm {tie['score']} (ranh giới {tiers})"
    how = tie["decided_by"]
    if how == SHARED:
        return f"{start}: cùng nhận giải theo quy định đồng giải, số giải được tăng tương ứng."
    if how == BY_ORGANIZER:
        who = f" ({tie['by']})" if tie.get("by") else ""
        return (f"{start}: Ban Tổ chức quyết định thứ tự {' > '.join(codes)}{who}. "
                f"Lý do: {tie.get('reason', '')}.")
    kind, _, code = how.partition(":")
    values = ", ".join(f"{c}: {v if v is not None else '—'}" for c, v in zip(codes, tie["values"]))
    if kind == "criterion":
        what = f"điểm tiêu chí “{criterion_name_map(snapshot).get(code, code)}”"
    else:
        what = f"điểm vòng “{round_name_map(snapshot).get(code, code)}”"
    return f"{start}: phân định theo {what}, cao hơn xếp trên ({values}); thứ tự {' > '.join(codes)}."


def ranking_method(snapshot: Mapping[str, Any]) -> str:
    """How the ranked score was made: the ranked round's method, or the rounds' weighted combination."""
    method = METHODS.get(snapshot["method"], snapshot["method"])
    weighted = [r for r in snapshot["rounds"] if Decimal(r["weight"])]
    if any(r["code"] != snapshot["ranked_round"] for r in weighted):
        shares = ", ".join(f"{round_label(r['name'])} × {Decimal(r['weight']).normalize():f}" for r in weighted)
        return f"kết hợp điểm các vòng theo trọng số: {shares}; mỗi vòng theo phương pháp của vòng đó"
    return method


def entries_read(snapshot: Mapping[str, Any]) -> dict[str, int]:
    """Round code → how many entries have at least one counted sheet in it."""
    read: dict[str, set[str]] = {r["code"]: set() for r in snapshot["rounds"]}
    for sheet in snapshot["sheets"]:
        read.setdefault(sheet["round"], set()).add(sheet["entry"])
    return {code: len(entries) for code, entries in read.items()}


def _jury(paperwork: Paperwork, snapshot: Mapping[str, Any]) -> tuple[JuryMember, ...]:
    if paperwork.jury:
        return paperwork.jury
    return tuple(JuryMember(j["name"]) for j in snapshot["judges"])


def _winner_rows(snapshot: Mapping[str, Any], with_score: bool) -> Table:
    entries, tier_names = entries_by_code(snapshot), tier_name_map(snapshot)
    header = ("TT", "Mã", "Tên tác phẩm", "Tác giả", "Đơn vị")
    header += ("Điểm", "Giải") if with_score else ("Giải",)
    rows, groups = [], set()
    current = None
    order = 0
    for placement in winners(snapshot):
        if placement["tier"] != current:
            current = placement["tier"]
            count = sum(1 for p in winners(snapshot) if p["tier"] == current)
            groups.add(len(rows))
            rows.append((f"{tier_names.get(current, current).upper()} ({count:02d} giải)",))
        order += 1
        entry = entries[placement["entry"]]
        row = (str(order), entry["code"], entry["title"], authors_text(entry), entry["organization"])
        row += (placement["score"], tier_names.get(current, current)) if with_score else (
            tier_names.get(current, current),)
        rows.append(row)
    return Table(header, tuple(rows), frozenset(groups))


def _names(snapshot: Mapping[str, Any]) -> tuple[str, ...]:
    entries = entries_by_code(snapshot)
    return tuple(name for p in winners(snapshot) for name in entries[p["entry"]]["authors"])


def build_minutes(snapshot: Mapping[str, Any], paperwork: Paperwork) -> Document:
    """Biên bản họp Ban Giám khảo: when, where, who, how, what was read, the results, the ties."""
    jury = _jury(paperwork, snapshot)
    criteria = snapshot["criteria"]
    meeting = []
    if paperwork.meeting_start:
        meeting.append(f"Thời gian: {moment_text(paperwork.meeting_start)}.")
    meeting.append(f"Địa điểm: {paperwork.meeting_place or paperwork.place}.")
    members = [f"{n}. {m.name} – {m.role}." for n, m in enumerate(jury, 1)]
    read = entries_read(snapshot)
    method = [
        "Mỗi giám khảo chấm độc lập theo thang điểm gồm các tiêu chí: "
        + "; ".join(f"{c['name']} (tối đa {Decimal(c['max']).normalize():f} điểm"
                    + (f", hệ số {Decimal(c['weight']).normalize():f}" if Decimal(c["weight"]) != 1 else "")
                    + ")" for c in criteria) + ".",
    ]
    for r in snapshot["rounds"]:
        name = round_label(r["name"])
        judges = len({s["judge"] for s in snapshot["sheets"] if s["round"] == r["code"]})
        sheets = sum(1 for s in snapshot["sheets"] if s["round"] == r["code"])
        method.append(f"{name}: {read.get(r['code'], 0)} tác phẩm được chấm, {judges} giám khảo, "
                      f"{sheets} phiếu chấm; điểm tác phẩm là {METHODS.get(r['method'], r['method'])}.")
    ranked_round = round_name_map(snapshot).get(snapshot["ranked_round"], snapshot["ranked_round"])
    method.append(f"Kết quả xếp hạng theo điểm {ranked_round} ({ranking_method(snapshot)}), "
                  f"làm tròn đến hai chữ số thập phân; "
                  f"{len(snapshot['ranking'])} tác phẩm được xếp hạng.")
    if snapshot["tie_breakers"]:
        names = []
        for breaker in snapshot["tie_breakers"]:
            kind, _, code = breaker.partition(":")
            names.append(f"điểm tiêu chí “{criterion_name_map(snapshot).get(code, code)}”" if kind == "criterion"
                         else f"điểm vòng “{round_name_map(snapshot).get(code, code)}”")
        method.append("Tác phẩm bằng điểm tại ranh giới giải được phân định lần lượt theo: "
                      + "; ".join(names) + "; sau đó do Ban Tổ chức quyết định.")
    # Every entry any judge read: in a contest with rounds, the preliminary's, not only the finalists.
    total = len({s["entry"] for s in snapshot["sheets"]} | {p["entry"] for p in snapshot["ranking"]})
    tier_counts = ", ".join(f"{sum(1 for p in winners(snapshot) if p['tier'] == t['code']):02d} {t['name']}"
                            for t in snapshot["tiers"])
    results = Section(
        "III. KẾT QUẢ",
        (f"Ban Giám khảo thống nhất đề nghị Ban Tổ chức trao {len(winners(snapshot)):02d} giải "
         f"({tier_counts}) cho các tác phẩm sau:",),
        _winner_rows(snapshot, with_score=True),
    )
    ties = [tie_sentence(snapshot, t) for t in snapshot["ties"]]
    sections = [
        Section("I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN",
                tuple(meeting) + (f"Thành phần: Ban Giám khảo gồm {len(jury)} thành viên:",) + tuple(members)),
        Section("II. NỘI DUNG, PHƯƠNG PHÁP CHẤM",
                (f"Ban Giám khảo đã chấm {total} tác phẩm dự thi hợp lệ.",) + tuple(method)),
        results,
        Section("IV. CÁC TRƯỜNG HỢP BẰNG ĐIỂM",
                tuple(ties) or ("Không có trường hợp bằng điểm tại ranh giới giải.",)),
    ]
    closing = "Biên bản được lập thành 02 bản, đã được các thành viên Ban Giám khảo thông qua"
    if paperwork.meeting_end:
        closing = f"Cuộc họp kết thúc lúc {moment_text(paperwork.meeting_end)}. " + closing
    sections.append(Section("", (closing + ".",
                                 f"Mã kiểm tra (SHA-256) của kết quả đã chốt: {snapshot['sha256']}"
                                 if snapshot.get("sha256") else "")))
    return Document(
        "minutes", _heading(paperwork, paperwork.minutes_number),
        "BIÊN BẢN", ("Họp Ban Giám khảo", contest_title(snapshot)),
        tuple(_drop_empty(sections)),
        tuple(Signer(m.role.upper(), m.name) for m in jury),
        _names(snapshot),
    )


def _drop_empty(sections: Sequence[Section]) -> list[Section]:
    return [Section(s.heading, tuple(p for p in s.paragraphs if p), s.table) for s in sections]


def build_annex(snapshot: Mapping[str, Any], paperwork: Paperwork) -> Document:
    """Phụ lục of the decision: the awarded entries by tier."""
    decision = "Kèm theo Quyết định"
    if paperwork.decision_number:
        decision += f" số {paperwork.decision_number}"
    decision += f" {long_date(paperwork.decision_date or paperwork.date)}"
    decision += f" của {one_line(paperwork.issuer)}"
    return Document(
        "annex", _heading(paperwork, ""),
        "PHỤ LỤC", ("DANH SÁCH TÁC GIẢ, TÁC PHẨM ĐẠT GIẢI", contest_title(snapshot), f"({decision})"),
        (Section("", (), _winner_rows(snapshot, with_score=False)),),
        (paperwork.signer,), _names(snapshot),
    )


def build_proposal(snapshot: Mapping[str, Any], paperwork: Paperwork,
                   kinds: Sequence[ProposalKind]) -> Document:
    """Danh sách đề nghị: for each outside issuer's document, who is proposed and why."""
    sections = []
    names: list[str] = []
    for n, kind in enumerate(kinds, 1):
        collectives = sum(1 for p in kind.proposed if p.collective)
        people = len(kind.proposed) - collectives
        rows = tuple(
            (str(i), p.name, "Tập thể" if p.collective else "Cá nhân", p.unit, p.reason)
            for i, p in enumerate(kind.proposed, 1)
        )
        names.extend(p.name for p in kind.proposed)
        sections.append(Section(
            f"{_roman(n)}. ĐỀ NGHỊ TẶNG {kind.title.upper()} CỦA {one_line(kind.issuer).upper()}",
            (f"Tổng số: {len(kind.proposed):02d} ({collectives:02d} tập thể, {people:02d} cá nhân).",),
            Table(("TT", "Tên tập thể, cá nhân", "Tập thể / Cá nhân", "Đơn vị", "Thành tích"), rows),
        ))
    if not sections:
        sections.append(Section("", ("Không có văn bản khen thưởng nào do cơ quan khác ngoài Ban Tổ chức cấp cho các tác phẩm đạt giải.",)))
    return Document(
        "proposal", _heading(paperwork, ""),
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        (f"Các tập thể, cá nhân đạt giải {contest_title(snapshot)}",),
        tuple(sections), (paperwork.signer,), tuple(names),
    )


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")[n - 1] if n <= 10 else str(n)


def quoted(title: str) -> str:
    """A title in quotation marks; its own double quotes become single ones inside them."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def proposal_reason(tier_name: str, entry_title: str) -> str:
    """Why a winner is proposed (the list's heading names the contest)."""
    return f"Đạt {tier_name} với tác phẩm {quoted(entry_title)}"
