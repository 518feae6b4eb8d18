"""Vietnamese typography preflight: what each certificate's texts need to fit, and what cannot print.

Per certificate: texts set smaller or wrapped to fit, texts that would still
overflow (the batch is refused), characters the font lacks (refused too: they
would print in another font or as boxes), and names not in NFC (printed
normalized, and shown). Pure over CertificateView: no Flask, no database.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contest.certificates.fitting import (
    ISSUER_SCALES,
    SCALES,
    STYLE,
    WIDTH_SAFETY,
    body_lines,
    face,
    font_metrics,
    issuer_fit,
)
from contest.certificates.layouts import geometry
from contest.certificates.printed import CertificateView
from contest.certificates.rendering import STATIC_DIR, fit_body
from contest.certificates.stock import placed_fields
from contest.certificates.wording import shared_values
from contest.domain.designs import fill_text, missing_characters

SHRUNK, WRAPPED, OVERFLOW, MISSING, NOT_NFC = "shrunk", "wrapped", "overflow", "missing", "not_nfc"
BLOCKING = (OVERFLOW, MISSING)


@dataclass(frozen=True)
class Finding:
    """One thing about one text: ``kind`` is one of the constants above; ``text`` is the
    line as printed; ``detail`` the lines, the type size or the missing characters."""

    kind: str
    line: str
    text: str
    detail: str = ""


@dataclass
class CertificateCheck:
    number: str
    recipient: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(f.kind in BLOCKING for f in self.findings)


def _missing(text: str, path: Path) -> list[str]:
    return missing_characters(text, set(font_metrics(path).widths))


def check_certificate(view: CertificateView, static_dir: Path = STATIC_DIR) -> CertificateCheck:
    design = view.design
    fonts = design.font_paths(static_dir)
    check = CertificateCheck(view.number, unicodedata.normalize("NFC", view.recipient))
    if not unicodedata.is_normalized("NFC", view.recipient):
        check.findings.append(Finding(NOT_NFC, "recipient", check.recipient,
                                      " ".join(f"U+{ord(c):04X}" for c in view.recipient
                                               if unicodedata.combining(c))))
    printed: list[tuple[str, str, bool, bool]] = []  # (line, text, bold, italic)
    if design.mode == "stock":
        for placed in placed_fields(view, static_dir):
            stock = placed["field"]
            name = stock.text
            printed.append((name, placed["text"], stock.bold, stock.italic))
            if not placed["fits"]:
                check.findings.append(Finding(OVERFLOW, name, placed["text"], f"{placed['size']:g}"))
            elif placed["shrunk"]:
                check.findings.append(Finding(SHRUNK, name, placed["text"], f"{placed['size']:g}"))
        return _glyphs(check, printed, fonts)

    body = fit_body(view, fonts)
    shape = geometry(design.layout, design.orientation)
    scale = SCALES[body["fit"]]
    # Wrapping is reported as it will print: the fitter's safety margin would overstate it.
    counts = body_lines(body["texts"], scale, fonts, shape.body.width / WIDTH_SAFETY)
    if not body["fits"]:
        check.findings.append(Finding(OVERFLOW, "body", check.recipient, f"{scale.recipient:g}"))
    elif body["fit"] > 0:  # every body line shrinks together: one finding, told by the name's size
        check.findings.append(Finding(SHRUNK, "body", check.recipient, f"{scale.recipient:g}"))
    for name, text in body["texts"].items():
        plain = text.replace("\u00a0", " ")
        printed.append((name, plain, *STYLE[name]))
        if counts.get(name, 1) > 1 and body["fits"]:
            check.findings.append(Finding(WRAPPED, name, plain, str(counts[name])))
    shared = shared_values(view)
    issuer = tuple(fill_text(line, shared) for line in view.issuer_lines)
    step, top = issuer_fit(issuer, fonts, shape.issuer.top, shape.issuer.width, shape.number_max_top)
    issuer_text = " ".join(issuer).upper()
    if top > shape.number_max_top:
        check.findings.append(Finding(OVERFLOW, "issuer", issuer_text, f"{ISSUER_SCALES[step][0]:g}"))
    elif step > 0:
        check.findings.append(Finding(SHRUNK, "issuer", issuer_text, f"{ISSUER_SCALES[step][0]:g}"))
    printed += [("title", fill_text(view.title, shared).upper(), True, False),
                ("issuer", issuer_text, True, False),
                ("signer", " ".join(fill_text(t, shared) for t in view.signer_title_lines).upper(), True, False),
                ("signer", fill_text(view.signer_name, shared), True, False)]
    return _glyphs(check, printed, fonts)


def _glyphs(check: CertificateCheck, printed, fonts) -> CertificateCheck:
    for name, text, bold, italic in printed:
        missing = _missing(text, face(fonts, bold, italic))
        if missing:
            check.findings.append(Finding(MISSING, name, text, " ".join(missing)))
    return check


def preflight(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR) -> list[CertificateCheck]:
    """Every certificate of a batch, checked; the batch may print when none is blocked."""
    return [check_certificate(view, static_dir) for view in views]
