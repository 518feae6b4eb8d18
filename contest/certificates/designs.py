"""A kind's design as the organizer sets it: layout, paper, texts, images, font, stock positions, printers."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from contest.audit import record
from contest.certificates.printed import DesignView
from contest.certificates.uploads import IMAGE_LIMIT, SCAN_LIMIT, UploadRefused, check_font, check_image
from contest.domain.designs import (
    FONTS,
    LAYOUTS,
    MODES,
    ORIENTATIONS,
    PAPERS,
    PLACEHOLDERS,
    SHARED_PLACEHOLDERS,
    StockField,
    TemplateProblem,
    check_text,
    page_size_mm,
    stock_problems,
)
from contest.extensions import db
from contest.models import CertificateDesign, Contest, DesignFile, DocumentKind, Printer, User

IMAGE_ROLES = ("emblem", "signature", "seal", "scan")
FONT_ROLES = ("font", "font_bold", "font_italic", "font_bold_italic")
# Body lines the organizer may reword (the preamble is the kind's own field).
TEXT_LINES = ("recipient", "unit", "work", "prize", "contest")
# Texts printed the same on every certificate of the kind.
SHARED_TEXTS = ("title", "issuer", "signer_title", "signer_name")

# A Bằng khen form, A4 landscape: where the variable texts usually go.
DEFAULT_STOCK = (
    StockField("Số: {number}", x=25, y=45, width=100, size=12, align="left"),
    StockField("{recipient}", x=48.5, y=108, width=200, size=22, bold=True),
    StockField("{unit}", x=48.5, y=119, width=200, size=14),
    StockField("Đã có tác phẩm “{entry_title}”", x=48.5, y=130, width=200, size=13, italic=True),
    StockField("Đạt {prize}", x=48.5, y=142, width=200, size=16, bold=True),
    StockField("Hải Phòng, {date}", x=160, y=160, width=115, size=12, italic=True),
)


class DesignError(ValueError):
    """The design cannot be saved as asked; ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, Any]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def design_of(kind: DocumentKind) -> CertificateDesign:
    """The kind's design, created with the defaults the first time it is needed."""
    if kind.design is None:
        kind.design = CertificateDesign(layout="administrative", paper="A4", orientation="landscape",
                                        font="Noto Serif", texts={}, mode="full",
                                        stock_fields=[stock_dict(f) for f in DEFAULT_STOCK])
    return kind.design


def stock_dict(field: StockField) -> dict:
    return dict(text=field.text, x=field.x, y=field.y, width=field.width, size=field.size,
                align=field.align, bold=field.bold, italic=field.italic)


def stock_fields(design: CertificateDesign | None) -> tuple[StockField, ...]:
    rows = design.stock_fields if design is not None else [stock_dict(f) for f in DEFAULT_STOCK]
    return tuple(StockField(**row) for row in rows)


