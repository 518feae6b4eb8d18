"""Render certificates to PDF from plain data: no Flask, no database.

A batch is one PDF: each kind's design is laid out once by WeasyPrint and
stamped under its pages, and the variable texts are set straight into each
page by contest.certificates.text_layer (contest.certificates.assembly puts
the pages together). WeasyPrint lays out the texts only for a font that
engine cannot set and for pre-printed stock, and the full single page is its
too (the reference the batch is compared with). WeasyPrint may read only
files under static/ and the contest's folder of uploaded design files; it is
imported by the functions that print, so a process that never prints does
not load it.
"""
from __future__ import annotations

from io import BytesIO
from collections.abc import Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

from contest.certificates.printed import CertificateView, DesignView
from contest.certificates.fitting import (
    ISSUER_SCALES,
    SCALES,
    FontFiles,
    body_height_mm,
    choose_scale,
    issuer_fit,
    shipped_font,
)
from contest.certificates.layouts import QR_MM, ZOOM, frame_svg, geometry
from contest.certificates.stock import stock_page
from contest.certificates.typesetting import UnsupportedFont
from contest.certificates.wording import (
    dateline,
    default_texts,
    lookup_address,
    placeholder_values,
    shared_values,
    text_runs,
)
from contest.domain.designs import BODY_LINES, fill_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "certificates"
STATIC_DIR = PROJECT_ROOT / "static"
QR_ERROR_LEVEL = "m"
# Any mask gives a valid code (the reader learns it from the format bits); letting
# segno score all eight for the best one took a third of a batch's time.
QR_MASK = 0
# Certificates laid out one under another on one page of the text layer.
STRIP_ROWS = 40


def _weasyprint():
    try:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # pragma: no cover - depends on the machine
        raise RuntimeError(
            "WeasyPrint needs the Pango library to print certificates: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (scripts/install does this)"
        ) from exc
    return HTML, FontConfiguration


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """Serves files under the given folders and inline data: URLs; refuses everything else."""

        def __init__(self, root: Path, *more_roots: Path):
            # fail_on_errors: a refused URL stops the rendering instead of leaving a hole.
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.roots = [r.resolve() for r in (root, *more_roots)]

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith("file:"):
                raise ValueError(f"refused: {url}")
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refused: {url} is outside {', '.join(map(str, self.roots))}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher


def __getattr__(name: str):
    # StaticOnlyFetcher subclasses WeasyPrint's fetcher: made on first use, not at import.
    if name == "StaticOnlyFetcher":
        return _fetcher_class()
    raise AttributeError(name)


def fetcher_for(views: Sequence[CertificateView], static_dir: Path):
    folders = {Path(v.design.files_dir) for v in views if v.design.files_dir}
    return _fetcher_class()(static_dir, *sorted(folders))


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR_LEVEL, mask=QR_MASK)


def qr_data_uri(url: str) -> str:
    """The verification QR code as a one-pixel-per-module PNG, scaled up crisply by CSS.

    A small raster image costs WeasyPrint far less per page than an SVG path.
    """
    return qr_code(url).png_data_uri(scale=1, border=0)


def body_texts(view: CertificateView) -> dict:
    """The body lines of one certificate as runs, and as the plain text the fitter measures."""
    design = dict(view.design.texts)
    defaults = default_texts(view.contest_name)
    values = placeholder_values(view)
    lines = {}
    for name in BODY_LINES:
        template = view.preamble if name == "preamble" else design.get(name, defaults[name])
        if name == "work" and not view.entry_title and view.reason:
            template = view.reason.replace("{", "(").replace("}", ")")  # a recognition list's reason line
        runs = text_runs(name, template, values)
        if runs:
            lines[name] = runs
    return lines


def measured(runs) -> str:
    """A line as the fitter measures it: no line break inside a co-author's name."""
    return "".join(
        ", ".join(n.replace(" ", "\u00a0") for n in run.names) if len(run.names) > 1 else run.text
        for run in runs
    )


def fit_body(view: CertificateView, fonts: FontFiles) -> dict:
    """The body's lines, the type scale they fit in and how far down they sit."""
    box = geometry(view.design.layout, view.design.orientation).body
    lines = body_texts(view)
    texts = {name: measured(runs) for name, runs in lines.items()}
    fit, fits = choose_scale(texts, fonts, box.width, box.height)
    # Short texts sit a little above the middle of the body box, not under the title.
    spare = max(0.0, box.height - body_height_mm(texts, SCALES[fit], fonts, box.width))
    return dict(lines=lines, texts=texts, fit=fit, fits=fits, offset_mm=round(spare * 0.3))


