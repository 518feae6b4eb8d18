"""Judges read blind and score; organizers add judges, assign them and watch progress."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from contest.entries.services import store_upload
from contest.extensions import db
from contest.judging.services import save_sheet, start_judging
from contest.models import (
    Assignment,
    AuthorKind,
    Contest,
    ContestPhase,
    Entry,
    Role,
    User,
)
from contest.results.services import finalize
from tests import files
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.scale import bulk_judge

SECRET_AUTHOR = "Trần Văn Bí Mật"
SECRET_CO_AUTHOR = "Lê Thị Ẩn Danh"
SECRET_ORGANIZATION = "Hợp tác xã Kín Tiếng Kiến Thụy"
SECRET_EMAIL = "bimat.tacgia@example.vn"
SECRET_PHONE = "0987 654 321"
SECRETS = (SECRET_AUTHOR, SECRET_CO_AUTHOR, SECRET_ORGANIZATION, SECRET_EMAIL, SECRET_PHONE)


@dataclass
class Judged:
    """A contest in judging: entries with secret authors, judge A on all, judge B on the first."""

    contest: Contest
    entries: list[Entry]
    judge_a: User
    judge_b: User

    def criterion(self, code: str):
        return next(c for c in self.contest.criteria if c.code == code)

    def field(self, code: str) -> str:
        return f"points_{self.criterion(code).id}"

    def sheet(self, judge: User, entry: Entry) -> Assignment:
        return db.session.scalar(select(Assignment).where(
            Assignment.judge_id == judge.id, Assignment.entry_id == entry.id))


def assign(contest: Contest, judge: User, entries: list[Entry]) -> None:
    db.session.add_all(Assignment(round_id=contest.current_round.id, entry_id=e.id, judge_id=judge.id)
                       for e in entries)
    db.session.commit()


@pytest.fixture
def judged(make_contest, make_entry, make_user) -> Judged:
    contest = make_contest()
    entries = [
        make_entry(contest, title=f"Mô hình số {n} ở xã Tân Trào",
                   authors=(SECRET_AUTHOR, SECRET_CO_AUTHOR), organization=SECRET_ORGANIZATION,
                   email=SECRET_EMAIL, phone=SECRET_PHONE)
        for n in (1, 2, 3)
    ]
    start_judging(contest, actor=None)
    db.session.commit()
    judge_a = make_user(Role.JUDGE, email="giamkhao.a@example.vn", name="Phạm Giám Khảo")
    judge_b = make_user(Role.JUDGE, email="giamkhao.b@example.vn", name="Đỗ Thẩm Định")
    assign(contest, judge_a, entries)
    assign(contest, judge_b, entries[:1])
    return Judged(contest, entries, judge_a, judge_b)


def score_url(judged: Judged, entry: Entry) -> str:
    return f"/c/{judged.contest.slug}/judge/{entry.code}"


def sheet_form(judged: Judged, nd: str = "", ht: str = "", comment: str = "",
               submit: bool = False) -> dict:
    button = {"submit_scores": "Submit scores"} if submit else {"save_draft": "Save draft"}
    return {judged.field("ND"): nd, judged.field("HT"): ht, "comment": comment} | button


def stored_points(judged: Judged, judge: User, entry: Entry) -> dict[str, Decimal]:
    db.session.expire_all()
    sheet = judged.sheet(judge, entry)
    return {s.criterion.code: s.points for s in sheet.scores}


def listed_codes(html: str) -> list[str]:
    """Entry codes in the rows of a judge's list."""
    return re.findall(r'<td class="entry-code"><a href="[^"]+">([A-Z]+-\d{4})</a>', html)


def assert_blind(html: str) -> None:
    for secret in SECRETS:
        assert secret not in html


def add_file(entry: Entry, name: str, content: bytes) -> None:
    entry.files.append(store_upload(entry.contest, FileStorage(io.BytesIO(content), filename=name)))
    db.session.commit()


# The judge's dashboard and list ------------------------------------------------------------


