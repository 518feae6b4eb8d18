"""The organizer's design pages: a kind's design with its live preview, the printers, the calibration page."""
from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.auth.access import role_required
from contest.certificates.designs import (
    FONT_ROLES,
    IMAGE_ROLES,
    DesignError,
    check_design,
    design_view,
    files_dir,
    printer_of,
    save_design,
    save_printers,
)
from contest.certificates.design_forms import FILE_LABELS, DesignForm, PrintersForm
from contest.certificates.services import certificate_views, certificates_of, document_kind, preview_view
from contest.certificates.views import bp, pdf_response
from contest.extensions import db
from contest.models import Contest, DocumentKind, Role
from contest.public.views import contest_or_404


def kind_of(contest: Contest, code: str) -> DocumentKind:
    kind = document_kind(contest, code)
    if kind is None:
        abort(404)
    return kind


@bp.route("/c/<slug>/organize/certificates/<doc_code>/design", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def design(slug: str, doc_code: str):
    contest = contest_or_404(slug)
    kind = kind_of(contest, doc_code)
    form = DesignForm(data=None if request.method == "POST" else DesignForm.initial_data(kind))
    loose: list[str] = []
    if form.validate_on_submit():
        try:
            save_design(kind, form.values(), form.uploads(), form.removals(), actor=current_user)
        except DesignError as exc:
            db.session.rollback()
            loose = form.attach(exc.errors)
        else:
            db.session.commit()
            flash(_("The design of %(title)s is saved.", title=kind.title), "success")
            return redirect(url_for(".design", slug=slug, doc_code=doc_code))
    return render_template("certificates/design.html", contest=contest, kind=kind, form=form,
                           loose_errors=loose, file_labels=FILE_LABELS, image_roles=IMAGE_ROLES,
                           font_roles=FONT_ROLES)


@bp.get("/c/<slug>/organize/certificates/<doc_code>/design/preview.<fmt>")
@role_required(Role.ORGANIZER)
def design_preview(slug: str, doc_code: str, fmt: str):
    """One certificate drawn with the design as typed (unsaved), as PNG or PDF; without
    a query, as saved."""
    from contest.certificates.rendering import render_certificates, render_preview

    if fmt not in ("png", "pdf"):
        abort(404)
    contest = contest_or_404(slug)
    kind = kind_of(contest, doc_code)
    form = DesignForm(formdata=request.args or None, data=DesignForm.initial_data(kind), meta={"csrf": False})
    if not form.validate():
        messages = [str(e) for field in form for e in field.errors if isinstance(e, str)]
        return {"errors": messages or [_("Some fields are not filled in correctly.")]}, 422
    values = form.values()
    errors = check_design(values)
    if errors:
        return {"errors": [str(m) for m in errors.values()]}, 422
    printer = printer_of(contest, request.args.get("printer", type=int))
    view = preview_view(kind, design_view(kind, printer, changes=values), shared=values)
    started = time.perf_counter()
    body = render_preview(view) if fmt == "png" else render_certificates([view])
    took = (time.perf_counter() - started) * 1000
    response = send_file(BytesIO(body), mimetype="image/png" if fmt == "png" else "application/pdf",
                         download_name=f"{contest.slug}-{kind.code}-preview.{fmt}", max_age=0)
    response.headers["Server-Timing"] = f"render;dur={took:.0f}"
    return response


@bp.get("/c/<slug>/organize/certificates/<doc_code>/design/files/<role>")
@role_required(Role.ORGANIZER)
def design_file(slug: str, doc_code: str, role: str):
    contest = contest_or_404(slug)
    kind = kind_of(contest, doc_code)
    stored = kind.design.file(role) if kind.design is not None and role in IMAGE_ROLES else None
    if stored is None:
        abort(404)
    # The app's strict CSP covers an SVG opened on its own too: it runs no script.
    return send_file(Path(files_dir(contest)) / stored.stored_name, mimetype=stored.media_type, max_age=0)


@bp.get("/c/<slug>/organize/certificates/<doc_code>/calibration.pdf")
@role_required(Role.ORGANIZER)
def calibration_pdf(slug: str, doc_code: str):
    """The calibration sheet in the kind's paper size, shifted by the chosen printer's offset."""
    from contest.certificates.rendering import render_calibration

    contest = contest_or_404(slug)
    kind = kind_of(contest, doc_code)
    printer = printer_of(contest, request.args.get("printer", type=int))
    pdf = render_calibration(design_view(kind, printer), printer.name if printer else "")
    return pdf_response(pdf, f"{contest.slug}-{kind.code}-calibration.pdf")


@bp.route("/c/<slug>/organize/certificates/printers", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def printers(slug: str):
    contest = contest_or_404(slug)
    data = {"printers": [{"name": p.name, "offset_x": p.offset_x, "offset_y": p.offset_y}
                         for p in contest.printers] + [{}]}
    form = PrintersForm(data=None if request.method == "POST" else data)
    if form.validate_on_submit():
        save_printers(contest, form.rows(), actor=current_user)
        db.session.commit()
        flash(_("The printers are saved."), "success")
        return redirect(url_for(".printers", slug=slug))
    return render_template("certificates/printers.html", contest=contest, form=form)


@bp.get("/c/<slug>/organize/certificates/<doc_code>/preflight")
@role_required(Role.ORGANIZER)
def preflight_page(slug: str, doc_code: str):
    """Before printing: what each certificate's texts need to fit, and what cannot print."""
    from contest.certificates.preflight import preflight

    contest = contest_or_404(slug)
    kind = kind_of(contest, doc_code)
    printer = printer_of(contest, request.args.get("printer", type=int))
    issued = certificates_of(kind)
    checks = preflight(certificate_views(issued, printer)) if issued else []
    return render_template("certificates/preflight.html", contest=contest, kind=kind, checks=checks,
                           printer=printer, blocked=sum(c.blocked for c in checks))
