"""Pages in a real browser (headless Chromium driven by Playwright): scoring, phone layouts."""
from __future__ import annotations

import os
import re
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.admin.setup import apply_contest_settings
from contest.auth.services import upsert_user
from contest.entries.services import EntryFields, allocate_code
from contest.extensions import db
from contest.judging.services import assign_judges, start_judging
from contest.models import Assignment, AuthorKind, Contest, Entry, Role
from tests.conftest import PASSWORD, contest_settings
from tests.live import CHROMIUM, chromium, serve

if CHROMIUM is None and os.environ.get("CONTEST_REQUIRE_BROWSER") != "1":
    pytest.skip("no Chromium on this machine (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(_schema, tmp_path):
    """The app on a real port, on a database other threads can share."""
    with serve(tmp_path) as served:
        yield served


@pytest.fixture
def browser():
    """Chromium; a test passes only if no page broke the Content-Security-Policy."""
    with chromium() as watched:
        yield watched
        assert watched.csp_violations() == []


def test_a_judge_scores_an_entry(live_server, browser, tmp_path):
    app, base = live_server
    with app.app_context():
        contest = apply_contest_settings(contest_settings("trinh-duyet"))
        judge = upsert_user("giamkhao@example.vn", "Phạm Giám Khảo", [Role.JUDGE], PASSWORD)
        entry = Entry(contest=contest, code=allocate_code(contest))
        EntryFields(title="Thắp sáng đường quê ở xã Kiền Bái", category=contest.categories[0],
                    author_kind=AuthorKind.INDIVIDUAL, authors=["Trần Văn Bí Mật"],
                    organization="Hội Nông dân xã Kiền Bái",
                    description="Mô hình vận động Nhân dân góp tiền lắp đèn.").apply_to(entry)
        db.session.add(entry)
        db.session.flush()
        start_judging(contest, actor=None)
        assign_judges(contest, [judge], None, actor=None)
        db.session.commit()
        code, entry_id = entry.code, entry.id

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "giamkhao@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.goto(f"{base}/c/trinh-duyet/judge/")
    assert "Trần Văn Bí Mật" not in page.content()
    page.click(f"a:has-text('{code}')")
    assert "Thắp sáng đường quê ở xã Kiền Bái" in page.content()
    assert "Trần Văn Bí Mật" not in page.content()

    page.get_by_label("Nội dung").fill("46.5")
    page.get_by_label("Hình thức").fill("30")
    page.fill("textarea[name=comment]", "Mô hình thiết thực, dễ nhân rộng.")
    page.screenshot(path=str(tmp_path / "score-sheet.png"), full_page=True)
    page.click("[name=submit_scores]")
    page.wait_for_load_state()
    assert "Trần Văn Bí Mật" not in page.content()

    with app.app_context():
        sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entry_id))
        assert sheet.is_submitted
        assert sorted(s.points for s in sheet.scores) == [Decimal("30"), Decimal("46.5")]
        assert sheet.comment == "Mô hình thiết thực, dễ nhân rộng."


def test_results_and_certificates_can_be_read_on_a_phone(live_server, browser):
    from contest.certificates.services import certificates_of
    from contest.demo import load_demo
    from contest.results.services import compute_ranking, finalize, publish, resolve_tie

    app, base = live_server
    with app.app_context():
        app.config["BABEL_DEFAULT_LOCALE"] = "vi"  # as real users get it: Vietnamese text is longer
        logins = load_demo(entries=40, judges=4, seed=2022)
        contest = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
        for tie in compute_ranking(contest).ties:
            resolve_tie(contest, tie.codes, "Bốc thăm", actor=None)
        finalize(contest, actor=None)
        publish(contest, actor=None)
        db.session.commit()
        # The recognition list's certificates have no entry code; the page lists its first 20.
        codes = {kind.code: [c.entry.code for c in certificates_of(kind) if c.entry]
                 for kind in contest.documents}
    _, email, password = logins[0]

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/c/dvk-2022/results")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("ol.winners-list").first.is_visible()
    assert not page.locator("table").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("table").first.is_visible()
    assert not page.locator("ol.winners-list").first.is_visible()

    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.goto(f"{base}/c/dvk-2022/organize/certificates")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Nothing hides behind a sideways scroll, and every entry code is on screen.
        assert page.evaluate("""[...document.querySelectorAll('.table-responsive')]
                                .every(box => box.scrollWidth <= box.clientWidth)""")
        for kind, kind_codes in codes.items():
            visible = page.evaluate("""kind => [...document.querySelectorAll(`#doc-${kind} .entry-code`)]
                                       .filter(el => el.offsetParent !== null).map(el => el.textContent)""",
                                    kind)
            assert visible == kind_codes
        # The download button sits in the same place in every document's card:
        # under the title on a phone, at the right from md up.
        buttons = page.get_by_role("link", name=re.compile("Tải tất cả"))
        assert buttons.count() == 3
        places = []
        for i, kind in enumerate(codes):
            button, card = buttons.nth(i).bounding_box(), page.locator(f"#doc-{kind}").bounding_box()
            left = button["x"] - card["x"]
            right = card["x"] + card["width"] - button["x"] - button["width"]
            places.append(round(left) if width < 768 else round(right))
        assert places[0] == places[1] == places[2]


