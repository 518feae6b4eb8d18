"""Organizers create a contest in the browser: from scratch, or as next year's edition of another."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import AuditEvent, Contest, Entry, Role, Score
from tests.conftest import post_form
from tests.test_admin import read_form

URL = "/organize/new"


@pytest.fixture
def organizer(client, login, make_user):
    user = make_user(Role.ORGANIZER)
    login(user)
    return user


def form_fields(client, url: str = URL, **typed: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    fields = read_form(page.get_data(as_text=True)).fields
    fields.pop("csrf_token")
    fields.update(typed)
    return fields


SCRATCH = {
    "name": "Cuộc thi ảnh “Nông thôn mới” 2023", "organizer": "Hội Nông dân thành phố Hải Phòng",
    "place": "Hải Phòng", "slug": "anh-ntm-2023", "code_prefix": "ANH",
    "opens_at": "2023-03-01T08:00", "closes_at": "2023-09-30T17:00",
    "categories-0-code": "ANH", "categories-0-name": "Ảnh đơn",
    "criteria-0-code": "ND", "criteria-0-name": "Nội dung", "criteria-0-max_points": "60",
    "criteria-0-step": "0.25", "criteria-0-weight": "",
    "tiers-0-order": "1", "tiers-0-code": "A", "tiers-0-name": "Giải A", "tiers-0-quota": "2",
    "documents-0-code": "GCN", "documents-0-title": "Giấy chứng nhận", "documents-0-tiers": "A",
    "documents-0-issuer": "Ban Tổ chức cuộc thi", "documents-0-preamble": "Ban Tổ chức chứng nhận",
    "documents-0-signer_title": "TM. Ban Tổ chức\nTrưởng ban", "documents-0-signer_name": "Lê Văn Thành",
    "documents-0-number_format": "{seq:02d}/GCN-NTM",
}


def contest(slug: str) -> Contest | None:
    db.session.expire_all()
    return db.session.scalar(select(Contest).where(Contest.slug == slug))


def test_a_contest_is_created_from_scratch(client, organizer):
    response = post_form(client, URL, form_fields(client, **SCRATCH))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/anh-ntm-2023/organize/")
    made = contest("anh-ntm-2023")
    assert (made.name, made.organizer, made.code_prefix) == (SCRATCH["name"], SCRATCH["organizer"], "ANH")
    assert made.opens_at == datetime(2023, 3, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert [(c.code, c.name) for c in made.categories] == [("ANH", "Ảnh đơn")]
    assert [(c.code, c.max_points, c.step) for c in made.criteria] == [("ND", 60, Decimal("0.25"))]
    assert [(t.code, t.quota) for t in made.tiers] == [("A", 2)]
    document = made.documents[0]
    assert (document.title, document.signer_title, [t.code for t in document.tiers]) == \
        ("Giấy chứng nhận", "TM. Ban Tổ chức\nTrưởng ban", ["A"])
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target == "anh-ntm-2023")) == \
        "contest.created"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The contest Cuộc thi ảnh “Nông thôn mới” 2023 is created." in page


@pytest.mark.parametrize(("typed", "message"), [
    ({"slug": "thi-thu"}, "a contest with this address already exists"),
    ({"slug": "anh ntm"}, "may hold only ASCII letters, digits and &#39;-&#39;"),
    ({"criteria-0-max_points": "0"}, "must be above 0"),
    ({"tiers-0-quota": "100000000000000000000"}, "is too large"),
    ({"criteria-0-max_points": "1" + "0" * 30}, "is too large"),
    ({"closes_at": "2023-01-01T08:00"}, "The deadline must be after the opening time."),
    ({"categories-0-code": "", "categories-0-name": ""}, "at least one"),
    ({"documents-0-tiers": "A, Z"}, "unknown tier &#39;Z&#39;"),
])
def test_a_wrong_field_is_named_and_nothing_is_created(client, organizer, make_contest, typed, message):
    make_contest()
    response = post_form(client, URL, form_fields(client, **{**SCRATCH, **typed}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was saved." in page
    assert message in page
    assert 'value="Cuộc thi ảnh “Nông thôn mới” 2023"' in page      # nothing typed is lost
    assert db.session.scalar(select(func.count(Contest.id))) == 1


def test_next_years_edition_copies_the_settings_not_the_entries(client, organizer, demo_contest):
    source = demo_contest
    fields = form_fields(client, f"{URL}?copy={source.slug}")
    assert fields["slug"] == "dvk-2023"
    assert fields["name"] == source.name.replace("2022", "2023")
    assert fields["opens_at"].startswith("2023-")
    response = post_form(client, URL, fields)
    assert response.status_code == 302, read_form(response.get_data(as_text=True)).fields
    copy, source = contest("dvk-2023"), contest(source.slug)
    assert copy.opens_at == source.opens_at.replace(year=2023)
    assert copy.closes_at == source.closes_at.replace(year=2023)
    for attribute in ("organizer", "place", "timezone", "code_prefix", "conflict_same_organization",
                      "conflict_same_district"):
        assert getattr(copy, attribute) == getattr(source, attribute), attribute
    assert [(c.code, c.name) for c in copy.categories] == [(c.code, c.name) for c in source.categories]
    assert [(c.code, c.name, c.max_points, c.weight, c.step) for c in copy.criteria] == \
        [(c.code, c.name, c.max_points, c.weight, c.step) for c in source.criteria]
    assert [(t.code, t.name, t.quota, t.min_score) for t in copy.tiers] == \
        [(t.code, t.name, t.quota, t.min_score) for t in source.tiers]
    kinds = ("code", "title", "issuer", "preamble", "signer_title", "signer_name", "number_format")
    assert [[getattr(d, k) for k in kinds] + [[t.code for t in d.tiers]] for d in copy.documents] == \
        [[getattr(d, k) for k in kinds] + [[t.code for t in d.tiers]] for d in source.documents]
    assert db.session.scalar(select(func.count(Entry.id)).where(Entry.contest_id == copy.id)) == 0
    assert db.session.scalar(select(func.count(Score.id))) > 0   # the source keeps its scores
    assert copy.phase.value == "open" and copy.entry_seq == 0


def test_next_years_edition_copies_the_paperwork_but_not_its_dates_and_numbers(client, organizer,
                                                                              demo_contest):
    source = demo_contest
    source.paperwork = {**source.paperwork, "issuer": "Ban Tổ chức cuộc thi\n“Dân vận khéo”",
                        "signer_name": "Lê Trí Vũ",
                        "jury": [{"name": "Trần Văn Hùng", "role": "Trưởng ban Giám khảo"}]}
    db.session.commit()
    assert source.paperwork["minutes_number"] == "01/BB-BGK"   # docs/contest-example.toml
    # The browser posts the form back to its own address, ?copy= included.
    url = f"{URL}?copy={source.slug}"
    response = post_form(client, url, form_fields(client, url))
    assert response.status_code == 302, read_form(response.get_data(as_text=True)).fields
    assert contest("dvk-2023").paperwork == {
        "issuer": "Ban Tổ chức cuộc thi\n“Dân vận khéo”", "signer_name": "Lê Trí Vũ",
        "meeting_place": "Hội trường Ban Dân vận Thành ủy Hải Phòng", "judges_named": False,
        "jury": [{"name": "Trần Văn Hùng", "role": "Trưởng ban Giám khảo"}]}
    assert contest(source.slug).paperwork["minutes_number"] == "01/BB-BGK"


def test_a_contest_not_made_as_an_edition_takes_no_paperwork(client, organizer, demo_contest):
    response = post_form(client, URL, form_fields(client, f"{URL}?copy={demo_contest.slug}"))
    assert response.status_code == 302
    assert contest("dvk-2023").paperwork == {}


def test_the_organizer_page_offers_both_ways(client, organizer, make_contest):
    make_contest()
    page = client.get("/organize/").get_data(as_text=True)
    assert 'href="/organize/new"' in page and 'href="/organize/new?copy=thi-thu"' in page
    assert 'id="copy-note"' in client.get(f"{URL}?copy=thi-thu").get_data(as_text=True)
    assert 'id="copy-note"' not in client.get(f"{URL}?copy=khong-co").get_data(as_text=True)
