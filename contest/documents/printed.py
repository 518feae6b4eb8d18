"""An office document as PDF: the same content as the DOCX, laid out by WeasyPrint in the
certificates' Noto Serif (shipped in static/fonts, embedded in the file)."""
from __future__ import annotations

from flask import render_template

from contest import PROJECT_ROOT
from contest.domain.paperwork import Document

STATIC_DIR = PROJECT_ROOT / "static"


def document_pdf(document: Document) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from contest.certificates.rendering import StaticOnlyFetcher

    html = render_template("documents/document.html", doc=document)
    return HTML(string=html, base_url=f"{STATIC_DIR.as_uri()}/",
                url_fetcher=StaticOnlyFetcher(STATIC_DIR)).write_pdf(font_config=FontConfiguration())