def judged_contest(app, slug: str):
    """A contest in judging, one entry, one judge on it; returns the entry's code."""
    with app.app_context():
        contest = apply_contest_settings(contest_settings(slug))
        judge = upsert_user("giamkhao@example.vn", "Phạm Giám Khảo", [Role.JUDGE], PASSWORD)
        entry = Entry(contest=contest, code=allocate_code(contest))
        EntryFields(title="Thắp sáng đường quê", category=contest.categories[0],
                    author_kind=AuthorKind.INDIVIDUAL, authors=["Trần Văn Bí Mật"]).apply_to(entry)
        db.session.add(entry)
        db.session.flush()
        start_judging(contest, actor=None)
        assign_judges(contest, [judge], None, actor=None)
        db.session.commit()
        return entry.code, entry.id


def log_in(page, base: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "giamkhao@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")


def stored(app, entry_id: int) -> tuple[list[Decimal], bool]:
    with app.app_context():
        sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entry_id))
        return [s.points for s in sorted(sheet.scores, key=lambda s: s.criterion_id)], sheet.is_submitted


@pytest.mark.parametrize(("locale", "nd", "ht"), [("vi-VN", "3,5", "7,5"), ("en-US", "3.5", "7.5")])
def test_a_judge_types_decimals_the_way_their_keyboard_does(live_server, browser, locale, nd, ht):
    app, base = live_server
    code, entry_id = judged_contest(app, "thap-phan")
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/c/thap-phan/judge/{code}")
    assert page.evaluate("navigator.language") == locale
    page.get_by_label("Nội dung").press_sequentially(nd)
    page.get_by_label("Hình thức").press_sequentially(ht)
    assert page.locator("#sheet-total").text_content() == "11.00"
    page.get_by_label("Hình thức").fill("7,3")
    assert page.locator("#sheet-total").text_content() == "—"
    assert page.locator("[id$=-live]:visible").first.text_content() == "In steps of 0.5."
    page.get_by_label("Hình thức").fill("")
    page.get_by_label("Hình thức").press_sequentially(ht)
    assert page.locator("#sheet-total").text_content() == "11.00"
    page.click("[name=submit_scores]")
    page.wait_for_load_state()
    assert "submitted: total 11.00" in page.content()
    assert stored(app, entry_id) == ([Decimal("3.5"), Decimal("7.5")], True)
    context.close()


