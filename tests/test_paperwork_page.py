"""The office documents' settings on the organizer's settings page."""
from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, Contest
from tests.test_admin import as_organizer, organizer, read_form  # noqa: F401  (fixtures)
from tests.test_documents import docx_text

PAGE = "/c/{slug}/organize/settings"
SAVE = "/c/{slug}/organize/settings/paperwork"
TYPED = {
    "paperwork-issuer": "Ban Tổ chức cuộc thi\r\n“Dân vận khéo” năm 2022",
    "paperwork-place": "Hải Phòng",
    "paperwork-date": "2022-12-15",
    "paperwork-signer_title": "TM. Ban Tổ chức\r\nTrưởng ban",
    "paperwork-signer_name": "Lê Trí Vũ",
    "paperwork-minutes_number": "01/BB-BGK",
    "paperwork-decision_number": "125/QĐ-BTC",
    "paperwork-decision_date": "2022-12-16",
    "paperwork-meeting_place": "Hội trường Ban Dân vận",
    "paperwork-meeting_start": "2022-12-15T08:30",
    "paperwork-meeting_end": "2022-12-15T11:00",
    "paperwork-jury": "Trần Văn Hùng; Trưởng ban Giám khảo\r\n\r\nVũ Đức Minh\r\n",
    "paperwork-judges_named": "y",
}
STORED = {
    "issuer": "Ban Tổ chức cuộc thi\n“Dân vận khéo” năm 2022", "place": "Hải Phòng",
    "date": "2022-12-15", "signer_title": "TM. Ban Tổ chức\nTrưởng ban", "signer_name": "Lê Trí Vũ",
    "minutes_number": "01/BB-BGK", "decision_number": "125/QĐ-BTC", "decision_date": "2022-12-16",
    "meeting_place": "Hội trường Ban Dân vận", "meeting_start": "2022-12-15T08:30",
    "meeting_end": "2022-12-15T11:00", "judges_named": True,
    "jury": [{"name": "Trần Văn Hùng", "role": "Trưởng ban Giám khảo"}, {"name": "Vũ Đức Minh", "role": ""}],
}


def paperwork_of(slug: str) -> dict | None:
    db.session.expire_all()
    return db.session.scalar(select(Contest).where(Contest.slug == slug)).paperwork


def shown_fields(client, slug: str) -> dict[str, str]:
    return read_form(client.get(PAGE.format(slug=slug)).get_data(as_text=True), "paperwork").fields


def save(client, slug: str, fields: dict[str, str]):
    return client.post(SAVE.format(slug=slug), data=fields)


def test_every_paperwork_setting_is_saved_shown_again_and_audited(client, as_organizer, make_contest):
    make_contest()
    fields = shown_fields(client, "thi-thu")
    assert fields["paperwork-issuer"] == "" and "paperwork-judges_named" not in fields
    response = save(client, "thi-thu", {**fields, **TYPED})
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings#paperwork")
    assert paperwork_of("thi-thu") == STORED
    shown = shown_fields(client, "thi-thu")
    assert shown["paperwork-jury"] == "Trần Văn Hùng; Trưởng ban Giám khảo\nVũ Đức Minh"
    assert shown["paperwork-meeting_start"] == "2022-12-15T08:30"
    assert shown["paperwork-judges_named"] == "y"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "contest.paperwork"))
    # Saved again as shown, nothing changes.
    assert save(client, "thi-thu", shown).status_code == 302
    assert paperwork_of("thi-thu") == STORED


def test_empty_fields_leave_the_defaults_to_the_documents(client, as_organizer, make_contest):
    make_contest()
    assert save(client, "thi-thu", {**shown_fields(client, "thi-thu"), **TYPED}).status_code == 302
    fields = {**shown_fields(client, "thi-thu"), **{name: "" for name in TYPED}}
    del fields["paperwork-judges_named"]   # an unticked box is not sent
    assert save(client, "thi-thu", fields).status_code == 302
    assert paperwork_of("thi-thu") == {"judges_named": False, "jury": []}


def test_a_finalized_contest_still_takes_its_paperwork(client, login, finalized_demo):
    from contest.auth.services import user_by_email

    login(user_by_email("bantochuc@dvk2022.vn"), "bantochuc2022")
    fields = shown_fields(client, "dvk-2022")
    assert fields["paperwork-minutes_number"] == "01/BB-BGK"   # from docs/contest-example.toml
    response = save(client, "dvk-2022", {**fields, "paperwork-minutes_number": "02/BB-BGK"})
    assert response.status_code == 302
    assert paperwork_of("dvk-2022")["minutes_number"] == "02/BB-BGK"
    # The next download follows it.
    from docx import Document

    minutes = client.get("/c/dvk-2022/organize/documents/minutes.docx")
    assert minutes.status_code == 200
    text = docx_text(Document(BytesIO(minutes.data)))
    assert "02/BB-BGK" in text and "01/BB-BGK" not in text


def test_wrong_paperwork_is_named_beside_its_field_and_nothing_changes(client, as_organizer, make_contest):
    make_contest()
    fields = {**shown_fields(client, "thi-thu"), **TYPED}
    assert save(client, "thi-thu", fields).status_code == 302
    for wrong, message in (
            ({"paperwork-meeting_end": "2022-12-15T08:00"}, "must be after"),
            ({"paperwork-jury": "Trần Văn Hùng\n; Thư ký"}, "Line 2: the name is missing."),
            ({"paperwork-minutes_number": "x" * 101}, "Field cannot be longer than 100 characters."),
            ({"paperwork-decision_date": "16/12/2022"}, "Not a valid date value."),
    ):
        response = save(client, "thi-thu", {**fields, **wrong})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, wrong
        assert "Nothing was saved." in page
        assert paperwork_of("thi-thu") == STORED


def test_the_paperwork_form_needs_its_csrf_token(client, as_organizer, make_contest):
    make_contest()
    fields = {**shown_fields(client, "thi-thu"), **TYPED}
    fields.pop("paperwork-csrf_token")
    assert save(client, "thi-thu", fields).status_code in (200, 400)
    assert paperwork_of("thi-thu") == {}
