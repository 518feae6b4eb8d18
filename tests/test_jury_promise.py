"""What a new user hit on the first version, each kept as a test: the jury's promise
(exact scores, blind files, no judge on their own entry, every change audited)."""
from __future__ import annotations

import io
import threading
import urllib.parse
import urllib.request
from decimal import Decimal
from http.cookiejar import CookieJar

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from contest.auth.services import upsert_user
from contest.entries.services import EntryFields, create_entry, upload_path
from contest.extensions import db
from contest.judging.services import assign_judges, start_judging
from contest.models import Assignment, AuditEvent, Contest, Role, Score, ScoreChange
from tests.conftest import CSRF_RE, PASSWORD, post_form
from tests.live import serve


@pytest.fixture
def live_server(_schema, tmp_path):
    with serve(tmp_path) as served:
        yield served


def test_a_point_off_the_half_point_step_is_refused_by_the_server(client, login, make_contest,
                                                                   make_entry, make_user):
    contest = make_contest()
    entry = make_entry(contest)
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE)
    assign_judges(contest, [judge], None, actor=None)
    db.session.commit()
    login(judge)
    nd, ht = contest.criteria
    response = post_form(client, f"/c/{contest.slug}/judge/{entry.code}",
                         {f"points_{nd.id}": "7.3", f"points_{ht.id}": "30",
                          "submit_scores": "Submit scores"})
    assert response.status_code == 200
    assert "Nội dung" in response.get_data(as_text=True)
    assert 'value="7.3"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Score.id))) == 0


def real_pdf(**info: str) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = [info["Author"]]
    pdf.docinfo["/Author"] = info["Author"]
    pdf.docinfo["/Title"] = info["Title"]
    pdf.docinfo["/Creator"] = info["Creator"]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_judges_do_not_get_the_authors_name_from_a_pdfs_metadata(client, login, make_contest, make_user):
    contest = make_contest()
    author = make_user(Role.AUTHOR)
    pdf = real_pdf(Author="Trần Văn Bí Mật", Title="Bài của Trần Văn Bí Mật", Creator="Trần Văn Bí Mật")
    entry = create_entry(contest, EntryFields(title="Mô hình hay", category=contest.categories[0],
                                              author_kind="individual", authors=["Trần Văn Bí Mật"]),
                         [FileStorage(io.BytesIO(pdf), filename="bai.pdf")], submitted_by=author)
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE)
    assign_judges(contest, [judge], None, actor=None)
    db.session.commit()
    login(judge)
    with client.get(f"/c/{contest.slug}/judge/{entry.code}/files/{entry.files[0].id}") as served:
        assert served.status_code == 200
        body = served.get_data()
    assert b"%PDF" in body[:8]
    for encoding in ("utf-8", "utf-16-be"):
        assert "Bí Mật".encode(encoding) not in body
    assert upload_path(entry.files[0]).read_bytes() == pdf


def test_an_author_who_is_a_judge_is_never_assigned_their_own_entry(make_contest, make_entry, make_user):
    contest = make_contest()
    both = make_user(Role.AUTHOR, Role.JUDGE, email="tacgia.giamkhao@example.vn")
    other = make_user(Role.JUDGE)
    own = make_entry(contest, submitted_by=both)
    start_judging(contest, actor=None)
    assign_judges(contest, [both, other], None, actor=None)
    db.session.commit()
    judges_of_own = db.session.scalars(select(Assignment.judge_id).where(Assignment.entry_id == own.id)).all()
    assert judges_of_own == [other.id]


def test_import_does_not_silently_overwrite_a_sheet_submitted_on_the_web(runner, tmp_path, make_contest,
                                                                         make_entry, make_user):
    from contest.judging.services import save_sheet

    contest = make_contest()
    entry = make_entry(contest)
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE, email="giamkhao1@example.vn")
    assign_judges(contest, [judge], None, actor=None)
    nd, ht = contest.criteria
    sheet = db.session.scalar(select(Assignment))
    save_sheet(sheet, {nd.id: Decimal(40), ht.id: Decimal(25)}, "Tốt", submit=True, actor=judge)
    db.session.commit()
    csv_file = tmp_path / "scores.csv"
    csv_file.write_text(f"entry_code,judge_email,ND,HT,comment\n{entry.code},giamkhao1@example.vn,20,10,\n")

    refused = runner.invoke(args=["import-scores", contest.slug, str(csv_file)])
    assert refused.exit_code == 1
    assert "--overwrite" in refused.output
    db.session.expire_all()
    assert sorted(s.points for s in db.session.get(Assignment, sheet.id).scores) == [25, 40]

    done = runner.invoke(args=["import-scores", contest.slug, str(csv_file), "--overwrite"])
    assert done.exit_code == 0, done.output
    change = db.session.scalars(select(ScoreChange).order_by(ScoreChange.id.desc())).first()
    assert change.points == {"ND": ["40", "20"], "HT": ["25", "10"]}
    assert (change.comment_before, change.comment_after) == ("Tốt", "")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "score.imported")).one()
    assert event.details["points"] == {"ND": ["40", "20"], "HT": ["25", "10"]}


def concurrent_identical_submissions(app, base, n: int = 100) -> list[int]:
    """Log in once, then POST the same first submission of one sheet ``n`` times at once."""
    with app.app_context():
        contest = Contest.query.filter_by(slug="dong-thoi").one()
        code = db.session.scalar(select(Assignment)).entry.code
        nd, ht = contest.criteria
        fields = {f"points_{nd.id}": "46,5", f"points_{ht.id}": "30", "comment": "Đồng thời",
                  "submit_scores": "Submit scores"}
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/auth/login").read().decode()
    token = CSRF_RE.search(page).group(1)
    opener.open(f"{base}/auth/login", urllib.parse.urlencode(
        {"email": "giamkhao@example.vn", "password": PASSWORD, "csrf_token": token}).encode())
    page = opener.open(f"{base}/c/dong-thoi/judge/{code}").read().decode()
    fields["csrf_token"] = CSRF_RE.search(page).group(1)
    body = urllib.parse.urlencode(fields).encode()
    statuses: list[int] = []
    start = threading.Barrier(n)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    poster = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def submit():
        start.wait()
        try:
            with poster.open(f"{base}/c/dong-thoi/judge/{code}", body, timeout=120) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_a_hundred_identical_first_submissions_at_once(live_server):
    app, base = live_server
    with app.app_context():
        from contest.admin.setup import apply_contest_settings
        from tests.conftest import contest_settings as settings

        contest = apply_contest_settings(settings("dong-thoi"))
        judge = upsert_user("giamkhao@example.vn", "Phạm Giám Khảo", [Role.JUDGE], PASSWORD)
        author = upsert_user("tacgia@example.vn", "Tác Giả", [Role.AUTHOR], PASSWORD)
        create_entry(contest, EntryFields(title="Mô hình", category=contest.categories[0],
                                          author_kind="individual", authors=["Tác Giả"]), [],
                     submitted_by=author)
        start_judging(contest, actor=None)
        assign_judges(contest, [judge], None, actor=None)
        db.session.commit()
    statuses = concurrent_identical_submissions(app, base)
    assert len(statuses) == 100
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {302}
    with app.app_context():
        assert db.session.scalar(select(func.count(Assignment.id))) == 1
        assert sorted(db.session.scalars(select(Score.points))) == [Decimal(30), Decimal("46.5")]
        assert db.session.scalar(select(func.count(ScoreChange.id))) == 1
