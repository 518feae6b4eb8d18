"""The identity check: does the text of an entry's file name its author?

It reads the text it can (PDF, DOCX, ODT, TXT) and looks for the authors'
names, the organization, the e-mail and the phone, with or without Vietnamese
diacritics and in any case. What it finds is for the organizers only.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from contest.domain.folding import fold

TEXT_TYPES = ("pdf", "docx", "odt", "txt")
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</(?:w:p|text:p|text:h)>")


@dataclass(frozen=True)
class IdentityTerm:
    kind: str   # "author", "organization", "email" or "phone"
    text: str


def _digits(text: str) -> str:
    """Digits with the separators people put inside phone numbers removed."""
    return re.sub(r"(?<=\d)[\s.\-()/]+(?=\d)", "", text)


def extract_pages(path: Path, extension: str) -> list[tuple[int | None, str]]:
    """(page number, text) for PDFs, one (None, text) for the others; [] when unreadable."""
    extension = extension.lower().lstrip(".")
    try:
        if extension == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(path)
            return [(n, page.extract_text() or "") for n, page in enumerate(reader.pages, 1)]
        if extension in ("docx", "odt"):
            with zipfile.ZipFile(path) as package:
                parts = [n for n in package.namelist()
                         if re.match(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)"
                                     r"|content|styles)\.xml$", n)]
                xml = " ".join(package.read(n).decode("utf-8", "replace") for n in sorted(parts))
            return [(None, unescape(_TAG.sub(" ", _PARAGRAPH_END.sub("\n", xml))))]
        if extension == "txt":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "utf-16", "cp1258"):
                try:
                    return [(None, raw.decode(encoding))]
                except UnicodeDecodeError:
                    continue
    except Exception:  # a file that does not read as its type has no text to check
        return []
    return []


def find_identity(pages: list[tuple[int | None, str]], terms: list[IdentityTerm]) -> list[dict]:
    """Where each term shows: [{"kind", "text", "page"}], the page None outside PDFs."""
    hits = []
    for page, text in pages:
        folded = f" {fold(text)} "
        digits = _digits(text)
        for term in terms:
            if term.kind == "phone":
                number = re.sub(r"\D", "", term.text)
                found = len(number) >= 8 and (number in digits or (
                    number.startswith("0") and "84" + number[1:] in digits))
            else:
                needle = fold(term.text)
                found = len(needle) >= 5 and f" {needle} " in folded
            if found:
                hits.append({"kind": term.kind, "text": term.text, "page": page})
    return hits
