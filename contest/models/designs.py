"""How a kind of certificate looks: its design, the organizer's images and fonts, the office's printers."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest, DocumentKind
from contest.models.types import FixedPoint, UTCDateTime, utcnow


class CertificateDesign(db.Model):
    """One kind's design. A kind without one prints the administrative layout, A4 landscape."""

    __tablename__ = "certificate_designs"
    __table_args__ = (
        CheckConstraint("layout IN ('administrative', 'centred')", name="layout"),
        CheckConstraint("paper IN ('A4', 'A3')", name="paper"),
        CheckConstraint("orientation IN ('landscape', 'portrait')", name="orientation"),
        CheckConstraint("font IN ('Noto Serif', 'Noto Sans', 'uploaded')", name="font"),
        CheckConstraint("mode IN ('full', 'stock')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_kind_id: Mapped[int] = mapped_column(
        ForeignKey("document_kinds.id", ondelete="CASCADE"), unique=True)
    layout: Mapped[str] = mapped_column(String(30), default="administrative")
    paper: Mapped[str] = mapped_column(String(10), default="A4")
    orientation: Mapped[str] = mapped_column(String(20), default="landscape")
    font: Mapped[str] = mapped_column(String(30), default="Noto Serif")
    # Body line name → its text with placeholders; a missing line prints its default.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    # "stock": only the variable texts, each where `stock_fields` puts it on the pre-printed form.
    mode: Mapped[str] = mapped_column(String(10), default="full")
    stock_fields: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    kind: Mapped[DocumentKind] = relationship(back_populates="design")
    files: Mapped[list[DesignFile]] = relationship(
        back_populates="design", cascade="all, delete-orphan", order_by="DesignFile.role")

    def file(self, role: str) -> DesignFile | None:
        return next((f for f in self.files if f.role == role), None)


class DesignFile(db.Model):
    """An image or font the organizer uploaded for a design, kept under UPLOAD_FOLDER/designs/."""

    __tablename__ = "design_files"
    __table_args__ = (
        UniqueConstraint("design_id", "role"),
        CheckConstraint("role IN ('emblem', 'signature', 'seal', 'scan', 'font', 'font_bold', "
                        "'font_italic', 'font_bold_italic')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("certificate_designs.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    stored_name: Mapped[str] = mapped_column(String(120))
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    design: Mapped[CertificateDesign] = relationship(back_populates="files")


class Printer(db.Model):
    """An office printer and the correction added to every stock position it prints
    (mm, right and down positive), measured on the calibration page."""

    __tablename__ = "printers"
    __table_args__ = (UniqueConstraint("contest_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    offset_x: Mapped[Decimal] = mapped_column(FixedPoint(2), default=Decimal(0))
    offset_y: Mapped[Decimal] = mapped_column(FixedPoint(2), default=Decimal(0))

    contest: Mapped[Contest] = relationship(back_populates="printers")
