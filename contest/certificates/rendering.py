"""Render certificates to PDF from plain data: no Flask, no database.

All certificates of a batch are laid out as one WeasyPrint document (fonts
are subset once), and WeasyPrint may read only files under static/.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "certificates"
STATIC_DIR = PROJECT_ROOT / "static"


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


class StaticOnlyFetcher(URLFetcher):
    """Serves files under one folder; refuses every other URL (network included)."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        if not url.startswith("file:"):
            raise ValueError(f"refused: {url}")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"refused: {url} is outside {self.root}")
        return super().fetch(url, headers)


def qr_svg(url: str) -> str:
    """The verification QR code as inline SVG (drawn with the text, no image fetch)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=0, omitsize=True)


_environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def certificates_html(views: Sequence[CertificateView]) -> str:
    pages = [dict(asdict(v), qr=qr_svg(v.verify_url)) for v in views]
    return _environment.get_template("document.html").render(certificates=pages)


def render_certificates(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR) -> bytes:
    """All ``views`` in one PDF, one A4 landscape page each, in the given order."""
    if not views:
        raise ValueError("no certificates to render")
    fonts = FontConfiguration()
    html = HTML(
        string=certificates_html(views),
        base_url=static_dir.resolve().as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(static_dir),
    )
    return html.write_pdf(font_config=fonts)
