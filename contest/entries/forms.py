"""The entry form an author fills in to submit or edit an entry."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from contest.entries.services import EntryFields, max_entry_bytes, max_file_bytes, megabytes
from contest.forms import Form
from contest.models import AuthorKind, Contest, Entry, EntryFile
from contest.text import clean, split_names

MAX_AUTHOR_NAME = 200


def accepted_extensions() -> tuple[str, ...]:
    return tuple(current_app.config["ALLOWED_UPLOAD_EXTENSIONS"])


def upload_limits_kw(existing_files: Sequence[EntryFile] = ()) -> dict[str, str]:
    """The attributes static/js/upload-limits.js reads on a file input: the limits in
    bytes, what the entry already holds, and the messages (``{name}``, ``{size}``,
    ``{limit}`` filled in by the script)."""
    return {
        "data-max-file-bytes": str(max_file_bytes()),
        "data-max-entry-bytes": str(max_entry_bytes()),
        "data-kept-bytes": str(sum(f.size for f in existing_files)),
        "data-file-too-large": str(_l("The file “{name}” is {size} MB: at most {limit} MB per "
                                      "file. Choose a smaller file, or give a link.")),
        "data-entry-too-large": str(_l("These files come to {size} MB with those already sent: "
                                       "at most {limit} MB per entry.")),
    }


def upload_description():
    """What a file field says about the types and limits it takes."""
    return _l("Accepted types: %(types)s. At most %(file)s MB per file and %(entry)s MB for all "
              "the files of the entry; for a longer video, give a link.",
              types=", ".join(accepted_extensions()), file=megabytes(max_file_bytes()),
              entry=megabytes(max_entry_bytes()))


def check_extensions(uploads: Sequence[FileStorage]) -> None:
    """The form's first check, by name only (the content is checked when the file is stored)."""
    accepted = accepted_extensions()
    for upload in uploads:
        name = clean(Path(upload.filename).name)
        if Path(name).suffix.lower().lstrip(".") not in accepted:
            raise ValidationError(_l("“%(name)s” is not an accepted type. Accepted: %(types)s.",
                                     name=name, types=", ".join(accepted)))


def web_link(form: Form, field: URLField) -> None:
    """Only ordinary web addresses (http or https, with a site name): they are shown to judges as links."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    host = parts.hostname or ""
    if (parts.scheme.lower() not in ("http", "https") or "." not in host.strip(".")
            or any(c.isspace() for c in field.data)):
        raise ValidationError(_l("Give a web address starting with http:// or https://, "
                                 "such as https://www.youtube.com/watch?v=…"))


def optional_id(value) -> int | None:
    """A select's id; the empty first choice ("Choose …") is None."""
    return int(value) if value not in ("", None) else None


