"""Organizer pages: contests overview, dashboard, settings and the entries list."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.judging.services import save_sheet, start_judging
from contest.models import (
    Assignment,
    AuditEvent,
    AuthorKind,
    Contest,
    ContestPhase,
    Entry,
    EntryFile,
    EntryStatus,
    Role,
    User,
)
from tests.conftest import post_form

ORGANIZER_PAGES = [
    "/organize/",
    "/c/thi-thu/organize/",
    "/c/thi-thu/organize/settings",
    "/c/thi-thu/organize/entries",
    "/c/thi-thu/organize/entries/TT-0001",
]


class FormReader(HTMLParser):
    """The fields a browser would send for the form ``form_id`` of a page."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self.disabled = False
        self._in_form = self._done = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id and not self._done:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "fieldset" and "disabled" in attrs:
            self.disabled = True
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value") or "on"
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""
        if tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        if tag == "select":
            self._select = attrs["name"]
        if tag == "option" and self._select:
            # The first option, unless one is selected, as a browser sends it.
            if self._select not in self.fields or "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def read_form(html: str, form_id: str = "settings") -> FormReader:
    reader = FormReader(form_id)
    reader.feed(html)
    # A browser drops the line break that follows <textarea>.
    for name, value in reader.fields.items():
        first_break = "\r\n" if value.startswith("\r\n") else "\n"
        reader.fields[name] = value.removeprefix(first_break)
    return reader


@pytest.fixture
def organizer(make_user) -> User:
    return make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức")


@pytest.fixture
def as_organizer(login, organizer) -> User:
    login(organizer)
    return organizer


def contest_named(slug: str = "thi-thu") -> Contest:
    db.session.expire_all()
    return db.session.scalar(select(Contest).where(Contest.slug == slug))


def settings_fields(client, slug: str = "thi-thu", **changes: str) -> dict[str, str]:
    """The settings form as shown, with ``changes`` typed in (csrf token left out)."""
    page = client.get(f"/c/{slug}/organize/settings")
    assert page.status_code == 200
    fields = read_form(page.get_data(as_text=True)).fields
    fields.pop("csrf_token")
    fields.update(changes)
    return fields


def save_settings(client, fields: dict[str, str], slug: str = "thi-thu"):
    return post_form(client, f"/c/{slug}/organize/settings", fields)


def add_judge_sheet(contest: Contest, entry: Entry, judge: User, points: dict[str, str],
                    comment: str = "", submit: bool = True) -> Assignment:
    assignment = Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id)
    db.session.add(assignment)
    db.session.flush()
    by_code = {c.code: c.id for c in contest.criteria}
    save_sheet(assignment, {by_code[code]: Decimal(p) for code, p in points.items()}, comment,
               submit=submit, actor=judge)
    db.session.commit()
    return assignment


# --- access -----------------------------------------------------------------

@pytest.fixture
def one_entry(make_contest, make_entry):
    contest = make_contest()
    make_entry(contest)
    return contest


@pytest.mark.parametrize("url", ORGANIZER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, one_entry, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.JUDGE])
@pytest.mark.parametrize("url", ORGANIZER_PAGES)
def test_authors_and_judges_may_not_open_organizer_pages(client, login, make_user, one_entry, role, url):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ORGANIZER_PAGES)
def test_organizers_open_every_organizer_page(client, as_organizer, one_entry, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [None, Role.AUTHOR, Role.JUDGE])
@pytest.mark.parametrize("url", ["/c/thi-thu/organize/start-judging", "/c/thi-thu/organize/settings"])
def test_only_organizers_may_post(client, login, make_user, one_entry, role, url):
    if role is not None:
        login(make_user(role))
    # Any page with a form token will do: the login page, or the log-out button of the home page.
    response = post_form(client, url, {"name": "Đổi tên"}, form_page="/auth/login" if role is None else "/")
    assert response.status_code == (302 if role is None else 403)
    if role is None:
        assert response.headers["Location"].startswith("/auth/login")
    contest = contest_named()
    assert contest.phase is ContestPhase.OPEN
    assert contest.name != "Đổi tên"


def test_unknown_contests_and_entries_of_other_contests_are_not_found(
        client, as_organizer, make_contest, make_entry):
    make_contest()
    other = make_contest("thi-khac", code_prefix="TK")
    make_entry(other)
    assert client.get("/c/khong-co/organize/").status_code == 404
    assert client.get("/c/khong-co/organize/entries").status_code == 404
    assert client.get("/c/thi-khac/organize/entries/TK-0001").status_code == 200
    assert client.get("/c/thi-thu/organize/entries/TK-0001").status_code == 404


