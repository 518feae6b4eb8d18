"""The organizer's forms for certificate designs: a kind's design, and the office's printers."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from contest.admin.forms import DecimalCommaField
from contest.certificates.designs import FONT_ROLES, IMAGE_ROLES, TEXT_LINES, stock_dict, stock_fields
from contest.certificates.wording import default_texts
from contest.forms import Form, SubForm
from contest.models import DocumentKind
from contest.text import clean, keep_lines

LAYOUT_CHOICES = [
    SelectChoice("administrative", _l("Administrative: issuer top left, national motto top right")),
    SelectChoice("centred", _l("Centred: emblem and national motto on top, issuer beside the signature")),
]
PAPER_CHOICES = [SelectChoice("A4", "A4"), SelectChoice("A3", "A3")]
ORIENTATION_CHOICES = [SelectChoice("landscape", _l("Landscape")), SelectChoice("portrait", _l("Portrait"))]
FONT_CHOICES = [SelectChoice("Noto Serif", "Noto Serif"), SelectChoice("Noto Sans", "Noto Sans"),
                SelectChoice("uploaded", _l("The uploaded font"))]
MODE_CHOICES = [SelectChoice("full", _l("Full design on blank paper")),
                SelectChoice("stock", _l("Pre-printed stock: only the variable texts"))]
ALIGN_CHOICES = [SelectChoice("left", _l("Left")), SelectChoice("center", _l("Centre")),
                 SelectChoice("right", _l("Right"))]
TEXT_LABELS = {
    "recipient": _l("Recipient line"), "unit": _l("Unit line"), "work": _l("Entry line"),
    "prize": _l("Prize line (printed in capitals)"), "contest": _l("Contest line"),
}
FILE_LABELS = {
    "emblem": _l("Emblem or logo"), "signature": _l("Signature"), "seal": _l("Seal"),
    "scan": _l("Scan of the blank form (a guide in the preview, never printed)"),
    "font": _l("Font: regular"), "font_bold": _l("Font: bold"), "font_italic": _l("Font: italic"),
    "font_bold_italic": _l("Font: bold italic"),
}


class StockRow(SubForm):
    text = StringField(_l("Text"), validators=[Length(max=300)], filters=[clean])
    x = DecimalCommaField(_l("x (mm)"), validators=[Optional()])
    y = DecimalCommaField(_l("Baseline y (mm)"), validators=[Optional()])
    width = DecimalCommaField(_l("Width (mm)"), validators=[Optional()])
    size = DecimalCommaField(_l("Size (pt)"), validators=[Optional()])
    align = SelectField(_l("Alignment"), choices=ALIGN_CHOICES, default="center")
    bold = BooleanField(_l("Bold"))
    italic = BooleanField(_l("Italic"))
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not self.text.data

    def value(self) -> dict[str, Any]:
        def number(field, default: float) -> float:
            return float(field.data) if field.data is not None else default

        return dict(text=self.text.data, x=number(self.x, 0.0), y=number(self.y, 0.0),
                    width=number(self.width, 0.0), size=number(self.size, 13.0),
                    align=self.align.data, bold=bool(self.bold.data), italic=bool(self.italic.data))


class DesignForm(Form):
    title = StringField(_l("Document title"), validators=[DataRequired(), Length(max=100)], filters=[clean])
    issuer = TextAreaField(_l("Issuer (one line per printed line)"), validators=[DataRequired()],
                           filters=[keep_lines], render_kw={"rows": 2})
    preamble = TextAreaField(_l("Preamble line"), filters=[clean], render_kw={"rows": 2})
    signer_title = TextAreaField(_l("Signer's title"), validators=[DataRequired()], filters=[keep_lines],
                                 render_kw={"rows": 2})
    signer_name = StringField(_l("Signer's name"), validators=[DataRequired(), Length(max=200)],
                              filters=[clean])
    layout = SelectField(_l("Layout"), choices=LAYOUT_CHOICES)
    paper = SelectField(_l("Paper"), choices=PAPER_CHOICES)
    orientation = SelectField(_l("Orientation"), choices=ORIENTATION_CHOICES)
    font = SelectField(_l("Font"), choices=FONT_CHOICES)
    text_recipient = StringField(TEXT_LABELS["recipient"], validators=[Length(max=300)], filters=[clean])
    text_unit = StringField(TEXT_LABELS["unit"], validators=[Length(max=300)], filters=[clean])
    text_work = StringField(TEXT_LABELS["work"], validators=[Length(max=300)], filters=[clean])
    text_prize = StringField(TEXT_LABELS["prize"], validators=[Length(max=300)], filters=[clean])
    text_contest = StringField(TEXT_LABELS["contest"], validators=[Length(max=300)], filters=[clean])
    mode = SelectField(_l("Print mode"), choices=MODE_CHOICES)
    stock = FieldList(FormField(StockRow))
    emblem = FileField(FILE_LABELS["emblem"])
    signature = FileField(FILE_LABELS["signature"])
    seal = FileField(FILE_LABELS["seal"])
    scan = FileField(FILE_LABELS["scan"])
    font_file = FileField(FILE_LABELS["font"])
    font_bold = FileField(FILE_LABELS["font_bold"])
    font_italic = FileField(FILE_LABELS["font_italic"])
    font_bold_italic = FileField(FILE_LABELS["font_bold_italic"])

    @classmethod
    def initial_data(cls, kind: DocumentKind) -> dict[str, Any]:
        design = kind.design
        texts = {**default_texts(kind.contest.name), **(design.texts if design else {})}
        return {
            "title": kind.title, "issuer": kind.issuer, "preamble": kind.preamble,
            "signer_title": kind.signer_title, "signer_name": kind.signer_name,
            "layout": design.layout if design else "administrative",
            "paper": design.paper if design else "A4",
            "orientation": design.orientation if design else "landscape",
            "font": design.font if design else "Noto Serif",
            "mode": design.mode if design else "full",
            **{f"text_{name}": texts[name] for name in TEXT_LINES},
            "stock": [{**row, **{k: Decimal(str(row[k])) for k in ("x", "y", "width", "size")}}
                      for row in map(stock_dict, stock_fields(design))] + [{}],
        }

    def file_field(self, role: str):
        return self["font_file" if role == "font" else role]

    def preview_args(self) -> dict[str, str]:
        """The form's values as the preview's query string (what design-preview.js sends)."""
        args: dict[str, str] = {}

        def add(field) -> None:
            if field.type in ("FileField", "CSRFTokenField") or field.name.startswith("remove_"):
                return
            if field.type == "BooleanField":
                if field.data:
                    args[field.name] = "y"
            elif field.type == "SelectField":
                args[field.name] = field.data or ""
            else:
                args[field.name] = field._value()

        for field in self:
            if field.type == "FieldList":
                for entry in field:
                    for sub in entry.form:
                        add(sub)
            else:
                add(field)
        return args

    def removals(self) -> list[str]:
        return [role for role in (*IMAGE_ROLES, *FONT_ROLES) if self[f"remove_{role}"].data]

    def values(self) -> dict[str, Any]:
        """The design as typed, in the shape update_design takes."""
        return {
            "title": self.title.data, "issuer": self.issuer.data, "preamble": self.preamble.data,
            "signer_title": self.signer_title.data, "signer_name": self.signer_name.data,
            "layout": self.layout.data, "paper": self.paper.data, "orientation": self.orientation.data,
            "font": self.font.data, "mode": self.mode.data,
            "texts": {name: self[f"text_{name}"].data for name in TEXT_LINES},
            "stock_fields": [row.form.value() for row in self.stock
                             if not row.form.remove.data and not row.form.is_blank()],
        }

    def uploads(self) -> list[tuple[str, bytes, str]]:
        """(role, content, file name) of each file chosen in the form."""
        chosen = []
        for role in (*IMAGE_ROLES, *FONT_ROLES):
            upload = self.file_field(role).data
            if upload and getattr(upload, "filename", ""):
                chosen.append((role, upload.read(), upload.filename))
                upload.close()  # a large upload is a temporary file
        return chosen

    def attach(self, errors: dict[str, Any]) -> list[str]:
        """Show each problem on its field; the ones without a field are returned."""
        rows = [row.form for row in self.stock if not row.form.remove.data and not row.form.is_blank()]
        loose = []
        for key, message in errors.items():
            field = None
            if key.startswith("stock-"):
                _, index, name = key.split("-", 2)
                if int(index) < len(rows):
                    field = rows[int(index)]._fields.get("x" if name == "width" else name)
            elif key in FONT_ROLES or key in IMAGE_ROLES:
                field = self.file_field(key)
            else:
                field = self._fields.get(key)
            if field is None:
                loose.append(str(message))
            else:
                field.errors = [*field.errors, str(message)]
        return loose


for _role in (*IMAGE_ROLES, *FONT_ROLES):
    setattr(DesignForm, f"remove_{_role}", BooleanField(_l("Remove")))


def two_decimals(form, field) -> None:
    if field.data is not None and (field.data.as_tuple().exponent < -2 or abs(field.data) > 50):
        raise ValidationError(_l("Give the offset in millimetres, at most 50, with up to two decimals."))


class PrinterRow(SubForm):
    name = StringField(_l("Printer"), validators=[Length(max=100)], filters=[clean])
    offset_x = DecimalCommaField(_l("Offset x (mm)"), validators=[Optional(), two_decimals])
    offset_y = DecimalCommaField(_l("Offset y (mm)"), validators=[Optional(), two_decimals])
    remove = BooleanField(_l("Remove"))


class PrintersForm(Form):
    printers = FieldList(FormField(PrinterRow))

    def validate_printers(self, field) -> None:
        names = [row.form.name.data for row in field if row.form.name.data and not row.form.remove.data]
        if len(names) != len(set(names)):
            raise ValidationError(_l("Two printers have the same name."))

    def rows(self) -> list[tuple]:
        return [(row.form.name.data, row.form.offset_x.data or Decimal(0), row.form.offset_y.data or Decimal(0))
                for row in self.printers if row.form.name.data and not row.form.remove.data]