def test_dashboard_shows_each_contest_with_progress(client, login, judged, make_user):
    save_sheet(judged.sheet(judged.judge_a, judged.entries[0]),
               {judged.criterion("ND").id: Decimal(50), judged.criterion("HT").id: Decimal(30)},
               "", submit=True, actor=judged.judge_a)
    db.session.commit()
    login(judged.judge_a)
    html = client.get("/judge/").get_data(as_text=True)
    assert judged.contest.name in html
    assert "1 of 3 score sheets submitted" in html
    assert 'aria-valuenow="1"' in html and 'aria-valuemax="3"' in html
    assert f'href="/c/{judged.contest.slug}/judge/"' in html

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(make_user(Role.JUDGE))
    html = client.get("/judge/").get_data(as_text=True)
    assert "No entries are assigned to you yet" in html
    assert judged.contest.name not in html


def test_judge_sees_only_assigned_entries(client, login, judged):
    login(judged.judge_b)
    html = client.get(f"/c/{judged.contest.slug}/judge/?show=all").get_data(as_text=True)
    assert listed_codes(html) == [judged.entries[0].code]
    for other in judged.entries[1:]:
        assert other.code not in html
        assert client.get(score_url(judged, other)).status_code == 404
    assert client.get(score_url(judged, judged.entries[0])).status_code == 200


def test_list_filters_to_do_done_and_all(client, login, judged):
    first, second, third = judged.entries
    save_sheet(judged.sheet(judged.judge_a, first),
               {judged.criterion("ND").id: Decimal(50), judged.criterion("HT").id: Decimal(30)},
               "", submit=True, actor=None)
    save_sheet(judged.sheet(judged.judge_a, second), {judged.criterion("ND").id: Decimal(20)},
               "", submit=False, actor=None)
    db.session.commit()
    login(judged.judge_a)
    base = f"/c/{judged.contest.slug}/judge/"

    todo = client.get(base).get_data(as_text=True)
    assert listed_codes(todo) == [second.code, third.code]
    assert "Draft" in todo and "Not started" in todo and "1 of 2 criteria" in todo
    assert f"Continue with {second.code}" in todo

    done = client.get(base + "?show=done").get_data(as_text=True)
    assert listed_codes(done) == [first.code]
    assert "80.00" in done  # the judge's own total

    everything = client.get(base + "?show=all").get_data(as_text=True)
    assert listed_codes(everything) == [e.code for e in judged.entries]
    assert "1 of 3 score sheets submitted" in everything


def test_judge_pages_never_show_the_authors(client, login, judged):
    entry = judged.entries[0]
    add_file(entry, f"{SECRET_AUTHOR} - bài dự thi.pdf", files.pdf(identity=False))
    login(judged.judge_a)
    url = score_url(judged, entry)

    pages = [
        client.get("/judge/"),
        client.get(f"/c/{judged.contest.slug}/judge/?show=all"),
        client.get(url),
        post_form(client, url, sheet_form(judged, nd="40", comment="Bản nháp"), follow_redirects=True),
        post_form(client, url, sheet_form(judged, nd="40", submit=True)),  # refused: HT missing
        post_form(client, url, sheet_form(judged, nd="40", ht="30", submit=True),
                  follow_redirects=True),
        client.get(url),
    ]
    for page in pages:
        assert page.status_code == 200
        assert_blind(page.get_data(as_text=True))
    entry_page = pages[2].get_data(as_text=True)
    assert entry.title in entry_page and entry.description in entry_page
    assert re.search(r"File 1 \(PDF, [0-9.,]+ (bytes|kB)\)", entry_page)
    assert "bài dự thi" not in entry_page


# Score sheets -------------------------------------------------------------------------------


def test_draft_keeps_values_and_is_not_submitted(client, login, judged):
    entry = judged.entries[0]
    login(judged.judge_a)
    response = post_form(client, score_url(judged, entry),
                         sheet_form(judged, nd="42.5", comment="Cần đọc lại phần số liệu."))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(score_url(judged, entry))

    assert stored_points(judged, judged.judge_a, entry) == {"ND": Decimal("42.5")}
    sheet = judged.sheet(judged.judge_a, entry)
    assert sheet.submitted_at is None
    assert sheet.comment == "Cần đọc lại phần số liệu."

    html = client.get(score_url(judged, entry)).get_data(as_text=True)
    assert "Draft saved for" in html
    assert 'value="42.5"' in html
    assert "Cần đọc lại phần số liệu." in html