# --- overview and dashboard -------------------------------------------------

def test_the_overview_lists_every_contest_with_its_counts(client, as_organizer, make_contest,
                                                          make_entry, make_user):
    contest = make_contest()
    make_contest("thi-khac", code_prefix="TK", name="Cuộc thi ảnh Kiến Thụy")
    entries = [make_entry(contest) for _ in range(3)]
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE)
    add_judge_sheet(contest, entries[0], judge, {"ND": "50", "HT": "30"})
    add_judge_sheet(contest, entries[1], judge, {"ND": "40"}, submit=False)

    page = client.get("/organize/").get_data(as_text=True)
    assert "Cuộc thi thử “Dân vận khéo”" in page
    assert "Cuộc thi ảnh Kiến Thụy" in page
    assert 'href="/c/thi-thu/organize/"' in page
    assert 'href="/c/thi-khac/organize/"' in page
    assert "1 of 2" in page  # sheets submitted of assigned
    assert "contest setup FILE.toml" in page


def test_the_dashboard_shows_the_phase_and_the_counts(client, as_organizer, make_contest,
                                                      make_entry, make_user):
    contest = make_contest()
    for _ in range(3):
        make_entry(contest)
    ineligible = make_entry(contest, status=EntryStatus.INELIGIBLE)
    second_category = make_entry(contest)
    second_category.category = contest.categories[1]
    db.session.commit()
    start_judging(contest, actor=None)
    judge_a, judge_b = make_user(Role.JUDGE), make_user(Role.JUDGE)
    first = db.session.scalar(select(Entry).where(Entry.code == "TT-0001"))
    add_judge_sheet(contest, first, judge_a, {"ND": "50", "HT": "30"})
    add_judge_sheet(contest, first, judge_b, {"ND": "45"}, submit=False)
    assert ineligible.status is EntryStatus.INELIGIBLE

    page = client.get("/c/thi-thu/organize/").get_data(as_text=True)
    assert 'aria-current="step"' in page
    current = page.split('aria-current="step"')[1].split("</li>")[0]
    assert "Judging" in current
    assert 'id="count-entries">5<' in page
    assert 'id="count-judges">2<' in page
    assert "1 of 2" in page
    table = page.split('id="entries-by-category"')[1].split("</table>")[0]
    rows = [row for row in table.split("<tr") if "Báo in" in row or "Ảnh" in row]
    cells = [[c.split(">")[1].split("<")[0] for c in row.split('<td class="score')[1:]] for row in rows]
    # Submitted, eligible, ineligible, withdrawn, total (drafts are not counted).
    assert cells == [["3", "0", "1", "0", "4"], ["1", "0", "0", "0", "1"]]
    # The next step while judging points at the pages that follow.
    assert 'href="/c/thi-thu/organize/ranking"' in page
    assert "Start judging" not in page


def test_the_dashboard_links_every_organizer_page(client, as_organizer, make_contest):
    make_contest()
    page = client.get("/c/thi-thu/organize/").get_data(as_text=True)
    for path in ("settings", "entries", "judges", "progress", "ranking", "certificates"):
        assert f'href="/c/thi-thu/organize/{path}"' in page