def test_the_live_total_parses_exactly_like_the_server(live_server, browser):
    from contest.domain.points import PointsError, parse_points, points_problem
    from contest.domain.scoring import CriterionRule, format_score, judge_total

    app, base = live_server
    code, _ = judged_contest(app, "cung-luat")
    page = browser.new_page()
    log_in(page, base)
    page.goto(f"{base}/c/cung-luat/judge/{code}")
    typed = ["7", "7,5", "7.50", "07,5", "7.3", "7,25", "7.125", "60", "60,5", "60.00", "0", "0,0",
             "-1", "+1", "1e3", "NaN", "Infinity", "7,5,0", " 8 ", "1 000", "٣", ",5", "5,", "12345678",
             "0.1", "0.25", "0.75", "33.33"]
    for step in ("1", "0.5", "0.25", "0.1"):
        for text in typed:
            js = page.evaluate("([t, s]) => { const r = ScoreSheet.parsePoints(t, '60', s);"
                               " return r.problem || (r.empty ? 'empty' : String(r.hundredths)); }",
                               [text, step])
            try:
                value = parse_points(text)
            except PointsError as exc:
                expected = exc.problem.value
            else:
                problem = None if value is None else points_problem(value, Decimal(60), Decimal(step))
                expected = problem.value if problem else ("empty" if value is None else str(int(value * 100)))
            assert js == expected, (text, step)
    # Weighted, rounded half-up to two decimals: the total the server shows.
    rows = [("46,5", "60", "0.5", "1.5"), ("33.25", "40", "0.25", "0.333"), ("0.1", "10", "0.1", "1.125")]
    shown = page.evaluate("rows => ScoreSheet.total(rows.map(([t, m, s, w]) => "
                          "({typed: t, max: m, step: s, weight: w})))", rows)
    rules = [CriterionRule(str(i), Decimal(m), Decimal(w)) for i, (_, m, _, w) in enumerate(rows)]
    points = {str(i): parse_points(t) for i, (t, _, _, _) in enumerate(rows)}
    assert shown == format_score(judge_total(points, rules)) == "80.93"


def test_drafts_save_while_typing_and_when_the_tab_closes(live_server, browser):
    app, base = live_server
    code, entry_id = judged_contest(app, "tu-luu")
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/c/tu-luu/judge/{code}")
    page.get_by_label("Nội dung").press_sequentially("12,5")
    page.locator("#autosave-status", has_text="Draft saved at").wait_for()
    assert stored(app, entry_id) == ([Decimal("12.5")], False)
    page.get_by_label("Hình thức").press_sequentially("20")
    page.close(run_before_unload=True)  # at once: no time for the typing pause
    deadline = time.monotonic() + 60  # the last draft comes as the tab closes, however busy the machine
    while len(stored(app, entry_id)[0]) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored(app, entry_id) == ([Decimal("12.5"), Decimal("20")], False)
    context.close()


def test_a_file_over_the_limits_is_stopped_in_the_browser_and_nothing_typed_is_lost(live_server, browser,
                                                                                    tmp_path):
    from tests import files

    app, base = live_server
    app.config.update(MAX_FILE_MB=1, MAX_ENTRY_MB=1.5)
    with app.app_context():
        apply_contest_settings(contest_settings("gui-bai"))
        upsert_user("tacgia@example.vn", "Nguyễn Thị Thuỳ Dương", [Role.AUTHOR], PASSWORD)
        db.session.commit()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "tacgia@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/c/gui-bai/submit")
    page.fill("input[name=title]", "Con đường hoa ở xã Tân Trào")
    page.select_option("select[name=category]", label="Ảnh")
    page.fill("textarea[name=description]", "Mô hình “Con đường hoa” ở thôn Đông.")
    posts.clear()

    padded = files.pdf(identity=False)
    big = padded + b"%" + b"0" * (1024 * 1024 + 200_000)
    page.set_input_files("input[name=files]", [{"name": "Phim dài.mp4", "mimeType": "video/mp4",
                                                "buffer": big}])
    alert = page.locator("#files-size-problem")
    send = page.get_by_role("button", name="Submit the entry")
    assert alert.inner_text() == "The file “Phim dài.mp4” is 1.2 MB: at most 1 MB per file. " \
                                 "Choose a smaller file, or give a link."
    page.screenshot(path=str(tmp_path / "upload-too-large.png"), full_page=True)
    send.click()
    page.wait_for_timeout(300)
    assert posts == [] and page.url.endswith("/c/gui-bai/submit")
    assert page.input_value("input[name=title]") == "Con đường hoa ở xã Tân Trào"

    one_mb = padded + b"%" + b"0" * (900 * 1024)
    page.set_input_files("input[name=files]", [
        {"name": "Bài 1.pdf", "mimeType": "application/pdf", "buffer": one_mb},
        {"name": "Bài 2.pdf", "mimeType": "application/pdf", "buffer": one_mb}])
    assert alert.inner_text() == "These files come to 1.8 MB with those already sent: at most 1.5 MB per entry."
    send.click()
    page.wait_for_timeout(300)
    assert posts == []

    page.set_input_files("input[name=files]", [{"name": "Bài dự thi.pdf", "mimeType": "application/pdf",
                                                "buffer": padded}])
    assert alert.inner_text() == ""
    send.click()
    page.wait_for_url("**/entries/TT-0001")
    with app.app_context():
        entry = db.session.scalar(select(Entry))
        assert entry.title == "Con đường hoa ở xã Tân Trào"
        assert [f.original_name for f in entry.files] == ["Bài dự thi.pdf"]