def test_submit_needs_every_criterion(client, login, judged):
    entry = judged.entries[0]
    login(judged.judge_a)
    response = post_form(client, score_url(judged, entry), sheet_form(judged, nd="40", submit=True))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("Give a score for “Hình thức” before submitting.") == 1
    assert "Nothing was saved" in html
    assert 'value="40"' in html  # what the judge typed is still in the form
    assert stored_points(judged, judged.judge_a, entry) == {}
    assert judged.sheet(judged.judge_a, entry).submitted_at is None


@pytest.mark.parametrize("typed, message", [
    ("61", "“Nội dung”: enter a number from 0 to 60."),
    ("60,5", "“Nội dung”: enter a number from 0 to 60."),
    ("-0.5", "Enter a number, such as 46.5 or 46,5."),
    ("1e999", "Enter a number, such as 46.5 or 46,5."),
    ("1e3", "Enter a number, such as 46.5 or 46,5."),
    ("12.345", "“Nội dung” is scored in steps of 0.5: 12.345 has too many decimals."),
    ("12.25", "“Nội dung” is scored in steps of 0.5: 12.25 has too many decimals."),
    ("7.3", "“Nội dung” is scored in steps of 0.5: 7.3 is not one of them."),
    ("7,3", "“Nội dung” is scored in steps of 0.5: 7.3 is not one of them."),
    ("1.000.000", "Enter a number, such as 46.5 or 46,5."),
    ("bốn mươi", "Enter a number, such as 46.5 or 46,5."),
    ("NaN", "Enter a number, such as 46.5 or 46,5."),
])
def test_bad_points_are_refused_and_nothing_is_stored(client, login, judged, typed, message):
    entry = judged.entries[0]
    login(judged.judge_a)
    for submit in (False, True):
        response = post_form(client, score_url(judged, entry),
                             sheet_form(judged, nd=typed, ht="30", submit=submit))
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert stored_points(judged, judged.judge_a, entry) == {}


def test_half_points_are_stored_exactly(client, login, judged):
    entry = judged.entries[0]
    login(judged.judge_a)
    response = post_form(client, score_url(judged, entry),
                         sheet_form(judged, nd="46.5", ht="30,5", submit=True), follow_redirects=True)
    assert "Scores for TT-0001 submitted: total 77.00." in response.get_data(as_text=True)
    assert stored_points(judged, judged.judge_a, entry) == {"ND": Decimal("46.5"), "HT": Decimal("30.5")}
    assert judged.sheet(judged.judge_a, entry).submitted_at is not None


def test_submit_goes_to_the_next_unsubmitted_entry(client, login, judged):
    first, second, third = judged.entries
    login(judged.judge_a)

    response = post_form(client, score_url(judged, second), sheet_form(judged, "50", "30", submit=True))
    assert response.headers["Location"].endswith(score_url(judged, third))
    response = post_form(client, score_url(judged, third), sheet_form(judged, "40", "30", submit=True))
    assert response.headers["Location"].endswith(score_url(judged, first))  # from the top again
    response = post_form(client, score_url(judged, first), sheet_form(judged, "30", "30", submit=True))
    assert response.headers["Location"].endswith(f"/c/{judged.contest.slug}/judge/?show=all")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "All your score sheets in this contest are submitted." in html
    assert "3 of 3 score sheets submitted" in html


def test_entry_page_links_to_previous_and_next(client, login, judged):
    first, second, third = judged.entries
    login(judged.judge_a)
    html = client.get(score_url(judged, second)).get_data(as_text=True)
    assert f'rel="prev" href="{score_url(judged, first)}"' in html
    assert f'rel="next" href="{score_url(judged, third)}"' in html
    assert "Entry 2 of 3" in html


