"""The ranking workbook's content: every ranked entry, each judge's totals, every counted sheet,
built from the finalized snapshot alone (contest/documents/workbook.py writes it as XLSX)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from contest.domain.paperwork import (
    authors_text,
    contest_title,
    criterion_name_map,
    entries_by_code,
    ranking_method,
    round_name_map,
    tier_name_map,
)
from contest.domain.scoring import CriterionRule, format_score, judge_total
from contest.domain.tiering import BY_ORGANIZER, SHARED


@dataclass(frozen=True)
class JudgeColumn:
    round: str
    judge: int
    label: str  # the judge's name, or J1…Jn


@dataclass(frozen=True)
class SheetRow:
    """One counted sheet: a judge's points for an entry in a round, and their total."""

    round: str
    round_name: str
    entry: str
    judge: str
    points: dict[str, Decimal]
    total: str


@dataclass
class RankingBook:
    """Every ranked entry with its rank, scores and tier; each judge's totals; every sheet."""

    title: str
    header: list[str]
    rows: list[list[object]]
    sheet_header: list[str]
    sheet_rows: list[list[object]]


def judge_labels(snapshot: Mapping[str, Any], named: bool) -> dict[int, str]:
    """Judge id → how the workbook names them: their name, or J1…Jn in id order."""
    judges = sorted(snapshot["judges"], key=lambda j: j["id"])
    return {j["id"]: (j["name"] if named else f"J{n}") for n, j in enumerate(judges, 1)}


def _rules(snapshot: Mapping[str, Any], round_code: str) -> list[CriterionRule]:
    rubric = next(r["criteria"] for r in snapshot["rounds"] if r["code"] == round_code)
    return [CriterionRule(c["code"], Decimal(c["max"]), Decimal(c["weight"]))
            for c in snapshot["criteria"] if c["code"] in rubric]


def build_ranking_book(snapshot: Mapping[str, Any], named: bool) -> RankingBook:
    labels = judge_labels(snapshot, named)
    entries, tier_names, round_names = entries_by_code(snapshot), tier_name_map(snapshot), round_name_map(snapshot)
    rounds = [r["code"] for r in snapshot["rounds"]]
    rules = {code: _rules(snapshot, code) for code in rounds}
    totals: dict[tuple[str, str, int], Fraction] = {}
    sheet_rows: list[list[object]] = []
    for sheet in snapshot["sheets"]:
        points = {k: Decimal(v) for k, v in sheet["points"].items()}
        total = judge_total(points, rules[sheet["round"]])
        totals[(sheet["round"], sheet["entry"], sheet["judge"])] = total
    judges_in = {code: sorted({j for (r, _, j) in totals if r == code}, key=lambda j: labels[j])
                 for code in rounds}
    if not named:
        judges_in = {code: sorted(ids, key=lambda j: int(labels[j][1:])) for code, ids in judges_in.items()}
    method = ranking_method(snapshot)
    header = ["Hạng", "Mã", "Tên tác phẩm", "Tác giả", "Đơn vị", f"Điểm ({method})", "Điểm trung bình thô",
              "Số phiếu", "Giải", "Bằng điểm: phân định theo"]
    multi = len(rounds) > 1
    for code in rounds:
        header += [f"{round_names[code]} · {labels[j]}" if multi else labels[j] for j in judges_in[code]]
    rows = []
    ranked_round = snapshot["ranked_round"]
    for placement in snapshot["ranking"]:
        entry = entries[placement["entry"]]
        mine = [t for (r, e, _), t in totals.items() if r == ranked_round and e == entry["code"]]
        raw = format_score(sum(mine, Fraction(0)) / len(mine)) if mine else None
        row: list[object] = [
            placement["rank"], entry["code"], entry["title"], authors_text(entry), entry["organization"],
            _number(placement["score"]), _number(raw), placement["sheets"],
            tier_names.get(placement["tier"], "") if placement["tier"] else "",
            _decided(snapshot, placement["tie_decided_by"]),
        ]
        for code in rounds:
            for j in judges_in[code]:
                total = totals.get((code, entry["code"], j))
                row.append(None if total is None else _number(format_score(total)))
        rows.append(row)
    criteria = [c["code"] for c in snapshot["criteria"]]
    sheet_header = ["Vòng", "Mã", "Giám khảo"] + [
        f"{c['code']} – {c['name']} (tối đa {Decimal(c['max']).normalize():f})" for c in snapshot["criteria"]
    ] + ["Tổng điểm"]
    order = {p["entry"]: n for n, p in enumerate(snapshot["ranking"])}
    for sheet in sorted(snapshot["sheets"], key=lambda s: (rounds.index(s["round"]) if s["round"] in rounds else 0,
                                                           order.get(s["entry"], len(order)), labels[s["judge"]])):
        total = totals[(sheet["round"], sheet["entry"], sheet["judge"])]
        sheet_rows.append([round_names.get(sheet["round"], sheet["round"]), sheet["entry"], labels[sheet["judge"]]]
                          + [_number(sheet["points"].get(c)) for c in criteria] + [_number(format_score(total))])
    return RankingBook(contest_title(snapshot), header, rows, sheet_header, sheet_rows)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _decided(snapshot: Mapping[str, Any], how: str | None) -> str:
    if not how:
        return ""
    if how == SHARED:
        return "đồng giải"
    if how == BY_ORGANIZER:
        return "quyết định của Ban Tổ chức"
    kind, _, code = how.partition(":")
    if kind == "criterion":
        return f"tiêu chí {criterion_name_map(snapshot).get(code, code)}"
    return f"vòng {round_name_map(snapshot).get(code, code)}"
