"""The database models, one module per aggregate."""
from contest.models.audit import AuditEvent
from contest.models.awards import (
    Award,
    Certificate,
    CertificateStatus,
    EntryResult,
    RankingVersion,
    ResultSnapshot,
    TieResolution,
    TieResolutionEntry,
)
from contest.models.contests import (
    AwardedTo,
    Category,
    Contest,
    ContestPhase,
    Criterion,
    DocumentKind,
    PrizeTier,
    Recipient,
    document_kind_tiers,
)
from contest.models.designs import CertificateDesign, DesignFile, Printer
from contest.models.entries import (
    COMPETING,
    AuthorKind,
    BlindStatus,
    Entry,
    EntryAuthor,
    EntryFile,
    EntryStatus,
    ScreeningReason,
)
from contest.models.jobs import Job, JobStatus
from contest.models.judging import (
    AdvanceReason,
    AdvanceRule,
    Advancement,
    Assignment,
    Conflict,
    ConflictSource,
    Round,
    RoundStatus,
    Score,
    ScoreChange,
    ScoreMethod,
    ScoreSource,
    round_criteria,
    round_judges,
)
from contest.models.mail import MailStatus, OutgoingMail
from contest.models.users import Role, User, UserRole

__all__ = [
    "COMPETING", "AdvanceReason", "AdvanceRule", "Advancement", "Assignment", "AuditEvent", "AuthorKind", "Award", "AwardedTo",
    "BlindStatus", "Category", "Certificate", "CertificateStatus", "Recipient",
    "CertificateDesign", "DesignFile", "Printer",
    "Conflict", "ConflictSource", "Contest", "ContestPhase", "Criterion", "DocumentKind", "Entry", "EntryAuthor",
    "EntryFile", "EntryResult", "EntryStatus", "Job", "JobStatus", "MailStatus", "OutgoingMail", "PrizeTier", "RankingVersion", "Role", "Round", "RoundStatus", "Score", "ScoreChange", "ScoreMethod",
    "ResultSnapshot", "ScoreSource", "ScreeningReason", "TieResolution",
    "TieResolutionEntry", "User", "UserRole", "document_kind_tiers", "round_criteria",
    "round_judges",
]
