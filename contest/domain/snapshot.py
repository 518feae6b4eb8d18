"""The finalized results as one canonical JSON document, recomputable from its own sheets."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from contest.domain.advancement import RoundWeight, combined_score
from contest.domain.ranking import RoundSheets, rank_sheets, round_scores
from contest.domain.scoring import CriterionRule, ScoreSheet, format_score
from contest.domain.tiering import BY_ORGANIZER, TierRule

# The keys of a snapshot the results are computed from; the others are computed.
INPUT_KEYS = ("contest", "method", "rounds", "ranked_round", "criteria", "tiers", "tie_breakers",
              "entries", "judges", "sheets", "resolutions", "finalized_by", "finalized_at")


def canonical_json(body: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the form the hash is taken over."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def exact(value: Fraction | None) -> str | None:
    """A score exactly, as "256/3" (or "85" when whole)."""
    return None if value is None else str(value)


def _rules(criteria: list[dict], codes: list[str] | None = None) -> list[CriterionRule]:
    return [CriterionRule(c["code"], Decimal(c["max"]), Decimal(c["weight"]))
            for c in criteria if codes is None or c["code"] in codes]


def _sheets(sheets: list[dict], round_code: str, entries: list[str] | None = None) -> dict:
    by_entry: dict[str, list[ScoreSheet]] = {code: [] for code in entries or ()}
    for sheet in sheets:
        if sheet["round"] == round_code:
            by_entry.setdefault(sheet["entry"], []).append(ScoreSheet(
                judge=sheet["judge"], points={k: Decimal(v) for k, v in sheet["points"].items()}))
    return by_entry


def _weighted(rounds: list[dict], ranked: str, earlier: dict[str, RoundSheets]):
    """The final score as the rounds' weights combine it; None when only the ranked round counts."""
    weights = [RoundWeight(r["code"], Fraction(Decimal(r["weight"]))) for r in rounds]
    if not any(w.weight for w in weights if w.code != ranked):
        return None

    # Each earlier round's scores under its own method, as the ranking combined them.
    by_round = {code: round_scores(r.method, r.sheets, r.criteria) for code, r in earlier.items()}

    def final_score(key, score: Fraction | None) -> Fraction | None:
        per_round = {code: scores.get(key) for code, scores in by_round.items()}
        return combined_score({**per_round, ranked: score}, weights)

    return final_score


def results_of(inputs: dict[str, Any]) -> dict[str, Any]:
    """Scores, ranks, tiers and tie decisions computed from a snapshot's inputs alone."""
    criteria = inputs["criteria"]
    ranked = inputs["ranked_round"]
    rounds = {r["code"]: r for r in inputs["rounds"]}
    rubric = rounds[ranked]["criteria"]
    earlier = {
        code: RoundSheets(_sheets(inputs["sheets"], code), _rules(criteria, r["criteria"]), r["method"])
        for code, r in rounds.items() if code != ranked
    }
    tiers = [TierRule(t["code"], t["quota"], None if t["min_score"] is None else Decimal(t["min_score"]),
                      t["share_ties"]) for t in inputs["tiers"]]
    resolutions = {tuple(r["order"]): r for r in inputs["resolutions"]}
    scores, result = rank_sheets(
        _sheets(inputs["sheets"], ranked, [e["code"] for e in inputs["entries"]]),
        _rules(criteria, rubric), tiers, inputs["tie_breakers"], list(resolutions), earlier,
        inputs["method"], final_score=_weighted(inputs["rounds"], ranked, earlier),
    )
    ranking = [
        {"entry": p.key, "rank": p.rank, "score": format_score(p.score), "exact": exact(p.score),
         "sheets": scores[p.key].counted, "tier": p.tier, "tie_decided_by": p.decided_by}
        for p in result.placements
    ]
    ties = []
    for d in result.decided_ties:
        tie = {"score": format_score(d.score), "entries": list(d.keys), "tiers": list(d.tiers),
               "decided_by": d.decided_by, "values": [format_score(v) for v in d.values]}
        if d.decided_by == BY_ORGANIZER:
            resolution = resolutions[tuple(d.keys)]
            tie.update(reason=resolution["reason"], by=resolution["by"], at=resolution["at"])
        ties.append(tie)
    return {"ranking": ranking, "ties": ties, "open_ties": [list(t.keys) for t in result.boundary_ties],
            "grown": dict(result.grown)}


def build_snapshot(inputs: dict[str, Any]) -> dict[str, Any]:
    """The whole snapshot: its inputs and what they give."""
    return {**{key: inputs[key] for key in INPUT_KEYS}, **results_of(inputs)}


def recompute(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot rebuilt from its stored sheets and settings: equal to it when nothing was altered."""
    return build_snapshot({key: snapshot[key] for key in INPUT_KEYS})
