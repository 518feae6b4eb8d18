"""The database models, one module per aggregate."""
from contest.models.audit import AuditEvent
from contest.models.awards import Award, Certificate, TieResolution, TieResolutionEntry
from contest.models.contests import (
    Category,
    Contest,
    ContestPhase,
    Criterion,
    DocumentKind,
    PrizeTier,
    document_kind_tiers,
)
from contest.models.entries import AuthorKind, Entry, EntryAuthor, EntryFile, EntryStatus
from contest.models.jobs import Job, JobStatus
from contest.models.judging import Assignment, Round, Score
from contest.models.users import Role, User, UserRole

__all__ = [
    "Assignment", "AuditEvent", "AuthorKind", "Award", "Category", "Certificate",
    "Contest", "ContestPhase", "Criterion", "DocumentKind", "Entry", "EntryAuthor",
    "EntryFile", "EntryStatus", "Job", "JobStatus", "PrizeTier", "Role", "Round", "Score", "TieResolution",
    "TieResolutionEntry", "User", "UserRole", "document_kind_tiers",
]
