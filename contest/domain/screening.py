"""Screening decisions: what a change of an entry's eligibility needs, over plain values.

An entry is ``submitted`` (not screened yet), ``eligible`` or ``ineligible``.
Ineligible needs a reason from the list, and words of the secretariat's own
when the reason is ``other``. Changing a decision already taken (eligible →
ineligible, back to not screened, another reason) is a reversal: it needs a
reason of its own, kept in the audit with the old and new decision.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

NOT_SCREENED, ELIGIBLE, INELIGIBLE = "submitted", "eligible", "ineligible"
DECISIONS = (ELIGIBLE, INELIGIBLE, NOT_SCREENED)
REASONS = ("late", "off_topic", "incomplete", "duplicate", "identity_visible", "other")


class ScreeningProblem(enum.StrEnum):
    UNKNOWN_DECISION = "unknown_decision"
    REASON_NEEDED = "reason_needed"              # ineligible without a reason from the list
    NOTE_NEEDED = "note_needed"                  # reason "other" without the secretariat's words
    REVERSAL_REASON_NEEDED = "reversal_reason_needed"  # a decision changed without saying why


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str | None = None     # one of REASONS when ineligible
    note: str = ""                # the secretariat's words

    def normalized(self) -> Decision:
        """Eligible and not-screened carry no reason."""
        if self.status == INELIGIBLE:
            return self
        return Decision(self.status, None, self.note if self.status == ELIGIBLE else "")


def decision_problem(decision: Decision) -> ScreeningProblem | None:
    """What is wrong with the decision itself, whatever the entry was."""
    if decision.status not in DECISIONS:
        return ScreeningProblem.UNKNOWN_DECISION
    if decision.status == INELIGIBLE:
        if decision.reason not in REASONS:
            return ScreeningProblem.REASON_NEEDED
        if decision.reason == "other" and not decision.note.strip():
            return ScreeningProblem.NOTE_NEEDED
    return None


def is_reversal(current: Decision, wanted: Decision) -> bool:
    """Does ``wanted`` undo or change a decision already taken on the entry?"""
    if current.status == NOT_SCREENED:
        return False
    current, wanted = current.normalized(), wanted.normalized()
    return (current.status, current.reason) != (wanted.status, wanted.reason)


def changes_anything(current: Decision, wanted: Decision) -> bool:
    current, wanted = current.normalized(), wanted.normalized()
    return current != wanted


def screening_problem(current: Decision, wanted: Decision, why_change: str) -> ScreeningProblem | None:
    """None when ``wanted`` may replace ``current`` with ``why_change`` given for a reversal."""
    problem = decision_problem(wanted)
    if problem is None and is_reversal(current, wanted) and not why_change.strip():
        return ScreeningProblem.REVERSAL_REASON_NEEDED
    return problem
