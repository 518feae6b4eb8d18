"""The organizer's design files checked by their content: pictures (PNG, JPEG, SVG) and fonts (TTF, OTF).

Nothing is trusted from the file name or the browser's type. An SVG is
rewritten without scripts, event handlers, foreign content or references to
anything outside itself; a font is refused unless it has every Vietnamese letter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from flask_babel import lazy_gettext as _l

from contest.domain.designs import VIETNAMESE_LETTERS, missing_characters

IMAGE_LIMIT = 2 * 1024 * 1024
SCAN_LIMIT = 8 * 1024 * 1024
FONT_LIMIT = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run code, embed other documents or fetch on their own.
SVG_REFUSED_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video",
                    "animate", "animateMotion", "animateTransform", "set", "handler", "listener"}
_LOCAL_REF = re.compile(r"^\s*(#|data:image/(png|jpeg);base64,)", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)|@import[^;]*;?", re.I)


class UploadRefused(ValueError):
    """The file is not what this slot accepts; ``message`` says why in the reader's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    media_type: str
    extension: str


def check_image(content: bytes, limit: int = IMAGE_LIMIT) -> CheckedFile:
    """A PNG or JPEG that Pillow reads whole, or an SVG made safe; anything else is refused."""
    if len(content) > limit:
        raise UploadRefused(_l("The picture is larger than %(limit)d MB.", limit=limit // (1024 * 1024)))
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return CheckedFile(_checked_raster(content), "image/png", "png")
    if content.startswith(b"\xff\xd8\xff"):
        return CheckedFile(_checked_raster(content), "image/jpeg", "jpg")
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype", b"<!--")) and b"<svg" in content[:4096].lower():
        return CheckedFile(sanitize_svg(content), "image/svg+xml", "svg")
    raise UploadRefused(_l("This file is not a PNG, JPEG or SVG picture."))


def _checked_raster(content: bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(_l("The picture has too many pixels (at most 40 megapixels)."))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, UploadRefused):
            raise
        raise UploadRefused(_l("The picture is damaged or incomplete.")) from exc
    return content


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _outside_reference(element) -> bool:
    """An element that points at anything but itself or an inline picture (it goes, whole)."""
    return any(_local_name(name) == "href" and not _LOCAL_REF.match(value)
               for name, value in element.attrib.items())


def sanitize_svg(content: bytes) -> bytes:
    """The SVG without scripts, event handlers, foreign objects or outside references."""
    from xml.etree import ElementTree as ET  # nosec B405 # writing only: parsing is defusedxml's

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if b"<!doctype" in content.lower() or b"<!entity" in content.lower():
        raise UploadRefused(_l("SVG pictures with a DOCTYPE or entities are not accepted."))
    try:
        root = fromstring(content, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise UploadRefused(_l("This SVG picture cannot be read.")) from exc
    if _local_name(root.tag) != "svg":
        raise UploadRefused(_l("This file is not a PNG, JPEG or SVG picture."))
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    for parent in list(root.iter()):
        for child in list(parent):
            if (not isinstance(child.tag, str) or _local_name(child.tag) in SVG_REFUSED_TAGS
                    or _outside_reference(child)):
                parent.remove(child)
    for element in root.iter():
        for name in list(element.attrib):
            local, value = _local_name(name), element.attrib[name]
            if local.lower().startswith("on"):
                del element.attrib[name]
            elif local == "href" and not _LOCAL_REF.match(value):
                del element.attrib[name]
            elif local == "style" or "url(" in value.lower():
                element.attrib[name] = _CSS_URL.sub("none", value)
        if _local_name(element.tag) == "style" and element.text:
            element.text = _CSS_URL.sub("none", element.text)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class CheckedFont:
    content: bytes
    extension: str
    family: str


def check_font(content: bytes) -> CheckedFont:
    """A TrueType or OpenType font that may be embedded and has every Vietnamese letter."""
    from fontTools.ttLib import TTFont, TTLibError

    if len(content) > FONT_LIMIT:
        raise UploadRefused(_l("The font file is larger than %(limit)d MB.", limit=FONT_LIMIT // (1024 * 1024)))
    if content[:4] in (b"\x00\x01\x00\x00", b"true"):
        extension = "ttf"
    elif content[:4] == b"OTTO":
        extension = "otf"
    else:
        raise UploadRefused(_l("This file is not a TrueType (.ttf) or OpenType (.otf) font."))
    try:
        with TTFont(BytesIO(content), lazy=True) as font:
            cmap = font.getBestCmap() or {}
            family = font["name"].getBestFamilyName() or ""
            fs_type = font["OS/2"].fsType if "OS/2" in font else 0
            font["hmtx"]  # noqa: B018 - the fitter needs the advance widths
    except (TTLibError, KeyError, AssertionError, ValueError, struct_error()) as exc:
        raise UploadRefused(_l("This font file is damaged or incomplete.")) from exc
    if fs_type & 0x000F == 0x0002:
        raise UploadRefused(_l("This font's licence does not allow embedding it in a PDF."))
    missing = missing_characters(VIETNAMESE_LETTERS, set(cmap))
    if missing:
        raise UploadRefused(_l("This font lacks Vietnamese letters: %(letters)s. Choose a font that covers Vietnamese.",
                               letters=" ".join(missing)))
    return CheckedFont(content, extension, family)


def struct_error() -> type[Exception]:
    import struct

    return struct.error