def test_starting_judging_closes_submissions_once(client, as_organizer, make_contest):
    make_contest()
    page = client.get("/c/thi-thu/organize/").get_data(as_text=True)
    assert "Start judging (closes submissions)" in page
    assert "data-confirm=" in page

    response = post_form(client, "/c/thi-thu/organize/start-judging", form_page="/c/thi-thu/organize/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/thi-thu/organize/"
    contest = contest_named()
    assert contest.phase is ContestPhase.JUDGING
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.judging_started"))
    assert event.actor_id == as_organizer.id

    again = post_form(client, "/c/thi-thu/organize/start-judging", form_page="/c/thi-thu/organize/",
                      follow_redirects=True)
    assert again.status_code == 200
    assert "Judging has already started" in again.get_data(as_text=True)
    assert contest_named().phase is ContestPhase.JUDGING
    assert db.session.query(AuditEvent).filter_by(action="contest.judging_started").count() == 1


def test_starting_judging_without_the_form_token_is_refused(client, as_organizer, make_contest):
    make_contest()
    assert client.post("/c/thi-thu/organize/start-judging").status_code == 400
    assert contest_named().phase is ContestPhase.OPEN


# --- settings ---------------------------------------------------------------

def test_the_settings_form_shows_the_window_in_local_time(client, as_organizer, make_contest):
    make_contest(opens_at=datetime(2022, 5, 20, 1, 0, tzinfo=timezone.utc),
                 closes_at=datetime(2022, 11, 30, 17, 0, tzinfo=timezone.utc))
    fields = settings_fields(client)
    assert fields["opens_at"] == "2022-05-20T08:00"
    assert fields["closes_at"] == "2022-12-01T00:00"
    assert fields["criteria-0-code"] == "ND"
    assert fields["criteria-0-max_points"] == "60"
    assert fields["tiers-2-quota"] == "2"
    assert fields["documents-0-signer_title"] == "TM. Ban Tổ chức\nTrưởng ban"


def test_saved_settings_are_stored_and_shown_back(client, as_organizer, make_contest):
    make_contest()
    fields = settings_fields(
        client,
        name="Cuộc thi “Dân vận khéo” năm 2023",
        place="Kiến Thụy",
        opens_at="2022-05-20T08:00",
        closes_at="2022-12-01T00:00",
        **{
            "criteria-0-max_points": "55,5",          # a Vietnamese decimal comma
            "criteria-1-weight": "1.5",
            "criteria-2-code": "LT", "criteria-2-name": "Tính lan tỏa", "criteria-2-max_points": "20",
            "tiers-0-quota": "2",
            "tiers-1-min_score": "60",
            "tiers-3-order": "0", "tiers-3-code": "KK", "tiers-3-name": "Giải Khuyến khích",
            "tiers-3-quota": "5",
            "documents-1-signer_name": "Nguyễn Văn Tùng",
            "documents-1-number_format": "{seq:03d}/QĐ-UBND",
        },
    )
    response = save_settings(client, fields)
    assert response.status_code == 302

    contest = contest_named()
    assert contest.name == "Cuộc thi “Dân vận khéo” năm 2023"
    assert contest.place == "Kiến Thụy"
    assert contest.opens_at == datetime(2022, 5, 20, 1, 0, tzinfo=timezone.utc)
    assert contest.closes_at == datetime(2022, 11, 30, 17, 0, tzinfo=timezone.utc)
    assert [(c.code, c.max_points, c.weight) for c in contest.criteria] == [
        ("ND", Decimal("55.5"), 1), ("HT", 40, Decimal("1.5")), ("LT", 20, 1)]
    assert [(t.code, t.quota, t.min_score) for t in contest.tiers] == [
        ("KK", 5, None), ("A", 2, None), ("B", 1, 60), ("C", 2, None)]
    bk = contest.documents[1]
    assert (bk.signer_name, bk.number_format) == ("Nguyễn Văn Tùng", "{seq:03d}/QĐ-UBND")
    assert bk.signer_title == "KT. Chủ tịch\nPhó Chủ tịch"
    assert [t.code for t in bk.tiers] == ["A", "B"]  # untouched fields stay
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.updated")).actor_id \
        == as_organizer.id

    shown = settings_fields(client)
    assert shown["opens_at"] == "2022-05-20T08:00"
    assert shown["closes_at"] == "2022-12-01T00:00"
    assert shown["criteria-0-max_points"] == "55.5"
    assert shown["tiers-0-code"] == "KK"


def test_rows_marked_for_removal_are_removed(client, as_organizer, make_contest):
    make_contest()
    fields = settings_fields(client, **{"tiers-3-code": "KK", "tiers-3-name": "Khuyến khích",
                                        "tiers-3-quota": "3"})
    assert save_settings(client, fields).status_code == 302
    assert [t.code for t in contest_named().tiers] == ["A", "B", "C", "KK"]

    fields = settings_fields(client, **{"criteria-1-remove": "on", "tiers-3-remove": "on"})
    assert save_settings(client, fields).status_code == 302
    contest = contest_named()
    assert [c.code for c in contest.criteria] == ["ND"]
    assert [t.code for t in contest.tiers] == ["A", "B", "C"]


def test_a_tier_that_a_certificate_names_cannot_be_removed_here(client, as_organizer, make_contest):
    make_contest()
    response = save_settings(client, settings_fields(client, **{"tiers-2-remove": "on"}))
    assert response.status_code == 200
    assert "Certificates, row 1: unknown tier &#39;C&#39;" in response.get_data(as_text=True)
    assert [t.code for t in contest_named().tiers] == ["A", "B", "C"]


@pytest.mark.parametrize("changes, message", [
    ({"opens_at": "2022-12-01T00:00", "closes_at": "2022-05-20T08:00"},
     "The deadline must be after the opening time."),
    ({"criteria-0-max_points": "0"}, "Rubric, row 1: Max points must be above 0"),
    ({"tiers-1-quota": "-1"}, "Prize tiers, row 2: Quota must be a whole number ≥ 0"),
    ({"criteria-1-code": "ND"}, "Rubric: duplicate code(s) ND"),
    ({"tiers-3-code": "A", "tiers-3-name": "Giải A lần hai", "tiers-3-quota": "1"},
     "Prize tiers: duplicate code(s) A"),
    ({"documents-0-number_format": "GCN-BTC"}, "must contain {seq}"),
    ({"criteria-0-max_points": "nhiều"}, "Not a valid decimal value"),
    ({"name": ""}, "This field is required"),
])
def test_invalid_settings_are_refused_with_a_message_and_change_nothing(
        client, as_organizer, make_contest, changes, message):
    make_contest()
    before = settings_fields(client)
    response = save_settings(client, {**before, "place": "Tiên Lãng", **changes})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert message in page
    assert 'value="Tiên Lãng"' in page  # what was typed is kept on the page
    assert contest_named().place == "Hải Phòng"
    assert settings_fields(client) == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.updated")) is None


@pytest.fixture
def scored(make_contest, make_entry, make_user):
    """A contest in judging with one entry that a judge scored ND 50, HT 30."""
    contest = make_contest()
    entry = make_entry(contest)
    start_judging(contest, actor=None)
    add_judge_sheet(contest, entry, make_user(Role.JUDGE), {"ND": "50", "HT": "30"})
    return contest


def test_removing_a_criterion_that_has_scores_is_refused(client, as_organizer, scored):
    fields = settings_fields(client, **{"criteria-1-remove": "on", "place": "Tiên Lãng"})
    response = save_settings(client, fields)
    assert response.status_code == 200
    assert "criteria &#39;HT&#39; is in use and cannot be removed" in response.get_data(as_text=True)
    contest = contest_named()
    assert [c.code for c in contest.criteria] == ["ND", "HT"]
    assert contest.place == "Hải Phòng"


def test_a_maximum_below_a_given_score_is_refused(client, as_organizer, scored):
    response = save_settings(client, settings_fields(client, **{"criteria-0-max_points": "45"}))
    assert response.status_code == 200
    assert "is below a score already given (50" in response.get_data(as_text=True)
    assert contest_named().criteria[0].max_points == 60


def test_a_finalized_contest_shows_its_settings_read_only(client, as_organizer, make_contest):
    contest = make_contest()
    fields = settings_fields(client, place="Tiên Lãng")
    # Finalizing needs a full ranking; the settings page only looks at the phase.
    contest.phase = ContestPhase.FINALIZED
    db.session.commit()

    page = client.get("/c/thi-thu/organize/settings").get_data(as_text=True)
    assert read_form(page).disabled
    assert "Save settings" not in page
    assert "can no longer change" in page

    response = save_settings(client, fields)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This contest is finalized: its settings can no longer change." in follow
    assert contest_named().place == "Hải Phòng"


# --- entries ----------------------------------------------------------------

@pytest.fixture
def listed(make_contest, make_entry):
    """A contest with entries to find: two by named authors, the rest generic."""
    contest = make_contest()
    make_entry(contest, title="Con đường hoa ở xã Tân Trào", authors=("Nguyễn Thị Thuỳ Dương",))
    make_entry(contest, title="Thắp sáng đường quê", authors=("Đỗ Văn Hùng", "Lê Thị Hoa"),
               author_kind=AuthorKind.COLLECTIVE, organization="Hội Nông dân xã Đại Hợp",
               district="Kiến Thụy")
    make_entry(contest, title="Camera an ninh cho thôn xóm", authors=("Phạm Minh Đức",),
               status=EntryStatus.INELIGIBLE)
    photo = make_entry(contest, title="Ảnh: Ngày Chủ nhật xanh", authors=("Vũ Thị Lan",))
    photo.category = contest.categories[1]
    db.session.commit()
    return contest


def codes_on(page: str) -> list[str]:
    table = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [part.split("</a>")[0].split(">")[-1] for part in table.split('class="entry-code"')[1:]]


def test_the_entries_list_shows_every_entry(client, as_organizer, listed):
    page = client.get("/c/thi-thu/organize/entries").get_data(as_text=True)
    assert codes_on(page) == ["TT-0001", "TT-0002", "TT-0003", "TT-0004"]
    assert "Nguyễn Thị Thuỳ Dương" in page
    assert "Đỗ Văn Hùng; Lê Thị Hoa" in page
    assert "Hội Nông dân xã Đại Hợp" in page
    assert 'href="/c/thi-thu/organize/entries/TT-0002"' in page


@pytest.mark.parametrize("query, codes", [
    ({"q": "Thuỳ Dương"}, ["TT-0001"]),                  # an author's name, with diacritics
    ({"q": "nguyễn thị thuỳ"}, ["TT-0001"]),             # another case
    ({"q": "Lê Thị Hoa"}, ["TT-0002"]),                  # a second author
    ({"q": "đường"}, ["TT-0001", "TT-0002"]),            # in titles
    ({"q": "tt-0003"}, ["TT-0003"]),                     # a code
    ({"q": "Dương"}, ["TT-0001", "TT-0002"]),            # folded: Dương and Đường are both "duong"
    ({"q": "nguyen thi thuy"}, ["TT-0001"]),             # without diacritics
    ({"q": "DO VAN HUNG"}, ["TT-0002"]),                 # đ/Đ is d
    ({"q": "kien thuy"}, ["TT-0001", "TT-0002", "TT-0003", "TT-0004"]),  # the district
    ({"q": "hoi nong dan xa dai hop"}, ["TT-0002"]),     # the organization
    ({"q": "tt-3"}, ["TT-0003"]),                        # a code without its zeros
    ({"q": "100%"}, []),                                  # wildcards are plain text
    ({"category": "ANH"}, ["TT-0004"]),
    ({"status": "ineligible"}, ["TT-0003"]),
    ({"status": "submitted", "category": "BAO"}, ["TT-0001", "TT-0002"]),
    ({"q": "Lê Thị Hoa", "status": "ineligible"}, []),
    ({"status": "nonsense"}, ["TT-0001", "TT-0002", "TT-0003", "TT-0004"]),
])
def test_the_entries_list_searches_and_filters(client, as_organizer, listed, query, codes):
    response = client.get("/c/thi-thu/organize/entries", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert codes_on(page) == codes
    if not codes:
        assert "No entry matches this search." in page


def test_search_ignores_the_case_of_vietnamese_capitals(client, as_organizer, listed):
    page = client.get("/c/thi-thu/organize/entries", query_string={"q": "đỗ văn"}).get_data(as_text=True)
    assert codes_on(page) == ["TT-0002"]


def test_a_search_typed_in_decomposed_unicode_still_finds(client, as_organizer, listed):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Thuỳ Dương")
    page = client.get("/c/thi-thu/organize/entries", query_string={"q": decomposed}).get_data(as_text=True)
    assert codes_on(page) == ["TT-0001"]


@pytest.fixture
def sixty(make_contest, make_entry):
    contest = make_contest()
    for n in range(60):
        entry = make_entry(contest, title=f"Mô hình số {n + 1}", authors=(f"Tác giả {n + 1}", "Đồng tác giả"))
        entry.files.append(EntryFile(original_name=f"bai-{n + 1}.pdf", stored_name=f"{n:032x}.pdf",
                                     content_type="application/pdf", size=1000, sha256="0" * 64))
    db.session.commit()
    return contest


def test_the_entries_list_is_paginated(client, as_organizer, sixty):
    first = client.get("/c/thi-thu/organize/entries").get_data(as_text=True)
    assert len(codes_on(first)) == 50
    assert codes_on(first)[0] == "TT-0001"
    assert "1–50 of 60 entries" in first
    assert "/c/thi-thu/organize/entries?page=2" in first

    second = client.get("/c/thi-thu/organize/entries?page=2").get_data(as_text=True)
    assert codes_on(second) == [f"TT-{n:04d}" for n in range(51, 61)]

    filtered = client.get("/c/thi-thu/organize/entries?q=M%C3%B4+h%C3%ACnh&page=2").get_data(as_text=True)
    assert len(codes_on(filtered)) == 10
    assert "q=M%C3%B4+h%C3%ACnh" in filtered  # page links keep the search


def test_the_entries_list_runs_a_bounded_number_of_queries(client, as_organizer, sixty, count_queries):
    def statements(url: str) -> list[str]:
        # Requests in tests share the test's session: forget what it holds, as a new request would.
        db.session.expire_all()
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted

    full_page = statements("/c/thi-thu/organize/entries")
    short_page = statements("/c/thi-thu/organize/entries?page=2")
    searched = statements("/c/thi-thu/organize/entries?q=T%C3%A1c+gi%E1%BA%A3&category=BAO")
    assert len(full_page) <= 10, full_page
    # No query per entry: 50 entries cost what 10 do.
    assert len(full_page) == len(short_page) == len(searched)


# --- entry detail -----------------------------------------------------------

def test_the_entry_page_shows_the_identity_files_and_sheets(client, as_organizer, make_contest,
                                                            make_entry, make_user):
    contest = make_contest()
    author = make_user(Role.AUTHOR, email="duong@example.vn", name="Nguyễn Thị Thuỳ Dương")
    entry = make_entry(contest, authors=("Nguyễn Thị Thuỳ Dương", "Trần Văn Kiên"), submitted_by=author,
                       email="duong.nguyen@example.vn", phone="0912 345 678", district="Thủy Nguyên",
                       link="https://baohaiphong.vn/bai-viet")
    entry.files.append(EntryFile(original_name="Bài dự thi – Tân Trào.pdf", stored_name="a" * 32 + ".pdf",
                                 content_type="application/pdf", size=2048, sha256="0" * 64))
    db.session.commit()
    start_judging(contest, actor=None)
    done = make_user(Role.JUDGE, name="Phạm Giám Khảo")
    draft = make_user(Role.JUDGE, name="Đỗ Thẩm Định")
    add_judge_sheet(contest, entry, done, {"ND": "50.5", "HT": "30"}, comment="Mô hình hay, cần ảnh rõ hơn.")
    add_judge_sheet(contest, entry, draft, {"ND": "41"}, submit=False)

    page = client.get("/c/thi-thu/organize/entries/TT-0001").get_data(as_text=True)
    for text in ("Con đường hoa ở xã Tân Trào", "Nguyễn Thị Thuỳ Dương", "Trần Văn Kiên",
                 "Hội Nông dân xã Tân Trào", "Thủy Nguyên", "duong.nguyen@example.vn", "0912 345 678",
                 "duong@example.vn", "https://baohaiphong.vn/bai-viet", "Bài dự thi – Tân Trào.pdf",
                 "Mô hình vận động Nhân dân hiến đất."):
        assert text in page, text
    file_id = entry.files[0].id
    assert f'href="/c/thi-thu/entries/TT-0001/files/{file_id}"' in page

    sheets = page.split("Score sheets")[1]
    assert "Phạm Giám Khảo" in sheets and "Đỗ Thẩm Định" in sheets
    assert "50.50" in sheets and "30.00" in sheets and "80.50" in sheets  # points and total
    assert "41.00" in sheets
    assert "Mô hình hay, cần ảnh rõ hơn." in sheets
    assert "Submitted" in sheets and "Draft" in sheets


def test_a_judges_total_uses_the_weights(client, as_organizer, make_contest, make_entry, make_user):
    contest = make_contest(criteria=[{"code": "ND", "name": "Nội dung", "max": 10, "weight": 2},
                                     {"code": "HT", "name": "Hình thức", "max": 10, "weight": 0.5}])
    entry = make_entry(contest)
    start_judging(contest, actor=None)
    add_judge_sheet(contest, entry, make_user(Role.JUDGE), {"ND": "7.5", "HT": "5"})
    page = client.get("/c/thi-thu/organize/entries/TT-0001").get_data(as_text=True)
    assert "17.50" in page  # 7.5 × 2 + 5 × 0.5


def test_an_entry_without_judges_says_so(client, as_organizer, one_entry):
    page = client.get("/c/thi-thu/organize/entries/TT-0001").get_data(as_text=True)
    assert "No judge is assigned to this entry yet." in page
    assert "typed in or imported by the organizers" in page


def test_a_problem_is_shown_on_the_field_it_is_about(client, as_organizer, make_contest):
    make_contest()
    response = save_settings(client, settings_fields(client, **{"criteria-1-max_points": "0"}))
    page = response.get_data(as_text=True)
    field = page.split('name="criteria-1-max_points"')[0].rsplit("<input", 1)[1]
    assert "is-invalid" in field
    after = page.split('name="criteria-1-max_points"')[1]
    assert after.index("Max points must be above 0") < after.index('name="criteria-1-weight"')
