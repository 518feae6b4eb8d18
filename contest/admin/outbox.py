"""The organizers' outbox page: every mail the app sent or is trying to send, and a retry button."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from contest.admin.views import bp
from contest.auth.access import role_required
from contest.extensions import db
from contest.mail import outbox_query, retry_mail
from contest.models import MailStatus, OutgoingMail, Role

OUTBOX_PER_PAGE = 50
MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: _l("Waiting to be sent"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}


def page_number(raw: str | None) -> int:
    """A page number from the query string: 1 for anything that is not a sensible one."""
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


@bp.get("/organize/outbox")
@role_required(Role.ORGANIZER)
def outbox():
    wanted = request.args.get("status", "")
    status = MailStatus(wanted) if wanted in {s.value for s in MailStatus} else None
    page = db.paginate(outbox_query(status), page=page_number(request.args.get("page")),
                       per_page=OUTBOX_PER_PAGE, error_out=False)
    return render_template("admin/outbox.html", page=page, status=status,
                           labels=MAIL_STATUS_LABELS, MailStatus=MailStatus)


@bp.post("/organize/outbox/<int:mail_id>/retry")
@role_required(Role.ORGANIZER)
def retry_outgoing(mail_id: int):
    outgoing = db.session.get(OutgoingMail, mail_id) or abort(404)
    if retry_mail(outgoing):
        db.session.commit()
        flash(_("The mail to %(to)s is queued to be sent again.", to=outgoing.recipient), "success")
    else:
        flash(_("This mail was sent already."), "info")
    return redirect(url_for(".outbox", status=request.args.get("status") or None))
