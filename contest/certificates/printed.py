"""What is printed on a certificate, as plain values: the only data its templates get."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contest.certificates.fitting import FontFiles, shipped_font
from contest.domain.designs import StockField, page_size_mm


@dataclass(frozen=True)
class DesignView:
    """How a kind's certificates look, as plain values: paths of the organizer's files
    (or "" for the shipped ones), texts with placeholders, and the stock positions."""

    layout: str = "administrative"
    paper: str = "A4"
    orientation: str = "landscape"
    font: str = "Noto Serif"
    # Uploaded font: regular, bold, italic, bold italic (a missing style uses the regular file).
    font_files: tuple[str, ...] = ()
    # Body line name → text with placeholders, for the lines that differ from the default.
    texts: tuple[tuple[str, str], ...] = ()
    emblem: str = ""
    signature: str = ""
    seal: str = ""
    mode: str = "full"
    stock_fields: tuple[StockField, ...] = ()
    # The printer's shift, added to every stock position (mm, right and down).
    offset: tuple[float, float] = (0.0, 0.0)
    # The contest's folder of uploaded design files: the only folder besides static/ WeasyPrint may read.
    files_dir: str = ""

    @property
    def page_mm(self) -> tuple[float, float]:
        return page_size_mm(self.paper, self.orientation)

    def font_paths(self, static_dir: Path) -> FontFiles:
        if self.font == "uploaded" and self.font_files:
            regular = self.font_files[0]
            return tuple(Path(f or regular) for f in (*self.font_files, "", "", "")[:4])
        return shipped_font(static_dir / "fonts", self.font if self.font != "uploaded" else "Noto Serif")


@dataclass(frozen=True)
class CertificateView:
    """Everything printed on one certificate, as plain values."""

    title: str
    issuer_lines: tuple[str, ...]
    preamble: str
    recipient: str
    unit: str
    entry_title: str
    prize: str
    contest_name: str
    place: str
    day: int
    month: int
    year: int
    signer_title_lines: tuple[str, ...]
    signer_name: str
    number: str
    verify_url: str
    # A recognition list's reason line, printed in place of an entry's title.
    reason: str = ""
    design: DesignView = DesignView()
