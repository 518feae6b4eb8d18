"""Render certificates to PDF from plain data: no Flask, no database.

A batch is one WeasyPrint document of texts (fonts are subset once; a large
batch is one document per core, joined) with each kind's design laid out once
and stamped under its pages. WeasyPrint may read only files under static/.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
try:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher
except OSError as exc:  # pragma: no cover - depends on the machine
    raise RuntimeError(
        "WeasyPrint needs the Pango library to print certificates: "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (scripts/install does this)"
    ) from exc

from contest.certificates.assembly import assemble
from contest.certificates.fitting import (
    BODY_HEIGHT_MM,
    ISSUER_SCALES,
    SCALES,
    body_height_mm,
    choose_scale,
    issuer_fit,
)
from contest.certificates.wording import (
    WORK_LABEL,
    contest_line,
    dateline,
    lookup_address,
    no_orphan,
    quoted,
    recipient_names,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "certificates"
STATIC_DIR = PROJECT_ROOT / "static"
QR_ERROR_LEVEL = "m"
# Below this many pages per worker, starting a worker costs more than it saves.
PAGES_PER_WORKER = 40


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
    # A recognition list's reason line, printed in place of an entry's title.
    reason: str = ""


class StaticOnlyFetcher(URLFetcher):
    """Serves files under one folder and inline data: URLs; refuses everything else."""

    def __init__(self, root: Path):
        # fail_on_errors: a refused URL stops the rendering instead of leaving a hole.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise ValueError(f"refused: {url}")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"refused: {url} is outside {self.root}")
        return super().fetch(url, headers)


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR_LEVEL)


def qr_data_uri(url: str) -> str:
    """The verification QR code as a one-pixel-per-module PNG, scaled up crisply by CSS.

    A small raster image costs WeasyPrint far less per page than an SVG path.
    """
    return qr_code(url).png_data_uri(scale=1, border=0)


def page_context(view: CertificateView, fonts_dir: Path) -> dict:
    """The printed texts of one certificate and the type scale they fit in."""
    names = recipient_names(view.recipient)
    texts = {
        "preamble": view.preamble,
        # Measured as the template sets it: no line break inside a person's name.
        "recipient": (", ".join(name.replace(" ", "\u00a0") for name in names)
                      if len(names) > 1 else view.recipient),
        "unit": no_orphan(f"Đơn vị: {view.unit}") if view.unit else "",
        "work": (f"{WORK_LABEL} {no_orphan(quoted(view.entry_title))}" if view.entry_title
                 else no_orphan(view.reason)),
        "prize": f"Đạt {view.prize}".upper() if view.prize else "",
        "contest": contest_line(view.contest_name),
    }
    fit = choose_scale(texts, fonts_dir)
    issuer_step, number_top = issuer_fit(view.issuer_lines, fonts_dir)
    # Short texts sit a little above the middle of the body box, not under the title.
    spare = max(0.0, BODY_HEIGHT_MM - body_height_mm(texts, SCALES[fit], fonts_dir))
    return dict(
        asdict(view),
        texts=texts,
        recipient_names=names,
        work_label=WORK_LABEL,
        entry_quoted=no_orphan(quoted(view.entry_title)),
        fit=fit,
        offset_mm=round(spare * 0.3),
        issuer_fit=issuer_step,
        # In tenths of a millimetre: a class name per position, shared by a kind's pages.
        number_top=round(number_top * 10),
        dateline=dateline(view.place, view.day, view.month, view.year),
        qr=qr_data_uri(view.verify_url),
        lookup=lookup_address(view.verify_url),
    )


_environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def certificates_html(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR,
                      layer: str = "full") -> str:
    """The certificate document; ``layer`` is "full", "design" or "text" (see document.html)."""
    fonts_dir = static_dir / "fonts"
    pages = [page_context(v, fonts_dir) for v in views]
    return _environment.get_template("document.html").render(
        certificates=pages, scales=SCALES, issuer_scales=ISSUER_SCALES, layer=layer,
        max_offset_mm=max(p["offset_mm"] for p in pages),
        number_tops=sorted({p["number_top"] for p in pages}),
    )


def render_document(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR,
                    layer: str = "full") -> bytes:
    """``views`` as one WeasyPrint document: one A4 landscape page each, in order."""
    html = HTML(
        string=certificates_html(views, static_dir, layer),
        base_url=static_dir.resolve().as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(static_dir),
    )
    return html.write_pdf(font_config=FontConfiguration())


def render_text_layer(views: Sequence[CertificateView], static_dir: Path = STATIC_DIR) -> bytes:
    return render_document(views, static_dir, "text")


def design_of(view: CertificateView) -> tuple:
    """What the design layer prints: certificates equal in this share one design page."""
    return (view.title, view.issuer_lines, view.place, view.day, view.month, view.year,
            view.signer_title_lines, view.signer_name, lookup_address(view.verify_url))


def worker_count(pages: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, pages // PAGES_PER_WORKER))


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean server process that has imported only this module.

    Forking the web process itself would copy its threads and database connections.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def render_certificates(
    views: Sequence[CertificateView], static_dir: Path = STATIC_DIR, workers: int | None = None
) -> bytes:
    """All ``views`` in one PDF, one A4 landscape page each, in the given order.

    Each distinct design is laid out once and stamped under its pages; the
    texts of a large batch are laid out in parallel processes (WeasyPrint uses
    one core) and joined. See docs/benchmarks.md.
    """
    if not views:
        raise ValueError("no certificates to render")
    design_index: dict[tuple, int] = {}
    first_of_design: list[CertificateView] = []
    for view in views:
        if design_of(view) not in design_index:
            design_index[design_of(view)] = len(first_of_design)
            first_of_design.append(view)
    designs = [render_document([view], static_dir, "design") for view in first_of_design]

    processes = worker_count(len(views)) if workers is None else min(workers, len(views))
    size = -(-len(views) // max(processes, 1))
    chunks = [list(views[i:i + size]) for i in range(0, len(views), size)]
    if len(chunks) == 1:
        text_parts = [render_text_layer(views, static_dir)]
    else:
        # This process lays out the first part while workers start and lay out the others.
        with ProcessPoolExecutor(max_workers=len(chunks) - 1, mp_context=_worker_context()) as pool:
            others = [pool.submit(render_text_layer, chunk, static_dir) for chunk in chunks[1:]]
            text_parts = [render_text_layer(chunks[0], static_dir)] + [f.result() for f in others]
    return assemble(designs, text_parts, [design_index[design_of(v)] for v in views])
