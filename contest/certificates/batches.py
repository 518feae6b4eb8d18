"""Large print batches: a kind's certificates laid out chunk by chunk into one PDF file,
in a background job whose progress a page follows. Memory stays bounded whatever the
batch size: each chunk is rendered, written to disk and forgotten; the parts are joined
by qpdf (pikepdf), which copies their pages from the files. As the download of a small
batch, the job goes through the preflight first and prints nothing when a certificate
cannot print as it is."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.certificates.services import certificate_views, count_valid
from contest.extensions import db
from contest.jobs import create_job, jobs, report_progress, running
from contest.models import Certificate, CertificateStatus, DocumentKind, Job, JobStatus, User

JOB_KIND = "certificates.batch"


class BatchRefused(ValueError):
    """The preflight found certificates that cannot print; str() is "CODE: their numbers"
    (what the job keeps as its error, read back by ``refusal``)."""

    def __init__(self, code: str, numbers: list[str]):
        super().__init__(f"{code}: {', '.join(numbers)}")
        self.code, self.numbers = code, numbers


def refusal(job: Job) -> tuple[str, str] | None:
    """(document code, numbers) when the job printed nothing because of the preflight."""
    prefix = f"{BatchRefused.__name__}: "
    if job.status is not JobStatus.FAILED or not job.error.startswith(prefix):
        return None
    code, _, numbers = job.error[len(prefix):].partition(": ")
    return code, numbers


def batch_chunk() -> int:
    return current_app.config["CERTIFICATE_BATCH_CHUNK"]


def job_folder() -> Path:
    folder = Path(current_app.instance_path) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_batch_pdf(kind: DocumentKind, out: Path, progress: Callable[[int], None] | None = None,
                    chunk: int | None = None) -> int:
    """Every valid certificate of ``kind``, in number order, into the PDF file ``out``.

    Returns how many pages; ``progress(done)`` is called after each chunk.
    """
    from contest.certificates.preflight import preflight
    from contest.certificates.rendering import render_certificates

    chunk = chunk or batch_chunk()
    ids = list(db.session.scalars(
        select(Certificate.id).where(Certificate.document_kind_id == kind.id,
                                     Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.seq)
    ))
    if not ids:
        raise ValueError(f"no valid {kind.code} certificates to print")
    refused = [check.number for views in _views_by_chunk(ids, chunk)
               for check in preflight(views) if check.blocked]
    if refused:
        raise BatchRefused(kind.code, refused)
    parts_dir = out.parent / f".{out.name}.parts"
    shutil.rmtree(parts_dir, ignore_errors=True)
    parts_dir.mkdir(parents=True)
    try:
        parts = []
        for start, views in zip(range(0, len(ids), chunk), _views_by_chunk(ids, chunk)):
            part = parts_dir / f"{len(parts):05d}.pdf"
            part.write_bytes(render_certificates(views))
            parts.append(part)
            if progress is not None:
                progress(min(start + chunk, len(ids)))
        _join(parts, out)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return len(ids)


def _views_by_chunk(ids: list[int], chunk: int) -> Iterator[list]:
    """The certificates' plain data, ``chunk`` at a time; the rows are let go after each."""
    for start in range(0, len(ids), chunk):
        certs = db.session.scalars(
            select(Certificate).where(Certificate.id.in_(ids[start:start + chunk]))
            .options(selectinload(Certificate.document_kind).selectinload(DocumentKind.contest))
            .order_by(Certificate.seq)
        ).all()
        views = certificate_views(certs)
        for cert in certs:
            db.session.expunge(cert)
        yield views


def _join(parts: list[Path], out: Path) -> None:
    if len(parts) == 1:
        parts[0].replace(out)
        return
    import pikepdf

    sources = []
    try:
        with pikepdf.new() as joined:
            for part in parts:
                source = pikepdf.open(part)
                sources.append(source)
                joined.pages.extend(source.pages)
            title = sources[0].docinfo.get("/Title")
            if title is not None:
                joined.docinfo["/Title"] = str(title)
            joined.save(out)
    finally:
        for source in sources:
            source.close()


def start_batch(kind: DocumentKind, actor: User | None) -> Job:
    """A job that prints the kind's batch; it reaches the queue when the caller commits."""
    job = create_job(JOB_KIND, total=count_valid(kind), contest=kind.contest, actor=actor)
    jobs.enqueue_on_commit(print_batch, job.id, kind.id)
    return job


def batch_file(job: Job) -> Path | None:
    if job.status is not JobStatus.DONE or not job.result_name:
        return None
    path = job_folder() / job.result_name
    return path if path.is_file() else None


@jobs.task()
def print_batch(job_id: int, kind_id: int) -> None:
    with running(job_id) as job:
        kind = db.session.get(DocumentKind, kind_id)
        name = f"{job_id}-{kind.contest.slug}-{kind.code}.pdf"
        write_batch_pdf(kind, job_folder() / name, progress=lambda done: report_progress(job, done))
        job.result_name = name
