"""Refusals and problems reach Vietnamese pages in Vietnamese; the command line stays English.

Labels that share an English word get their own messages (the judge's menu is not
the contest's phase), and counts pick singular or plural.
"""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from config import Config
from contest.domain.assignment import AssignmentError
from contest.extensions import db
from contest.judging.services import start_judging
from contest.judging.views import assignment_refusal
from contest.models import Assignment, Contest, ContestPhase, Role
from tests.conftest import post_form
from tests.test_admin import save_settings, settings_fields
from tests.test_setup import edited


@pytest.fixture
def vietnamese(app):
    """Pages in the language real users get by default."""
    app.config["BABEL_DEFAULT_LOCALE"] = Config.BABEL_DEFAULT_LOCALE
    assert Config.BABEL_DEFAULT_LOCALE == "vi"


def in_vietnamese(msgid: str, **values) -> str:
    with force_locale("vi"):
        text = gettext(msgid, **values)
    assert text != msgid % values if values else text != msgid, f"no translation for {msgid!r}"
    return text


def escaped(text: str) -> str:
    """As Jinja writes ``text`` into a page."""
    return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


@pytest.fixture
def as_organizer(login, make_user):
    login(make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức"))


# Settings: the problems the settings check finds ----------------------------------------------


def test_settings_problems_are_shown_in_vietnamese(vietnamese, client, as_organizer, make_contest):
    make_contest()
    fields = settings_fields(client, **{"criteria-0-max_points": "0", "criteria-1-code": "ND",
                                        "documents-0-number_format": "GCN-BTC"})
    response = save_settings(client, fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = re.search(r'id="settings-errors">.*?</div>', page, re.DOTALL).group()
    assert "Tiêu chí chấm, dòng 1: Điểm tối đa phải lớn hơn 0" in summary
    assert "Tiêu chí chấm: trùng mã ND" in summary
    assert escaped("Giấy chứng nhận, dòng 1: Định dạng số hiệu 'GCN-BTC' phải có {seq}") in summary
    for english in ("must", "duplicate", "criteria", "number_format", "Rubric"):
        assert english not in summary
    # Each problem also sits on its field, under the field's Vietnamese label.
    field = page.split('name="criteria-0-max_points"')[1]
    assert field.index("Điểm tối đa phải lớn hơn 0") < field.index('name="criteria-0-weight"')
    assert db.session.scalar(db.select(Contest.place)) == "Hải Phòng"


def test_a_deadline_before_the_opening_is_explained_in_vietnamese(vietnamese, client, as_organizer,
                                                                  make_contest):
    make_contest()
    fields = settings_fields(client, opens_at="2022-12-01T00:00", closes_at="2022-05-20T08:00")
    page = save_settings(client, fields).get_data(as_text=True)
    assert in_vietnamese("The deadline must be after the opening time.") in page
    assert "must be after" not in page


def test_the_command_line_reports_setup_problems_in_english(vietnamese, runner, tmp_path):
    path = tmp_path / "contest.toml"
    path.write_text(edited("max = 40", "max = 0"), encoding="utf-8")
    result = runner.invoke(args=["setup", str(path)])
    assert result.exit_code == 1
    assert "criteria[1]: 'max' must be above 0" in result.output
    assert "nothing was changed" in result.output


def test_the_command_line_reports_refusals_in_english(vietnamese, runner, make_contest):
    make_contest()
    result = runner.invoke(args=["publish", "thi-thu"])
    assert result.exit_code == 1
    assert "contest thi-thu is open: finalize it first" in result.output


# Refusals of the results, judging and account services ---------------------------------------


def test_a_refused_finalization_is_explained_in_vietnamese(vietnamese, client, as_organizer,
                                                          make_contest):
    make_contest()
    response = post_form(client, "/c/thi-thu/organize/finalize", form_page="/")
    assert response.status_code == 200
    refused = re.search(r'id="finalize-refused">.*?</div>', response.get_data(as_text=True),
                        re.DOTALL).group()
    assert in_vietnamese("contest %(slug)s is open, not judging", slug="thi-thu") in refused
    assert "not judging" not in refused


def test_a_taken_email_is_refused_in_vietnamese(vietnamese, client, make_user):
    make_user(email="tacgia@example.vn")
    response = post_form(client, "/auth/register", {
        "name": "Nguyễn Thị Thuỳ Dương", "email": "tacgia@example.vn",
        "password": "mat-khau-dai", "confirm": "mat-khau-dai"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert in_vietnamese("An account with this email already exists.") in page
    assert "already exists" not in page


def test_an_impossible_assignment_is_explained_in_the_page_language(app, make_contest, make_entry):
    entry = make_entry(make_contest())
    refusal = AssignmentError("entry: only 1 judges can read it", per_entry=3, available=1,
                              entry=entry.id)
    with app.test_request_context():
        assert assignment_refusal(refusal) == (
            f"Only 1 of the chosen judges can read entry {entry.code}, and 3 are needed.")
    with app.test_request_context(), force_locale("vi"):
        assert entry.code in assignment_refusal(refusal)
        assert "Only" not in assignment_refusal(refusal)
        too_few = assignment_refusal(AssignmentError("too few", per_entry=3, available=2))
        assert too_few == in_vietnamese(
            "%(k)s judges per entry need at least %(k)s judges chosen; you chose %(chosen)s.",
            k=3, chosen=2)


# One English word, two meanings -----------------------------------------------------------------


@pytest.fixture
def one_judge_one_entry(make_contest, make_entry, make_user):
    contest = make_contest()
    entry = make_entry(contest)
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE, email="giamkhao@example.vn", name="Phạm Giám Khảo")
    db.session.add(Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id))
    db.session.commit()
    return contest, entry, judge


def test_the_judging_phase_is_not_the_judging_menu(vietnamese, client, login, make_user,
                                                  one_judge_one_entry):
    login(make_user(Role.ORGANIZER, Role.JUDGE))
    page = client.get("/c/thi-thu/organize/").get_data(as_text=True)
    current = page.split('aria-current="step"')[1].split("</li>")[0]
    assert in_vietnamese("Judging in progress") in current
    assert in_vietnamese("Judging") not in current
    assert in_vietnamese("Judging in progress") != in_vietnamese("Judging")
    menu = page.split("</nav>")[0]
    assert f'>{in_vietnamese("Judging")}</a>' in menu


def test_the_judges_list_is_titled_entries_to_judge(client, login, one_judge_one_entry):
    _, entry, judge = one_judge_one_entry
    login(judge)
    page = client.get("/c/thi-thu/judge/").get_data(as_text=True)
    assert "<title>Entries to judge ·" in page
    assert "My entries" not in page
    sheet = client.get(f"/c/thi-thu/judge/{entry.code}").get_data(as_text=True)
    assert "Total score:" in sheet


def test_one_judge_on_one_entry_is_said_in_the_singular(client, login, make_user, one_judge_one_entry):
    login(make_user(Role.ORGANIZER))
    page = client.get("/c/thi-thu/organize/judges").get_data(as_text=True)
    assert "1 entry to judge." in page
    assert "Each is read by 1 judge." in page
    assert "1 score sheet in all." in page
    assert " to 1 judge" not in page


def test_the_phase_labels_are_their_own_messages(vietnamese, client, as_organizer, make_contest):
    contest = make_contest()
    contest.phase = ContestPhase.PUBLISHED
    db.session.commit()
    page = client.get("/c/thi-thu/organize/").get_data(as_text=True)
    assert in_vietnamese("Results published") in page.split('aria-current="step"')[1].split("</li>")[0]


# Pages read on a phone ------------------------------------------------------------------------------


@pytest.fixture
def published_demo(finalized_demo):
    from contest.results.services import publish

    publish(finalized_demo, actor=None)
    db.session.commit()
    return finalized_demo


def test_public_results_are_a_list_on_phones_and_a_table_from_md_up(client, published_demo):
    from contest.results.services import awards_of

    page = client.get("/c/dvk-2022/results").get_data(as_text=True)
    lists = re.findall(r'<ol class="[^"]*d-md-none[^"]*">(.*?)</ol>', page, re.DOTALL)
    tables = re.findall(r'<div class="table-responsive d-none d-md-block"[^>]*>(.*?)</table>', page, re.DOTALL)
    assert len(lists) == len(tables) == len(published_demo.tiers)
    phone, wide = "".join(lists), "".join(tables)
    for award in awards_of(published_demo):
        for shown in (phone, wide):
            assert award.entry.code in shown
            assert escaped(award.entry.title) in shown
            assert escaped(", ".join(award.entry.author_names)) in shown


def test_every_certificate_column_can_be_read_on_a_phone(client, login, make_user, finalized_demo):
    login(make_user(Role.ORGANIZER))
    page = client.get("/c/dvk-2022/organize/certificates").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td class=\"text-nowrap\">.*?</tr>", page, re.DOTALL)
    # The page lists the first 20 of the 39 recognition certificates (the register has them all).
    assert len(rows) == 16 + 6 + 20
    entry_rows = [row for row in rows if re.search(r'd-md-table-cell">[^<]+</td>', row)]
    assert len(entry_rows) == 16 + 6
    for row in entry_rows:
        code = re.search(r'<td class="entry-code d-none d-md-table-cell">([^<]+)</td>', row).group(1)
        prize = re.search(r'<td class="text-nowrap d-none d-md-table-cell">([^<]+)</td>', row).group(1)
        verify = re.search(r'<td class="d-none d-md-table-cell"><a href="(/verify/[^"]+)"', row).group(1)
        phone_line = re.search(r'<div class="small text-muted d-md-none">(.*?)</div>', row).group(1)
        assert code in phone_line and prize in phone_line
        assert re.search(rf'<a class="d-block small d-md-none" href="{verify}"', row)

