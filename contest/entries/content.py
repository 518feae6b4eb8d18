"""What an uploaded file really is: its content must be what its extension says.

Pure over paths, like blinding.py: ``content_problem`` reads the start of the
file (the ``filetype`` library's magic numbers), opens ZIP-based office
packages to see which program wrote them, and reads text files as text. A
program or a web page is refused under any name.
"""
from __future__ import annotations

import codecs
import enum
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 8192
TEXT_BYTES = 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"          # Word 97–2003 and other old Office files
EBML = b"\x1a\x45\xdf\xa3"                          # WebM / Matroska
PROGRAMS = {"exe", "elf", "dll", "msi", "cab", "crx", "deb", "rpm", "wasm", "swf"}
MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe",
          b"<?xml", b"<meta", b"<object", b"<embed")
# The parts every package of its kind has ([Content_Types].xml for Office Open XML;
# a first ``mimetype`` member for OpenDocument).
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
OPENDOCUMENT = {"odt": "application/vnd.oasis.opendocument.text",
                "ods": "application/vnd.oasis.opendocument.spreadsheet",
                "odp": "application/vnd.oasis.opendocument.presentation"}
# What the magic numbers must say for each extension (filetype's names).
MAGIC = {
    "pdf": {"pdf"}, "jpg": {"jpg"}, "jpeg": {"jpg"}, "png": {"png"}, "webp": {"webp"},
    "mp3": {"mp3"},
}
ISO_MEDIA = {"m4a", "mp4", "mov", "m4v", "3gp"}


class Mismatch(enum.StrEnum):
    """Why a file is refused."""

    PROGRAM = "program"          # an executable, whatever its name
    WEB_PAGE = "web_page"        # HTML, SVG or other markup a browser would run
    OTHER_TYPE = "other_type"    # a known type, not the one its extension says
    UNREADABLE = "unreadable"    # does not read as its type at all


@dataclass(frozen=True)
class ContentProblem:
    mismatch: Mismatch
    found: str | None = None     # the type the content shows, as an extension ("exe", "zip")


def content_problem(path: Path, extension: str) -> ContentProblem | None:
    """None when the file at ``path`` is what ``extension`` says; otherwise why not."""
    import filetype

    extension = extension.lower().lstrip(".")
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    kind = filetype.guess(head)
    found = kind.extension if kind is not None else None
    if head[:2] == b"MZ" or found in PROGRAMS or head[:4] == b"\x7fELF":
        return ContentProblem(Mismatch.PROGRAM, found or "exe")
    if looks_like_markup(head):
        return ContentProblem(Mismatch.WEB_PAGE, "html")
    if _matches(path, head, extension, found):
        return None
    if extension == "txt" and found is None:
        return ContentProblem(Mismatch.UNREADABLE)
    return ContentProblem(Mismatch.OTHER_TYPE, found) if found else ContentProblem(Mismatch.UNREADABLE)


def _matches(path: Path, head: bytes, extension: str, found: str | None) -> bool:
    if extension in MAGIC:
        return found in MAGIC[extension]
    if extension in ISO_MEDIA:
        return head[4:8] == b"ftyp" or found in ISO_MEDIA
    if extension == "webm":
        return head[:4] == EBML
    if extension == "doc":
        return head[:8] == OLE2
    if extension == "rtf":
        return head.lstrip(b"\xef\xbb\xbf")[:5] == b"{\\rtf"
    if extension in OFFICE_PARTS:
        return _office_package(path, OFFICE_PARTS[extension])
    if extension in OPENDOCUMENT:
        return _opendocument(path, OPENDOCUMENT[extension])
    if extension == "txt":
        return found is None and is_text(path)
    return False


def looks_like_markup(head: bytes) -> bool:
    """Does the file start (after a byte order mark and blank space) as a web page would?"""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(encoding, "ignore").encode("utf-8")
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith(MARKUP):
        return True
    # A text file that holds a script or a frame anywhere near its start.
    return any(tag in start[:2048] for tag in (b"<script", b"<html", b"<iframe"))


def _office_package(path: Path, main_part: str) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and main_part in names


def _opendocument(path: Path, mimetype: str) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            first = package.infolist()[0] if package.infolist() else None
            return first is not None and first.filename == "mimetype" and \
                package.read(first).strip() == mimetype.encode()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False


def is_text(path: Path) -> bool:
    """UTF-8 (with or without BOM), UTF-16 with its BOM, or a Windows-1258 text:
    no control characters other than tab, line and page breaks."""
    with path.open("rb") as stream:
        raw = stream.read(TEXT_BYTES)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1258"]
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(raw, final=len(raw) < TEXT_BYTES)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
    return False