def test_submitted_sheet_can_be_corrected_until_finalized(client, login, judged):
    first, second, third = judged.entries
    login(judged.judge_a)
    url = score_url(judged, first)
    post_form(client, url, sheet_form(judged, "50", "30", submit=True))
    page = client.get(url).get_data(as_text=True)
    assert "Submit corrected scores" in page and "Save draft" not in page
    post_form(client, url, sheet_form(judged, "55.5", "30", submit=True))
    assert stored_points(judged, judged.judge_a, first)["ND"] == Decimal("55.5")

    # The rest of the jury hands in distinct totals, so no tie blocks finalization.
    nd, ht = judged.criterion("ND").id, judged.criterion("HT").id
    for judge, entry, points in ((judged.judge_a, second, 40), (judged.judge_a, third, 20),
                                 (judged.judge_b, first, 52)):
        save_sheet(judged.sheet(judge, entry), {nd: Decimal(points), ht: Decimal(20)}, "",
                   submit=True, actor=None)
    finalize(judged.contest, actor=None)
    db.session.commit()

    page = client.get(url).get_data(as_text=True)
    assert "Results are finalized" in page
    assert "disabled" in page and "Submit scores" not in page and "Submit corrected" not in page
    response = post_form(client, url, sheet_form(judged, "10", "10", submit=True))
    assert response.status_code == 200
    assert "Scores can no longer be changed in this contest." in response.get_data(as_text=True)
    assert stored_points(judged, judged.judge_a, first) == {"ND": Decimal("55.5"), "HT": Decimal(30)}


def test_score_post_without_csrf_token_is_refused(client, login, judged):
    entry = judged.entries[0]
    login(judged.judge_a)
    response = client.post(score_url(judged, entry), data=sheet_form(judged, "50", "30", submit=True))
    assert response.status_code == 400
    assert stored_points(judged, judged.judge_a, entry) == {}
    assert judged.sheet(judged.judge_a, entry).submitted_at is None


# Files ----------------------------------------------------------------------------------------


def test_file_download_has_an_anonymous_name(client, login, judged, make_user):
    entry = judged.entries[0]
    add_file(entry, "cover.jpg", files.jpeg(identity=False))
    add_file(entry, f"{SECRET_AUTHOR} - bài dự thi.pdf", files.pdf(identity=False))
    pdf = entry.files[1]
    url = f"{score_url(judged, entry)}/files/{pdf.id}"

    login(judged.judge_b)
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.data[:5] == b"%PDF-"
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == "inline; filename=TT-0001-2.pdf"
    # A file of another entry is not reachable through this entry's address.
    other = judged.entries[1]
    add_file(other, "khac.pdf", files.pdf(identity=False))
    assert client.get(f"{score_url(judged, entry)}/files/{other.files[0].id}").status_code == 404
    assert client.get(f"{score_url(judged, other)}/files/{other.files[0].id}").status_code == 404


def test_file_is_hidden_from_judges_not_on_the_entry_and_from_authors(client, login, judged, make_user):
    entry = judged.entries[1]
    add_file(entry, "bai.pdf", files.pdf(identity=False))
    url = f"{score_url(judged, entry)}/files/{entry.files[0].id}"
    login(judged.judge_b)  # not assigned to this entry
    assert client.get(url).status_code == 404

    author_and_judge = make_user(Role.AUTHOR, Role.JUDGE)
    entry.submitted_by = author_and_judge
    db.session.commit()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(author_and_judge)  # wrote the entry, holds the judge role, but is not its judge
    assert client.get(url).status_code == 404
    assert client.get(score_url(judged, entry)).status_code == 404


# Access -------------------------------------------------------------------------------------


JUDGE_PAGES = ["/judge/", "/c/thi-thu/judge/", "/c/thi-thu/judge/TT-0001",
               "/c/thi-thu/judge/TT-0001/files/1"]
ORGANIZER_PAGES = ["/c/thi-thu/organize/judges", "/c/thi-thu/organize/progress"]


@pytest.mark.parametrize("url", JUDGE_PAGES)
@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ORGANIZER])
def test_judge_pages_refuse_other_roles(client, login, judged, make_user, url, role):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ORGANIZER_PAGES)
@pytest.mark.parametrize("role", [Role.AUTHOR, Role.JUDGE])
def test_organizer_pages_refuse_other_roles(client, login, judged, make_user, url, role):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("action", ["assign", "add"])
def test_organizer_forms_refuse_judges(client, login, judged, action):
    login(judged.judge_a)
    response = post_form(client, f"/c/thi-thu/organize/judges/{action}",
                         {"judges": [judged.judge_a.id], "mode": "every", "name": "X",
                          "email": "x@example.vn", "password": "mat-khau-2022"},
                         form_page=score_url(judged, judged.entries[0]))
    assert response.status_code == 403
    assert len(assignment_pairs(judged.contest)) == 4


