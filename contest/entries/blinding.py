"""Blind copies of entry files: the same content without the metadata that can name
the author. One function per family of formats, each from a source path to a
target path; ``blind_copy`` picks the family by extension.

What goes: PDF Info dictionary, XMP packets and annotation authors; Office and
OpenDocument core, app and custom properties, comment and tracked-change
authors; image EXIF, IPTC, XMP and text chunks (the picture is re-encoded, its
orientation applied); audio and video tags. The content itself is kept: names
inside the text are what the identity check (entries/identity.py) looks for.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path


class CannotClean(Exception):
    """This file cannot be made blind here: the organizers must review it."""


PDF = ("pdf",)
OFFICE = ("docx", "xlsx", "pptx", "odt", "ods", "odp")
IMAGES = ("jpg", "jpeg", "png", "webp")
MEDIA = ("mp3", "m4a", "mp4", "mov")
PLAIN = ("txt",)


def blind_copy(source: Path, target: Path, extension: str) -> None:
    """Write the blind copy of ``source`` to ``target``; CannotClean when the type is
    not one we can clean or the file does not read as its type."""
    extension = extension.lower().lstrip(".")
    if extension in PDF:
        cleaner = clean_pdf
    elif extension in OFFICE:
        cleaner = clean_office
    elif extension in IMAGES:
        cleaner = clean_image
    elif extension in MEDIA:
        cleaner = clean_media
    elif extension in PLAIN:
        cleaner = shutil.copyfile  # plain text has no metadata
    else:
        raise CannotClean(f"no cleaner for .{extension} files")
    try:
        cleaner(source, target)
    except CannotClean:
        target.unlink(missing_ok=True)
        raise
    except Exception as exc:  # a broken or mislabelled file: a person must look at it
        target.unlink(missing_ok=True)
        raise CannotClean(f"{type(exc).__name__}: {exc}") from exc


def clean_pdf(source: Path, target: Path) -> None:
    """Drop the Info dictionary, every XMP stream, and the authors of annotations."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in ("/Metadata", "/PieceInfo"):
                    if key in obj:
                        del obj[key]
                if obj.get("/Type") == "/Annot" or "/Subtype" in obj and "/Rect" in obj:
                    for key in ("/T", "/RC"):
                        if key in obj:
                            del obj[key]
        pdf.save(target, fix_metadata_version=False)


_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')
_CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>')
_ODF_META = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'office:version="1.2"><office:meta/></office:document-meta>')
_REPLACED = {"docProps/core.xml": _CORE, "docProps/app.xml": _APP, "docProps/custom.xml": _CUSTOM,
             "meta.xml": _ODF_META}
# Parts that exist only to name people (people who commented, persons of threaded comments).
_PEOPLE_PARTS = re.compile(r"^(word/people\.xml|ppt/commentAuthors\.xml|ppt/authors\.xml"
                           r"|xl/persons/person\d*\.xml)$")
# Attributes that name a person, anywhere: w:author (comments, tracked changes), initials, ids.
_PERSON_ATTRIBUTES = re.compile(r'(\s(?:[\w.-]+:)?(?:author|initials|userId|providerId|displayName|name|'
                                r'creator|sender-initials))="[^"]*"')
_ANY_PERSON_ATTRIBUTE = re.compile(r'(\s(?:[\w.-]+:)?(?:author|initials|userId|providerId|creator))="[^"]*"')
# Elements that name a person: spreadsheet comment authors, ODF annotation and change creators.
_PERSON_ELEMENTS = re.compile(r"<((?:[\w.-]+:)?(?:author|creator|initial-creator|printed-by|"
                              r"creator-initials|sender-initials))(\s[^>]*)?>[^<]*</\1>")


def _scrub_xml(name: str, text: str) -> str:
    if name in _REPLACED:
        return _REPLACED[name]
    attributes = _PERSON_ATTRIBUTES if _PEOPLE_PARTS.match(name) else _ANY_PERSON_ATTRIBUTE
    text = attributes.sub(r'\1=""', text)
    return _PERSON_ELEMENTS.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}></{m.group(1)}>", text)


def clean_office(source: Path, target: Path) -> None:
    """Rewrite the package: properties emptied, people's names blanked in every XML part."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        names = package.namelist()
        if "[Content_Types].xml" not in names and "mimetype" not in names:
            raise CannotClean("not an Office or OpenDocument package")
        for info in package.infolist():
            data = package.read(info)
            if info.filename.endswith((".xml", ".rels")):
                try:
                    data = _scrub_xml(info.filename, data.decode("utf-8")).encode("utf-8")
                except UnicodeDecodeError:
                    raise CannotClean(f"{info.filename} is not UTF-8 XML") from None
            # A fresh entry: the same name and compression, no timestamps or comments.
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            out.writestr(entry, data)


def clean_image(source: Path, target: Path) -> None:
    """Re-encode the picture alone: orientation applied, only the colour profile kept."""
    from PIL import Image, ImageOps

    with Image.open(source) as image:
        image.load()
        kind = image.format
        if kind not in ("JPEG", "PNG", "WEBP"):
            raise CannotClean(f"{kind} images are not cleaned here")
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
    if upright.mode == "P":
        upright = upright.convert("RGBA")
    if kind == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    options = {"icc_profile": icc} if icc else {}
    if kind == "JPEG":
        options.update(quality=95)
    elif kind == "WEBP":
        options.update(quality=95)
    pixels.save(target, format=kind, **options)


def clean_media(source: Path, target: Path) -> None:
    """Audio and video with every tag removed (ID3 v1/v2 and APE for MP3, MP4 atoms)."""
    import mutagen
    from mutagen.apev2 import delete as delete_ape
    from mutagen.id3 import delete as delete_id3

    shutil.copyfile(source, target)
    media = mutagen.File(target)
    if media is None:
        raise CannotClean("not an audio or video file mutagen reads")
    if target.suffix.lower() == ".mp3":
        # APEv2 first: it may sit before an ID3v1 tag at the end, hiding it.
        delete_ape(target)
        delete_id3(target, delete_v1=True, delete_v2=True)
    else:
        media.delete()
    again = mutagen.File(target)
    if again is None or (again.tags is not None and len(again.tags)):
        raise CannotClean("tags are still there after cleaning")