def file_url(path: str, shipped: str) -> str:
    return Path(path).resolve().as_uri() if path else shipped


def page_context(view: CertificateView, static_dir: Path, layer: str = "full") -> dict:
    """The printed texts of one certificate, the type scale they fit in and where the blocks go."""
    design = view.design
    fonts = design.font_paths(static_dir)
    shape = geometry(design.layout, design.orientation)
    shared = shared_values(view)
    issuer_lines = tuple(fill_text(line, shared) for line in view.issuer_lines)
    issuer_step, number_top = issuer_fit(issuer_lines, fonts, shape.issuer.top, shape.issuer.width,
                                         shape.number_max_top)
    return dict(
        asdict(view),
        **fit_body(view, fonts),
        title=fill_text(view.title, shared),
        issuer_lines=issuer_lines,
        signer_title_lines=tuple(fill_text(line, shared) for line in view.signer_title_lines),
        signer_name=fill_text(view.signer_name, shared),
        issuer_fit=issuer_step,
        # In tenths of a millimetre: a class name per position, shared by a kind's pages.
        number_top=round(number_top * 10),
        dateline=dateline(view.place, view.day, view.month, view.year),
        # In the text layer of a batch the QR code is drawn by the assembly, not by WeasyPrint.
        qr=qr_data_uri(view.verify_url) if layer == "full" else "",
        lookup=lookup_address(view.verify_url),
    )


_environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def font_faces(design: DesignView, static_dir: Path) -> list[dict]:
    faces = design.font_paths(static_dir)
    family = "Uploaded Font" if design.font == "uploaded" and design.font_files else design.font
    if family == "uploaded":
        family = "Noto Serif"
    return [dict(url=path.resolve().as_uri(), bold=bold, italic=italic, family=family)
            for path, (bold, italic) in zip(faces, ((0, 0), (1, 0), (0, 1), (1, 1)))]