class EntryForm(Form):
    title = StringField(_l("Title of the entry"), validators=[DataRequired(), Length(max=500)],
                        filters=[clean])
    category = SelectField(_l("Category"), coerce=optional_id, validators=[DataRequired()])
    author_kind = RadioField(
        _l("The entry is by"),
        choices=[SelectChoice(AuthorKind.INDIVIDUAL.value, _l("One or more individuals")),
                 SelectChoice(AuthorKind.COLLECTIVE.value, _l("A collective"))],
        default=AuthorKind.INDIVIDUAL.value,
    )
    authors = TextAreaField(
        _l("Authors"), validators=[DataRequired()], filters=[clean],
        description=_l("One name per line: the main author first, then the co-authors in order. "
                       "For a collective: its name."),
        render_kw={"rows": 3},
    )
    representative = StringField(
        _l("Representative of the collective"), validators=[Length(max=200)], filters=[clean],
        description=_l("For a collective: the person who speaks for it."),
    )
    organization = StringField(_l("Organization or unit"), validators=[Length(max=300)],
                               filters=[clean])
    district = StringField(_l("District"), validators=[Length(max=100)], filters=[clean])
    email = EmailField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)],
                       filters=[clean])
    phone = StringField(_l("Contact phone"), validators=[Length(max=30)], filters=[clean],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    description = TextAreaField(
        _l("The model and where it is"), filters=[clean],
        description=_l("Which “Dân vận khéo” model the entry presents, and in which commune or district."),
        render_kw={"rows": 5},
    )
    model_name = StringField(_l("Name of the model"), validators=[Length(max=300)], filters=[clean],
                             description=_l("For example: “Con đường hoa”, “Camera an ninh”."))
    model_commune = StringField(_l("Commune of the model"), validators=[Length(max=100)],
                                filters=[clean])
    model_district = StringField(_l("District of the model"), validators=[Length(max=100)],
                                 filters=[clean])
    link = URLField(
        _l("Video link"), validators=[Optional(), web_link, Length(max=500)], filters=[clean],
        description=_l("Instead of a video file: a link to the video (or article) published "
                       "online, starting with https://."),
    )
    files = MultipleFileField(_l("Files"))
    remove_files = SelectMultipleField(_l("Remove"), coerce=int, choices=[])
    submit = SubmitField(_l("Submit the entry"))
    draft = SubmitField(_l("Save as draft"))

    def __init__(self, contest: Contest, existing_files: Sequence[EntryFile] = (), **kwargs):
        super().__init__(**kwargs)
        self.contest = contest
        self.existing_files = list(existing_files)
        # An empty first choice: nobody lands in the first category by not choosing.
        self.category.choices = [SelectChoice("", _l("Choose a category"))] + [
            SelectChoice(c.id, c.name) for c in contest.categories]
        self.remove_files.choices = [SelectChoice(f.id, f.original_name) for f in self.existing_files]
        extensions = accepted_extensions()
        self.files.render_kw = upload_limits_kw(self.existing_files)
        self.files.render_kw["accept"] = ",".join(f".{ext}" for ext in extensions)
        self.files.description = upload_description()

    @classmethod
    def for_entry(cls, entry: Entry, **kwargs) -> EntryForm:
        """The form filled with what the entry holds now."""
        data = {
            "title": entry.title, "category": entry.category_id,
            "author_kind": entry.author_kind.value, "authors": "\n".join(entry.author_names),
            "organization": entry.organization, "district": entry.district,
            "email": entry.email, "phone": entry.phone,
            "description": entry.description, "link": entry.link,
            "representative": entry.representative, "model_name": entry.model_name,
            "model_commune": entry.model_commune, "model_district": entry.model_district,
        }
        return cls(entry.contest, existing_files=entry.files, data=data, **kwargs)

    @property
    def uploads(self) -> list[FileStorage]:
        return [f for f in (self.files.data or []) if f and f.filename]

    @property
    def author_names(self) -> list[str]:
        return split_names(self.authors.data or "", sep="\n")

    def validate_authors(self, field: TextAreaField) -> None:
        names = self.author_names
        if not names:
            raise ValidationError(_l("Give at least one name."))
        if any(len(name) > MAX_AUTHOR_NAME for name in names):
            raise ValidationError(_l("A name may have at most %(n)d characters.", n=MAX_AUTHOR_NAME))

    def validate_files(self, field: MultipleFileField) -> None:
        check_extensions(self.uploads)
        removing = set(self.remove_files.data or [])
        kept = [f for f in self.existing_files if f.id not in removing]
        if not kept and not self.uploads and not self.link.data and not self.saving_draft:
            raise ValidationError(_l("Attach at least one file, or give a video link."))

    def validate_representative(self, field: StringField) -> None:
        if (self.author_kind.data == AuthorKind.COLLECTIVE.value and not field.data
                and not self.saving_draft):
            raise ValidationError(_l("Name the person who represents the collective."))

    @property
    def saving_draft(self) -> bool:
        """The author pressed "Save as draft": nothing is submitted, files may come later."""
        return bool(self.draft.data)

    def entry_fields(self) -> EntryFields:
        category = next(c for c in self.contest.categories if c.id == self.category.data)
        return EntryFields(
            title=self.title.data, category=category,
            author_kind=AuthorKind(self.author_kind.data), authors=self.author_names,
            organization=self.organization.data, district=self.district.data,
            email=self.email.data, phone=self.phone.data,
            description=self.description.data, link=self.link.data,
            representative=self.representative.data if self.author_kind.data == AuthorKind.COLLECTIVE.value else "",
            model_name=self.model_name.data, model_commune=self.model_commune.data,
            model_district=self.model_district.data,
        )


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why do you withdraw the entry?"),
                           validators=[DataRequired(), Length(max=2000)], filters=[clean],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Withdraw the entry"))