def files_dir(contest: Contest) -> Path:
    """The contest's own folder of design files: WeasyPrint may read these and static/ only."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "designs" / str(contest.id)


def file_path(contest: Contest, stored: DesignFile | None) -> str:
    return str(files_dir(contest) / stored.stored_name) if stored is not None else ""


def design_view(kind: DocumentKind, printer: Printer | None = None,
                changes: dict[str, Any] | None = None) -> DesignView:
    """The plain data the renderer gets; ``changes`` are unsaved values (the live preview)."""
    design = kind.design
    contest = kind.contest
    values = dict(layout="administrative", paper="A4", orientation="landscape", font="Noto Serif",
                  texts={}, mode="full", stock_fields=None)
    if design is not None:
        values.update(layout=design.layout, paper=design.paper, orientation=design.orientation,
                      font=design.font, texts=dict(design.texts or {}), mode=design.mode)
    values.update({k: v for k, v in (changes or {}).items() if k in values})
    fields = values["stock_fields"]
    fields = tuple(StockField(**f) for f in fields) if fields is not None else stock_fields(design)

    def stored(role: str) -> str:
        return file_path(contest, design.file(role)) if design is not None else ""

    font_files = tuple(stored(role) for role in FONT_ROLES) if stored("font") else ()
    return DesignView(
        layout=values["layout"], paper=values["paper"], orientation=values["orientation"],
        font=values["font"] if values["font"] != "uploaded" or font_files else "Noto Serif",
        font_files=font_files,
        texts=tuple(sorted((k, v) for k, v in values["texts"].items() if k in TEXT_LINES)),
        emblem=stored("emblem"), signature=stored("signature"), seal=stored("seal"),
        mode=values["mode"], stock_fields=fields,
        offset=(float(printer.offset_x), float(printer.offset_y)) if printer is not None else (0.0, 0.0),
        files_dir=str(files_dir(contest)),
    )


TEMPLATE_MESSAGES = {
    "unknown": _l("Unknown placeholder %(names)s. Use {recipient}, {entry_title}, {prize}, {contest}, "
                  "{unit}, {number} or {date}."),
    "not_shared": _l("%(names)s differs from one certificate to the next: here only {contest} and {date} "
                     "can be used."),
    "malformed": _l("A brace is not closed: write placeholders as {recipient}."),
}


def template_error(text: str, allowed: tuple[str, ...] = PLACEHOLDERS):
    """The message for a text whose placeholders are wrong, or None."""
    try:
        check_text(text, allowed)
    except TemplateProblem as problem:
        return TEMPLATE_MESSAGES[problem.kind] % {"names": ", ".join(problem.names)}
    return None


def check_design(values: dict[str, Any]) -> dict[str, Any]:
    """Every problem of a design's values, by field; nothing is changed."""
    errors: dict[str, Any] = {}
    for name, choices in (("layout", LAYOUTS), ("paper", PAPERS), ("orientation", ORIENTATIONS),
                          ("font", FONTS), ("mode", MODES)):
        if name in values and values[name] not in choices:
            errors[name] = _l("Not a valid choice.")
    for name in SHARED_TEXTS:
        if name in values:
            message = template_error(values[name], SHARED_PLACEHOLDERS)
            if message:
                errors[name] = message
    if "preamble" in values:
        message = template_error(values["preamble"])
        if message:
            errors["preamble"] = message
    for name, text in (values.get("texts") or {}).items():
        message = template_error(text)
        if message:
            errors[f"text_{name}"] = message
    paper, orientation = values.get("paper", "A4"), values.get("orientation", "landscape")
    page = page_size_mm(paper if paper in PAPERS else "A4",
                        orientation if orientation in ORIENTATIONS else "landscape")
    for index, field in enumerate(values.get("stock_fields") or []):
        message = template_error(field["text"])
        if message:
            errors[f"stock-{index}-text"] = message
        for problem in stock_problems(StockField(**field), page):
            errors[f"stock-{index}-{problem}"] = STOCK_MESSAGES[problem]
    return errors


STOCK_MESSAGES = {
    "align": _l("Not a valid choice."),
    "width": _l("The text's span must lie on the sheet: x from 0, x + width at most the sheet's width."),
    "y": _l("The line must lie on the sheet."),
    "size": _l("The type size must be between 4 and 72 pt."),
}


def update_design(kind: DocumentKind, values: dict[str, Any], actor: User | None = None) -> CertificateDesign:
    """Save a kind's design; refused whole (DesignError) when any value is wrong."""
    return save_design(kind, values, [], [], actor)


def check_upload(role: str, content: bytes) -> tuple[bytes, str, str]:
    """(content, media type, extension) of a design file checked for its slot; UploadRefused else."""
    if role in FONT_ROLES:
        font = check_font(content)
        return font.content, f"font/{font.extension}", font.extension
    if role in IMAGE_ROLES:
        image = check_image(content, SCAN_LIMIT if role == "scan" else IMAGE_LIMIT)
        return image.content, image.media_type, image.extension
    raise UploadRefused(_l("Unknown kind of design file."))