@pytest.mark.parametrize("url", JUDGE_PAGES + ORGANIZER_PAGES)
def test_pages_ask_anonymous_visitors_to_log_in(client, judged, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_contest_is_404(client, login, judged):
    login(judged.judge_a)
    assert client.get("/c/khong-co/judge/").status_code == 404
    assert client.get("/c/khong-co/judge/TT-0001").status_code == 404


def test_list_page_query_count_does_not_grow_with_entries(client, login, judged, make_entry,
                                                          count_queries):
    login(judged.judge_a)
    url = f"/c/{judged.contest.slug}/judge/?show=all"
    save_sheet(judged.sheet(judged.judge_a, judged.entries[0]),
               {judged.criterion("ND").id: Decimal(10)}, "", submit=False, actor=None)
    db.session.commit()
    db.session.expire_all()  # the request must load what it shows, not find it in this session
    with count_queries() as few:
        assert client.get(url).status_code == 200
    more = [make_entry(judged.contest, title=f"Bài thêm {n}") for n in range(25)]
    assign(judged.contest, judged.judge_a, more)
    for entry in more[:10]:
        save_sheet(judged.sheet(judged.judge_a, entry),
                   {judged.criterion("ND").id: Decimal(10), judged.criterion("HT").id: Decimal(5)},
                   "", submit=True, actor=None)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert "10 of 28 score sheets submitted" in html
    assert len(many) == len(few)
    # The user, their roles, the contest with its rounds and criteria, the judge's sheets.
    assert len(many) == 4, many


def test_list_page_runs_the_same_queries_at_380_and_5000_entries(client, login, make_contest,
                                                                  count_queries):
    counted = {}
    for slug, entries, judges in (("nho", 380, 7), ("lon", 5000, 40)):
        contest = make_contest(slug)
        start_judging(contest, actor=None)
        db.session.commit()
        judge = bulk_judge(contest, entries=entries, judges=judges, per_entry=3, submitted=0.9)[0]
        db.session.commit()
        login(judge)
        for show in ("todo", "all"):
            db.session.expire_all()
            with count_queries() as statements:
                assert client.get(f"/c/{slug}/judge/?show={show}").status_code == 200
            counted[slug, show] = len(statements)
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    assert set(counted.values()) == {4}, counted


def test_score_page_query_count_does_not_grow_with_entries_or_files(client, login, judged, make_entry,
                                                                     count_queries):
    login(judged.judge_a)
    entry = judged.entries[1]
    url = score_url(judged, entry)
    add_file(entry, "bai.pdf", files.pdf(identity=False))
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    more = [make_entry(judged.contest, title=f"Bài thêm {n}") for n in range(25)]
    assign(judged.contest, judged.judge_a, more)
    for n in range(4):
        add_file(entry, f"anh{n}.png", files.png(identity=False))
    db.session.expire_all()
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert "Entry 2 of 28" in html and html.count('class="card mb-2 entry-file"') == 5
    assert len(many) == len(few)
    assert len(many) <= 12


# Organizer: judges, assignments, progress ------------------------------------------------------


@pytest.fixture
def organizer(make_user):
    return make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức")


def judges_url(contest: Contest) -> str:
    return f"/c/{contest.slug}/organize/judges"


def assignment_pairs(contest: Contest) -> list[tuple[int, int]]:
    return list(db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id)
        .where(Assignment.round_id == contest.current_round.id)
    ).all())


@pytest.fixture
def open_contest(make_contest, make_entry, make_user):
    contest = make_contest()
    for n in range(7):
        make_entry(contest, title=f"Tác phẩm {n}")
    panel = [make_user(Role.JUDGE, name=f"Giám khảo {n}") for n in range(3)]
    return contest, panel