def test_the_representative_is_asked_only_for_a_collective(live_server, browser, tmp_path):
    app, base = live_server
    with app.app_context():
        apply_contest_settings(contest_settings("gui-bai"))
        upsert_user("tacgia@example.vn", "Nguyễn Thị Thuỳ Dương", [Role.AUTHOR], PASSWORD)
        db.session.commit()
    page = browser.new_page()
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "tacgia@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/c/gui-bai/submit")
    representative = page.locator("input[name=representative]")
    assert not representative.is_visible()
    page.check("input[name=author_kind][value=collective]")
    assert representative.is_visible()
    page.screenshot(path=str(tmp_path / "collective.png"), full_page=True)
    page.fill("input[name=title]", "Thắp sáng đường quê")
    page.select_option("select[name=category]", label="Ảnh")
    page.fill("textarea[name=authors]", "Tập thể Hội Phụ nữ xã Kiền Bái")
    page.fill("input[name=link]", "https://video.example.vn/thap-sang")
    page.get_by_role("button", name="Submit the entry").click()
    assert "Name the person who represents the collective." in page.content()
    assert representative.is_visible(), "a collective sent back with an error still shows the field"
    page.fill("input[name=representative]", "Lê Thị Bình")
    page.get_by_role("button", name="Submit the entry").click()
    page.wait_for_url("**/entries/TT-0001")
    page.goto(f"{base}/c/gui-bai/entries/TT-0001/edit")
    assert page.locator("input[name=representative]").is_visible()
    page.check("input[name=author_kind][value=individual]")
    assert not page.locator("input[name=representative]").is_visible()
    with app.app_context():
        assert db.session.scalar(select(Entry.representative)) == "Lê Thị Bình"


def test_the_print_batch_page_follows_the_job_and_then_offers_the_file(live_server, browser, monkeypatch,
                                                                     tmp_path):
    """A background batch in chunks of 10: the bar moves as the worker reports, then the link shows."""
    import threading

    from contest.certificates import batches
    from contest.certificates.services import document_kind
    from contest.demo import load_demo
    from contest.jobs import jobs
    from tests.test_certificate_batches import finalize_with_participation

    app, base = live_server
    app.config.update(CERTIFICATE_BATCH_CHUNK=10)
    with app.app_context():
        load_demo(entries=40, judges=4, seed=2022)
        contest = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
        finalize_with_participation(contest)
        job = batches.start_batch(document_kind(contest, "TG"), actor=None)
        db.session.commit()
        job_url = f"{base}/c/dvk-2022/organize/certificates/jobs/{job.id}"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/lang/en")
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", "bantochuc@dvk2022.vn")
    page.fill("input[name=password]", "bantochuc2022")
    page.click("input[type=submit], button[type=submit]")
    page.goto(job_url)
    meter = page.locator("[role=progressbar]")
    assert meter.get_attribute("aria-valuenow") == "0" and meter.get_attribute("aria-valuemax") == "40"
    assert "waiting for a worker" in page.inner_text("#batch-job")

    # Each chunk's progress stays a little longer than the page's one-second poll.
    report = batches.report_progress

    def slow_report(job, done):
        report(job, done)
        time.sleep(1.3)

    monkeypatch.setattr(batches, "report_progress", slow_report)

    def work():
        with app.app_context():
            jobs.run_pending()

    worker = threading.Thread(target=work)
    worker.start()
    seen = []
    try:
        link = page.locator("[data-download]")
        deadline = time.monotonic() + 60
        while "d-none" in (link.get_attribute("class") or "") and time.monotonic() < deadline:
            value = int(meter.get_attribute("aria-valuenow"))
            if not seen or seen[-1] != value:
                seen.append(value)
            page.wait_for_timeout(200)
    finally:
        worker.join()
    assert seen == sorted(seen) and any(0 < value < 40 for value in seen), seen
    assert meter.get_attribute("aria-valuenow") == "40"
    assert "bg-success" in page.locator("[data-bar]").get_attribute("class")
    assert "done" in page.inner_text("#batch-job")
    page.screenshot(path=str(tmp_path / "batch-job.png"))
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