def save_design(kind: DocumentKind, values: dict[str, Any], uploads: list[tuple[str, bytes, str]],
                removals: list[str], actor: User | None = None) -> CertificateDesign:
    """Save a kind's design with its new and removed files; nothing changes when anything is wrong."""
    errors = check_design(values)
    checked = []
    for role, content, name in uploads:
        try:
            checked.append((role, check_upload(role, content), name))
        except UploadRefused as refused:
            errors[role] = refused.message
    saved = kind.design  # not created before everything is checked: a refusal changes nothing
    font_kept = (saved is not None and saved.file("font") is not None and "font" not in removals) or any(
        role == "font" for role, *_ in checked)
    if values.get("font") == "uploaded" and not font_kept and "font" not in errors:
        errors["font"] = _l("Upload a font file first.")
    if errors:
        raise DesignError(errors)
    design = design_of(kind)
    for role in removals:
        remove_design_file(kind, role, actor)
    for role, content, name in checked:
        store_design_file(kind, role, content, name, actor)
    for name in ("title", "issuer", "preamble", "signer_title", "signer_name"):
        if name in values:
            setattr(kind, name, values[name])
    set_design(kind, values)
    db.session.flush()
    record("certificate.design_changed", contest=kind.contest, actor=actor, target=kind.code)
    return design


def set_design(kind: DocumentKind, values: dict[str, Any]) -> CertificateDesign:
    """Apply checked design values (the settings file's) to a kind's design."""
    design = design_of(kind)
    for name in ("layout", "paper", "orientation", "font", "mode"):
        if name in values:
            setattr(design, name, values[name])
    if "texts" in values:
        design.texts = {k: v for k, v in values["texts"].items() if k in TEXT_LINES}
    if "stock_fields" in values:
        design.stock_fields = [dict(f) for f in values["stock_fields"]]
    return design


def store_design_file(kind: DocumentKind, role: str, checked: tuple[bytes, str, str], original_name: str,
                      actor: User | None = None) -> DesignFile:
    """Keep a checked picture or font as the design's ``role`` (see check_upload)."""
    content, media_type, extension = checked
    design = design_of(kind)
    db.session.flush()
    digest = hashlib.sha256(content).hexdigest()
    folder = files_dir(kind.contest)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{design.id}-{role}-{digest[:16]}.{extension}"
    (folder / name).write_bytes(content)
    stored = design.file(role)
    if stored is None:
        stored = DesignFile(role=role)
        design.files.append(stored)
    stored.stored_name, stored.original_name = name, original_name[:255]
    stored.media_type, stored.size = media_type, len(content)
    db.session.flush()
    record("certificate.design_file", contest=kind.contest, actor=actor, target=kind.code, role=role,
           name=original_name[:255], sha256=digest)
    return stored


def remove_design_file(kind: DocumentKind, role: str, actor: User | None = None) -> None:
    design = design_of(kind)
    stored = design.file(role)
    if stored is None:
        return
    design.files.remove(stored)
    if role == "font":
        design.font = "Noto Serif" if design.font == "uploaded" else design.font
    db.session.flush()
    record("certificate.design_file_removed", contest=kind.contest, actor=actor, target=kind.code, role=role)


def save_printers(contest: Contest, rows: list[tuple[str, Decimal, Decimal]], actor: User | None = None,
                  audit: bool = True) -> None:
    """Replace the contest's printers by ``rows`` (name, offset x, offset y), matched by name;
    ``audit=False`` when the caller's own audit event covers it (a settings file)."""
    by_name = {p.name: p for p in contest.printers}
    wanted = {name for name, *_ in rows}
    for printer in list(contest.printers):
        if printer.name not in wanted:
            contest.printers.remove(printer)
    for name, x, y in rows:
        printer = by_name.get(name) or Printer(name=name)
        if printer not in contest.printers:
            contest.printers.append(printer)
        printer.offset_x, printer.offset_y = x, y
    db.session.flush()
    if audit:
        record("certificate.printers_changed", contest=contest, actor=actor, target=contest.slug,
               printers=[f"{n} ({x}, {y})" for n, x, y in rows])


def printer_of(contest: Contest, printer_id: int | None) -> Printer | None:
    return next((p for p in contest.printers if p.id == printer_id), None)