def test_organizer_is_told_to_start_judging_first(client, login, organizer, open_contest):
    contest, panel = open_contest
    login(organizer)
    html = client.get(judges_url(contest)).get_data(as_text=True)
    assert "Judging must be started first" in html
    assert f'href="/c/{contest.slug}/organize/"' in html
    response = post_form(client, f"{judges_url(contest)}/assign",
                         {"judges": [j.id for j in panel], "mode": "every"},
                         form_page=judges_url(contest))
    assert response.status_code == 200
    assert "only while the contest is being judged" in response.get_data(as_text=True)
    assert assignment_pairs(contest) == []


def test_organizer_assigns_every_judge_to_every_entry(client, login, organizer, open_contest):
    contest, panel = open_contest
    start_judging(contest, actor=None)
    db.session.commit()
    login(organizer)
    response = post_form(client, f"{judges_url(contest)}/assign",
                         {"judges": [j.id for j in panel], "mode": "every", "per_entry": ""},
                         form_page=judges_url(contest), follow_redirects=True)
    assert "21 assignments added." in response.get_data(as_text=True)
    entries = [e.id for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id))]
    assert sorted(assignment_pairs(contest)) == sorted((e, j.id) for e in entries for j in panel)

    again = post_form(client, f"{judges_url(contest)}/assign",
                      {"judges": [j.id for j in panel], "mode": "every"},
                      form_page=judges_url(contest), follow_redirects=True)
    assert "Nothing to add" in again.get_data(as_text=True)
    assert len(assignment_pairs(contest)) == 21