def strip_rows(count: int, rows: int = STRIP_ROWS) -> list[int]:
    """How many certificates each strip of the text layer holds: as even as can be, so
    that no strip of a batch of two or more holds a single one."""
    strips = max(1, -(-count // rows))
    return [count // strips + (1 if i < count % strips else 0) for i in range(strips)]


def certificates_html(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR,
                      layer: str = "full") -> str:
    """The certificate document; ``layer`` is "full", "design" or "text" (see document.html).

    All ``views`` share one design (a batch is one kind); stock prints have their own page.
    The text layer is laid out in strips (``strip_rows``), one page each.
    """
    design = views[0].design
    if design.mode == "stock":
        return stock_page(_environment, views, static_dir, font_faces(design, static_dir))
    pages = [page_context(v, static_dir, layer) for v in views]
    rows = strip_rows(len(views)) if layer == "text" else [1] * len(views)
    starts, first = set(), 0
    for count in rows:
        starts.add(first)
        first += count
    shape = geometry(design.layout, design.orientation)
    return _environment.get_template("document.html").render(
        certificates=pages, scales=SCALES, issuer_scales=ISSUER_SCALES, layer=layer,
        strip_starts=starts, page_rows=max(rows), qr_mm=QR_MM,
        max_offset_mm=max(p["offset_mm"] for p in pages),
        number_tops=sorted({p["number_top"] for p in pages}),
        g=shape, fonts=font_faces(design, static_dir),
        frame=frame_svg(*shape.page),
        emblem=file_url(design.emblem, "certificates/emblem.svg"),
        signature=file_url(design.signature, ""), seal=file_url(design.seal, ""),
    )


def render_document(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR,
                    layer: str = "full") -> bytes:
    """``views`` as one WeasyPrint document: one page each, in order (the text layer: one
    strip of certificates a page)."""
    HTML, FontConfiguration = _weasyprint()
    html = HTML(
        string=certificates_html(views, static_dir, layer),
        base_url=static_dir.resolve().as_uri() + "/",
        url_fetcher=fetcher_for(views, static_dir),
    )
    design = views[0].design
    # A3 is A4's layout at √2; stock positions are real millimetres on the sheet.
    zoom = 1.0 if design.mode == "stock" else ZOOM[design.paper]
    return html.write_pdf(font_config=FontConfiguration(), zoom=zoom)


def render_text_layer(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR) -> bytes:
    return render_document(views, static_dir, "text")


def design_of(view: CertificateView) -> tuple:
    """What the design layer prints: certificates equal in this share one design page."""
    return (view.title, view.issuer_lines, view.place, view.day, view.month, view.year,
            view.signer_title_lines, view.signer_name, lookup_address(view.verify_url), view.contest_name,
            view.design)


TEXT_ENGINES = ("auto", "weasyprint")


def render_certificates(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR,
                        text_engine: str = "auto") -> bytes:
    """All ``views`` in one PDF, one page each, in the given order.

    Each distinct design is laid out once by WeasyPrint and stamped under its
    pages; the variable texts are set by contest.certificates.text_layer, or,
    for a font it cannot set (or ``text_engine="weasyprint"``), laid out by
    WeasyPrint in strips. A pre-printed stock print is WeasyPrint's alone.
    See docs/benchmarks.md.
    """
    if not views:
        raise ValueError("no certificates to render")
    if len({v.design for v in views}) > 1:
        raise ValueError("a batch is printed with one design")
    if text_engine not in TEXT_ENGINES:
        raise ValueError(f"unknown text engine {text_engine!r}")
    design_index: dict[tuple, int] = {}
    first_of_design: list[CertificateView] = []
    for view in views:
        if design_of(view) not in design_index:
            design_index[design_of(view)] = len(first_of_design)
            first_of_design.append(view)
    page_designs = [design_index[design_of(v)] for v in views]
    if views[0].design.mode == "stock":  # the texts alone, nothing under them
        return render_text_layer(views, static_dir)
    if text_engine == "auto" and _typeset(views[0].design, static_dir):
        try:
            return typeset_certificates(views, first_of_design, page_designs, static_dir)
        except UnsupportedFont:
            pass  # a font the text engine cannot set after all: WeasyPrint lays the texts out
    from contest.certificates.assembly import QrPlace, assemble_strips, qr_image

    design = views[0].design
    shape, zoom = geometry(design.layout, design.orientation), ZOOM[design.paper]
    qr = shape.qr_image
    return assemble_strips(
        [render_document([view], static_dir, "design") for view in first_of_design],
        [render_text_layer(views, static_dir)], [strip_rows(len(views))], page_designs,
        [qr_image(qr_code(v.verify_url).matrix) for v in views],
        QrPlace(qr.left * zoom, qr.top * zoom, qr.width * zoom),
    )


def _typeset(design: DesignView, static_dir: Path) -> bool:
    from contest.certificates.text_layer import supports

    return supports(design.font_paths(static_dir))


def typeset_certificates(views: Sequence[CertificateView], first_of_design: Sequence[CertificateView],
                         page_designs: Sequence[int], static_dir: Path = STATIC_DIR) -> bytes:
    """The batch with its variable texts set by contest.certificates.text_layer, in this process:
    WeasyPrint lays out only each design once."""
    from contest.certificates.assembly import QrPlace, assemble_pages, qr_image
    from contest.certificates.text_layer import page_text
    from contest.certificates.typesetting import PT_PER_MM, FontSet

    design = views[0].design
    shape, zoom = geometry(design.layout, design.orientation), ZOOM[design.paper]
    fonts = design.font_paths(static_dir)
    designs = [render_document([view], static_dir, "design") for view in first_of_design]
    used = FontSet(font_faces(design, static_dir)[0]["family"])
    height_pt = shape.page[1] * zoom * PT_PER_MM
    contents = [page_text(used, page_context(view, static_dir, "text"), shape, fonts, zoom, height_pt)
                for view in views]
    codes = [qr_image(qr_code(view.verify_url).matrix) for view in views]
    qr = shape.qr_image
    return assemble_pages(designs, contents, used, page_designs, codes,
                          QrPlace(qr.left * zoom, qr.top * zoom, qr.width * zoom),
                          title=fill_text(views[0].title, shared_values(views[0])))


def render_preview(view: CertificateView, static_dir: Path = STATIC_DIR, dpi: int = 72) -> bytes:
    """One certificate as a PNG, drawn as it prints (a stock print on a transparent sheet, to lie
    over the form's scan)."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(render_certificates([view], static_dir))
    try:
        page = document[0]
        stock = view.design.mode == "stock"
        bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 0 if stock else 255))
        image: Image.Image = bitmap.to_pil()
        page.close()
    finally:
        document.close()
    out = BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def render_calibration(design: DesignView, printer_name: str = "", static_dir: Path = STATIC_DIR) -> bytes:
    """The calibration sheet: a millimetre grid and crosshairs at known places, with the offset applied."""
    from contest.certificates.stock import calibration_html

    HTML, FontConfiguration = _weasyprint()
    html = HTML(string=calibration_html(_environment, design, static_dir, printer_name),
                base_url=static_dir.resolve().as_uri() + "/",
                url_fetcher=_fetcher_class()(static_dir))
    return html.write_pdf(font_config=FontConfiguration())