def test_organizer_assigns_k_judges_per_entry_balanced(client, login, organizer, open_contest):
    contest, panel = open_contest
    start_judging(contest, actor=None)
    db.session.commit()
    login(organizer)
    response = post_form(client, f"{judges_url(contest)}/assign",
                         {"judges": [j.id for j in panel], "mode": "balanced", "per_entry": "2"},
                         form_page=judges_url(contest), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "14 assignments added." in html
    assert "Each is read by 2 judges." in html
    assert "to 2 judges" not in html

    pairs = assignment_pairs(contest)
    per_entry: dict[int, int] = {}
    load: dict[int, int] = {}
    for entry_id, judge_id in pairs:
        per_entry[entry_id] = per_entry.get(entry_id, 0) + 1
        load[judge_id] = load.get(judge_id, 0) + 1
    assert len(per_entry) == 7 and set(per_entry.values()) == {2}
    assert set(load) == {j.id for j in panel}
    assert max(load.values()) - min(load.values()) <= 1


@pytest.mark.parametrize("form, message", [
    ({"mode": "balanced", "per_entry": "2"}, "Choose at least one judge."),
    ({"mode": "balanced", "per_entry": ""}, "Give the number of judges per entry."),
    ({"mode": "balanced", "per_entry": "3", "two_judges": True}, "3 judges per entry need at least 3"),
])
def test_assignment_form_errors_change_nothing(client, login, organizer, open_contest, form, message):
    contest, panel = open_contest
    start_judging(contest, actor=None)
    db.session.commit()
    login(organizer)
    data = dict(form)
    if data.pop("two_judges", False):
        data["judges"] = [panel[0].id, panel[1].id]
    response = post_form(client, f"{judges_url(contest)}/assign", data, form_page=judges_url(contest))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert assignment_pairs(contest) == []


def test_organizer_adds_a_judge_account(client, login, organizer, open_contest, make_user):
    contest, _ = open_contest
    login(organizer)
    response = post_form(client, f"{judges_url(contest)}/add",
                         {"name": "  Nguyễn Thị Thuỳ Dương ", "email": "Duong.GK@Example.vn",
                          "password": "mat-khau-2022"},
                         form_page=judges_url(contest), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Judge account created for Nguyễn Thị Thuỳ Dương." in html
    assert "duong.gk@example.vn" in html  # listed among the judges
    judge = db.session.scalar(select(User).where(User.email == "duong.gk@example.vn"))
    assert judge.name == "Nguyễn Thị Thuỳ Dương"
    assert judge.has_role(Role.JUDGE) and judge.check_password("mat-khau-2022")

    author = make_user(Role.AUTHOR, email="tacgia.gk@example.vn", name="Hoàng Văn Tác Giả")
    response = post_form(client, f"{judges_url(contest)}/add",
                         {"name": "Tên khác", "email": author.email, "password": "doi-mat-khau"},
                         form_page=judges_url(contest), follow_redirects=True)
    assert "already had an account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert author.has_role(Role.JUDGE) and author.has_role(Role.AUTHOR)
    assert author.name == "Hoàng Văn Tác Giả"
    assert author.check_password(PASSWORD)  # an organizer cannot take over an account


def test_add_judge_form_errors(client, login, organizer, open_contest):
    contest, _ = open_contest
    login(organizer)
    before = db.session.scalar(select(func.count(User.id)))
    response = post_form(client, f"{judges_url(contest)}/add",
                         {"name": "Giám khảo", "email": "khong-phai-email", "password": "ngan"},
                         form_page=judges_url(contest))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Invalid email address." in html
    assert "The password needs at least 10 characters." in html
    assert db.session.scalar(select(func.count(User.id))) == before


def test_progress_page_numbers(client, login, organizer, judged):
    # Judge A: 3 sheets, 2 submitted. Judge B: 1 sheet, none. A fourth entry has no judge.
    first, second, third = judged.entries
    nd, ht = judged.criterion("ND").id, judged.criterion("HT").id
    for entry in (first, second):
        save_sheet(judged.sheet(judged.judge_a, entry), {nd: Decimal(50), ht: Decimal(30)}, "",
                   submit=True, actor=None)
    db.session.add(Entry(contest=judged.contest, code="TT-0099", title="Chưa có giám khảo",
                         category=judged.contest.categories[0], author_kind=AuthorKind.INDIVIDUAL))
    db.session.commit()
    login(organizer)
    html = client.get(f"/c/{judged.contest.slug}/organize/progress").get_data(as_text=True)
    assert "2 of 4 score sheets submitted" in html
    assert '<p class="display-6 mb-2" id="overall-percent">50%</p>' in html
    # TT-0001 waits for judge B, TT-0003 for judge A, TT-0099 for anyone; TT-0002 is done.
    assert '<p class="display-6 mb-2" id="unfinished-count">3</p>' in html
    assert "2 / 3 (67%)" in html and "0 / 1 (0%)" in html
    assert "No judge assigned" in html
    waiting = html.split("Entries waiting for scores")[1]
    assert "TT-0001" in waiting and "TT-0003" in waiting and "TT-0099" in waiting
    assert "TT-0002" not in waiting


def test_judges_page_shows_each_judges_load(client, login, organizer, judged):
    login(organizer)
    html = client.get(judges_url(judged.contest)).get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    row_a = next(r for r in rows if judged.judge_a.email in r)
    row_b = next(r for r in rows if judged.judge_b.email in r)
    assert re.findall(r'class="score">(\d+)<', row_a) == ["3", "0"]
    assert re.findall(r'class="score">(\d+)<', row_b) == ["1", "0"]
    assert "3 entries to judge." in html
    assert "Each is read by 1 to 2 judges." in html
    assert "4 score sheets in all." in html


def test_demo_judge_reads_the_demo_contest(client, login, demo_contest):
    judge = db.session.scalar(select(User).where(User.email == "giamkhao1@dvk2022.vn"))
    login(judge, "giamkhao2022")
    html = client.get("/c/dvk-2022/judge/?show=all").get_data(as_text=True)
    codes = listed_codes(html)
    assigned = db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.judge_id == judge.id, Assignment.round_id == demo_contest.current_round.id))
    assert len(codes) == assigned > 0, "the list holds the open round's sheets"
    assert demo_contest.phase is ContestPhase.JUDGING
    first = db.session.scalar(select(Entry).where(Entry.contest_id == demo_contest.id,
                                                  Entry.code == codes[0]))
    page = client.get(f"/c/dvk-2022/judge/{first.code}").get_data(as_text=True)
    for name in first.author_names + [first.organization, first.email, first.phone]:
        assert name not in page
    assert "Submitted" in page and "Submit corrected scores" in page
