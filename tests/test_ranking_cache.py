"""The ranking kept between requests: two app instances on one database stand for two
gunicorn workers; whatever one of them changes, the other's ranking page shows it."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.pool import NullPool

from config import TestConfig
from contest import create_app
from contest.auth.services import upsert_user
from contest.extensions import db
from contest.judging.rounds import close_round
from contest.judging.services import assign_judges, save_sheet, start_judging
from contest.models import (
    Assignment,
    Contest,
    Criterion,
    Entry,
    EntryAuthor,
    EntryStatus,
    PrizeTier,
    RankingVersion,
    EntryResult,
    ResultSnapshot,
    Role,
    Round,
    Score,
    ScoreMethod,
    User,
)
from contest.results.cache import RankingCache, cached_ranking, process_cache
from contest.results.services import add_reader, finalize, load_entries, resolve_tie
from contest.results.versions import ranking_version
from tests.conftest import ON_POSTGRES, PASSWORD, app_for_a_test, post_form
from tests.harsh import english, harsh, organizer  # noqa: F401 (fixtures)

RANKING = "/c/thi-thu/organize/ranking"
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')
CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f-]{27}")  # pygal's, new with each drawing


def _config(tmp_path: Path) -> type:
    class Config(TestConfig):
        INSTANCE_PATH = tmp_path / "instance"
        UPLOAD_FOLDER = tmp_path / "instance" / "uploads"
        if not ON_POSTGRES:  # a file, so that the second instance opens the same database
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"

    return Config


@pytest.fixture
def app(_schema, tmp_path: Path):
    """The first worker (conftest's app, on a database file the second can open too)."""
    with app_for_a_test(_config(tmp_path)) as app:
        yield app


@pytest.fixture
def other(app, tmp_path: Path):
    """The second worker: its own app, engine, session and cache; ``other()`` enters it."""
    class Second(_config(tmp_path)):
        # Each connection closed as its session ends: the first worker's TRUNCATE at the
        # end of the test waits for no idle one.
        SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": NullPool}

    second = create_app(Second)
    yield second.app_context
    with second.app_context():
        db.engine.dispose()


def page(client, url: str = RANKING) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return CHART_ID.sub("chart", CSRF_VALUE.sub(r'\1"', response.get_data(as_text=True)))


def row_of(html: str, code: str) -> str | None:
    match = re.search(rf'<tr[^>]*id="row-{code}">.*?</tr>', html, re.DOTALL)
    return match.group() if match else None


def warm(client, url: str = RANKING, cache=process_cache) -> str:
    """The page twice: the second is served from what the first worker kept (``cache()``:
    its rankings, unless told)."""
    first = page(client, url)
    hits = cache().hits
    second = page(client, url)
    assert cache().hits == hits + 1
    assert second == first
    return first


def fresh_page(client, url: str = RANKING, cache=process_cache) -> str:
    """The page as the first worker renders it with nothing kept."""
    cache().clear()
    return page(client, url)


def sheet_of(contest_id: int, judge_email: str, code: str) -> Assignment:
    return db.session.scalar(
        select(Assignment).join(Assignment.entry).join(User, User.id == Assignment.judge_id)
        .where(Entry.contest_id == contest_id, Entry.code == code, User.email == judge_email))


def contest_of(contest_id: int) -> Contest:
    return db.session.get(Contest, contest_id)


def new_points(contest_id: int, judge_email: str, code: str, total: int) -> None:
    contest = contest_of(contest_id)
    nd, ht = contest.criteria
    save_sheet(sheet_of(contest_id, judge_email, code),
               {nd.id: Decimal(min(total, 60)), ht.id: Decimal(max(total - 60, 0))}, "",
               submit=True, actor=None)


def _entry(contest_id: int, code: str) -> Entry:
    return db.session.scalar(select(Entry).where(Entry.contest_id == contest_id, Entry.code == code))


def _tier(contest_id: int, code: str) -> PrizeTier:
    return db.session.scalar(select(PrizeTier).where(PrizeTier.contest_id == contest_id, PrizeTier.code == code))


# Each change as the second worker makes it: (contest id, entry codes by name) → None.
CHANGES = {
    "a sheet's points": lambda c, codes: new_points(c, "lan@example.vn", codes["P"], 99),
    "a sheet removed": lambda c, codes: db.session.delete(sheet_of(c, "cuc@example.vn", codes["X"])),
    "a sheet back to a draft": lambda c, codes: setattr(
        sheet_of(c, "dung@example.vn", codes["X"]), "submitted_at", None),
    "an entry screened ineligible": lambda c, codes: setattr(_entry(c, codes["Q"]), "status",
                                                             EntryStatus.INELIGIBLE),
    "an entry withdrawn": lambda c, codes: setattr(_entry(c, codes["S"]), "status", EntryStatus.WITHDRAWN),
    "an entry's code": lambda c, codes: setattr(_entry(c, codes["R"]), "code", "TT-9001"),
    "a judge added to an entry": lambda c, codes: add_reader(contest_of(c), codes["P"], actor=None),
    "a tier's quota": lambda c, codes: setattr(_tier(c, "C"), "quota", 0),
    "a tier's minimum score": lambda c, codes: setattr(_tier(c, "B"), "min_score", Decimal(70)),
    "a criterion's weight": lambda c, codes: setattr(
        db.session.scalar(select(Criterion).where(Criterion.contest_id == c, Criterion.code == "HT")),
        "weight", Decimal(3)),
    "the round's method": lambda c, codes: setattr(contest_of(c).current_round, "method", ScoreMethod.ZSCORE),
    "the disagreement threshold": lambda c, codes: setattr(contest_of(c).current_round, "disagreement",
                                                           Decimal("0.9")),
    "a sheet reopened by a bulk statement": lambda c, codes: db.session.execute(
        update(Assignment).where(Assignment.id == sheet_of(c, "cuc@example.vn", codes["X"]).id)
        .values(submitted_at=None)),
    # Not ranked, but shown on the kept page:
    "an entry's title": lambda c, codes: setattr(_entry(c, codes["T"]), "title", "Mô hình mới"),
    "an entry's authors": lambda c, codes: _entry(c, codes["T"]).set_authors(["Lê Văn Mới", "Đỗ Thị Hai"]),
    "an author renamed": lambda c, codes: setattr(_entry(c, codes["U"]).authors[0], "name", "Lê Văn Mới"),
    "an entry's category": lambda c, codes: setattr(_entry(c, codes["V"]), "category", contest_of(c).categories[1]),
    "a category's name": lambda c, codes: setattr(contest_of(c).categories[0], "name", "Báo điện tử"),
    "an author renamed by a bulk statement": lambda c, codes: db.session.execute(
        update(EntryAuthor).where(EntryAuthor.entry_id == _entry(c, codes["W"]).id).values(name="Lê Văn Mới")),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_by_another_worker_shows_on_the_next_page(harsh, client, organizer, other, change):
    codes = {name: entry.code for name, entry in harsh.entries.items()}
    before = warm(client)
    with other():
        CHANGES[change](harsh.contest.id, codes)
        db.session.commit()
    after = page(client)
    assert after != before
    assert after == fresh_page(client)


def test_a_tie_resolved_by_another_worker_shows_on_the_next_page(harsh, client, organizer, other):
    q = harsh.code("Q")
    with other():
        for name in "PRS":  # P, Q, R and S at 62: equal across the lines of A, B and C
            new_points(harsh.contest.id, "lan@example.vn", harsh.code(name), 62)
        db.session.commit()
    before = warm(client)
    assert "boundary tie" in before.lower()
    with other():
        tie = cached_ranking(contest_of(harsh.contest.id)).ties[0]
        resolve_tie(contest_of(harsh.contest.id), sorted(tie.codes, reverse=True), "Bốc thăm", actor=None)
        db.session.commit()
    after = page(client)
    assert after != before
    assert after == fresh_page(client)
    assert row_of(after, q) is not None


def test_tie_breakers_changed_by_another_worker_show_on_the_next_page(harsh, client, organizer, other):
    with other():
        for name in "PRS":
            new_points(harsh.contest.id, "lan@example.vn", harsh.code(name), 62)
        db.session.commit()
    before = warm(client)
    with other():
        contest_of(harsh.contest.id).tie_breakers = ["criterion:HT"]
        db.session.commit()
    after = page(client)
    assert after != before
    assert after == fresh_page(client)


ROUNDS = [
    {"code": "SK", "name": "Sơ khảo", "per_entry": 2, "advance": {"top": 3}},
    {"code": "CK", "name": "Chung khảo", "per_entry": "all"},
]


def test_a_round_closed_by_another_worker_shows_on_the_next_page(make_contest, make_entry, make_user,
                                                                  client, organizer, other):
    contest = make_contest(rounds=ROUNDS)
    for n in range(1, 7):
        make_entry(contest, title=f"Mô hình số {n}")
    judges = [make_user(Role.JUDGE, name=f"Giám khảo {n}") for n in range(1, 4)]
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    nd, ht = contest.criteria
    for n, sheet in enumerate(db.session.scalars(select(Assignment).order_by(Assignment.id))):
        save_sheet(sheet, {nd.id: Decimal(30 + n), ht.id: Decimal(20)}, "", submit=True, actor=None)
    db.session.commit()
    before = warm(client)
    with other():
        close_round(contest_of(contest.id), actor=None)
        db.session.commit()
    after = page(client)
    assert after != before
    assert after == fresh_page(client)
    with other():  # the final round's first sheet
        final = contest_of(contest.id).current_round
        sheet = db.session.scalar(select(Assignment).where(Assignment.round_id == final.id)
                                  .order_by(Assignment.id))
        save_sheet(sheet, {nd.id: Decimal(50), ht.id: Decimal(30)}, "", submit=True, actor=None)
        db.session.commit()
    assert page(client) == fresh_page(client) != after


def test_a_new_round_state_by_another_worker_shows_on_the_next_page(harsh, client, organizer, other):
    before = warm(client)
    with other():
        db.session.add(Round(contest_id=harsh.contest.id, number=2, code="CK", name="Chung khảo"))
        db.session.commit()
    after = page(client)
    assert after != before
    assert after == fresh_page(client)


def test_the_page_is_kept_per_method_and_each_preview_is_fresh(harsh, client, organizer, other):
    plain, zscore = warm(client), warm(client, f"{RANKING}?method=zscore")
    assert plain != zscore
    with other():
        new_points(harsh.contest.id, "hung@example.vn", harsh.code("T"), 99)
        db.session.commit()
    assert page(client, f"{RANKING}?method=zscore") == fresh_page(client, f"{RANKING}?method=zscore")
    assert page(client) == fresh_page(client) != plain


def test_a_hit_runs_fewer_queries_than_a_miss_and_reads_the_version(harsh, client, organizer,
                                                                    count_queries):
    with count_queries() as miss:
        page(client)
    with count_queries() as hit:
        page(client)
    assert any("ranking_versions" in s for s in hit)
    assert len(hit) < len(miss)
    assert not any("GROUP BY" in s and "scores" in s for s in hit)
    # The kept page holds what it showed of the rounds, tiers and tie resolutions.
    assert not any(re.search(r"FROM (rounds|prize_tiers|tie_resolutions)\b", s) for s in hit)


def test_a_kept_rankings_rows_without_a_tier_are_shared_and_cannot_be_changed(harsh):
    contest = harsh.contest
    computed = cached_ranking(contest)  # the first request's own ranking
    kept, again = cached_ranking(contest), cached_ranking(contest)
    assert kept.rows == computed.rows and again.rows == computed.rows
    tierless = [i for i, row in enumerate(computed.rows)
                if row.tier is None and row.tier_if_mean is None and not row.contested]
    assert 0 < len(tierless) < len(computed.rows)
    for i, (row, same) in enumerate(zip(kept.rows, again.rows)):
        if i in tierless:
            assert row is same  # shared by both requests
            with pytest.raises(AttributeError, match="shared between requests"):
                row.loaded = harsh.entries["P"]
        else:  # a copy of the request's own, with the request's tier objects
            assert row is not same and row.loaded is None
            assert {id(t) for t in (row.tier, row.tier_if_mean, *row.contested) if t is not None} \
                <= {id(t) for t in contest.tiers}
    with pytest.raises(AttributeError):
        load_entries(kept.rows)  # attaching this request's entries would show them to others
    assert all(row.loaded is None for row in again.rows)


def test_kept_rows_carry_each_visitors_own_csrf_token_and_language(harsh, app, client, organizer, make_user):
    """The rows' HTML is kept per page and language; the re-read forms in it get the
    token of whoever asks, never the token of whoever asked first."""
    reread = re.compile(r'action="/c/thi-thu/organize/ranking/[^/"]+/reread".*?name="csrf_token" value="([^"]+)"',
                        re.DOTALL)

    def visitor(email: str, language: str):
        browser = app.test_client()
        browser.get(f"/lang/{language}")
        post_form(browser, "/auth/login", {"email": make_user(Role.ORGANIZER, email=email).email,
                                           "password": PASSWORD})
        return browser

    second, third = visitor("hai@example.vn", "en"), visitor("ba@example.vn", "vi")
    tokens = {}
    for who, browser in (("first", client), ("second", second), ("third", third), ("first again", client)):
        hits = process_cache().hits
        html = browser.get(RANKING).get_data(as_text=True)
        assert process_cache().hits == hits + (who != "first")
        # The finalize form is drawn for each request: its token is the visitor's own.
        own = re.search(r'name="csrf_token" value="([^"]+)"', html.split('id="next-heading"')[1]).group(1)
        assert set(reread.findall(html)) == {own}
        assert ("giám khảo chấm lệch" in html) == (who == "third")
        tokens[who] = own
    assert len({tokens["first"], tokens["second"], tokens["third"]}) == 3
    sheets = db.session.scalar(select(func.count(Assignment.id)))
    response = second.post(f"/c/thi-thu/organize/ranking/{harsh.code('X')}/reread",
                           data={"csrf_token": tokens["second"]})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Assignment.id))) == sheets + 1


def _tie_at_62(harsh, other) -> None:
    with other():
        for name in "PRS":  # P, Q, R and S at 62: equal across the lines of A, B and C
            new_points(harsh.contest.id, "lan@example.vn", harsh.code(name), 62)
        db.session.commit()


def _resolutions_table(html: str) -> str:
    return re.search(r'<table[^>]*id="resolutions-table">.*?</table>', html, re.DOTALL).group()


def test_whoever_ordered_a_tie_renamed_by_another_worker_shows_on_the_next_page(
        harsh, client, organizer, other, make_contest):
    _tie_at_62(harsh, other)
    tie = cached_ranking(harsh.contest).ties[0]
    resolve_tie(harsh.contest, tie.codes, "Bốc thăm", actor=organizer)
    db.session.commit()
    elsewhere = make_contest("khac")
    version_elsewhere = ranking_version(db.session, elsewhere.id)
    before = warm(client)
    assert "Trần Thu Hà" in _resolutions_table(before)
    with other():
        upsert_user(organizer.email, "Trần Thu Hương", [Role.ORGANIZER], None)
        db.session.commit()
    db.session.expire_all()  # the test's requests share its session; a worker's next does not
    after = page(client)
    assert "Trần Thu Hương" in _resolutions_table(after)
    assert after == fresh_page(client)
    # Only the contests where they ordered a tie move on.
    assert ranking_version(db.session, elsewhere.id) == version_elsewhere


def test_a_kept_page_shows_each_visitor_their_own_name_messages_and_token(
        harsh, app, client, organizer, other, make_user):
    """Everything but the visitor's menu, messages and CSRF token is kept: a second
    organizer served the first one's kept page sees none of the first one's."""
    _tie_at_62(harsh, other)
    second = app.test_client()
    post_form(second, "/auth/login", {"email": make_user(Role.ORGANIZER, name="Võ Văn Hai").email,
                                      "password": PASSWORD})
    tie_form = re.compile(r'action="/c/thi-thu/organize/ranking/resolve"[^>]*>\s*'
                          r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
    mine = page(client)
    # A refused order (two of the tied entries): a message, nothing written.
    codes = cached_ranking(harsh.contest).ties[0].codes[:2]
    refused = post_form(client, f"{RANKING}/resolve", {"codes": " ".join(codes), "position_0": "1",
                                                       "position_1": "2", "reason": "Bốc thăm"},
                        form_page=RANKING)
    assert refused.status_code == 302
    hits = process_cache().hits
    first_html = client.get(RANKING).get_data(as_text=True)
    second_html = second.get(RANKING).get_data(as_text=True)
    assert process_cache().hits == hits + 2  # both served kept
    message = "no longer one group of equal scores"
    assert message in first_html and message not in second_html
    assert "Trần Thu Hà" in first_html and "Trần Thu Hà" not in second_html
    assert "Võ Văn Hai" in second_html and "Võ Văn Hai" not in first_html
    own = {}
    for who, html in (("first", first_html), ("second", second_html)):
        own[who] = re.search(r'name="csrf_token" value="([^"]+)"', html.split('id="next-heading"')[1]).group(1)
        assert tie_form.findall(html) == [own[who]]
    assert own["first"] != own["second"]
    assert page(client) == mine  # the message shows once


def test_an_unsaved_change_is_ranked_afresh_and_never_kept(harsh, client, organizer):
    contest = harsh.contest
    kept = cached_ranking(contest)
    version = ranking_version(db.session, contest.id)
    new_points(contest.id, "lan@example.vn", harsh.code("P"), 99)  # flushed, not committed
    assert cached_ranking(contest).ranked[0].code == harsh.code("P")
    db.session.rollback()
    assert ranking_version(db.session, contest.id) == version
    assert [r.code for r in cached_ranking(contest).ranked] == [r.code for r in kept.ranked]
    assert page(client) == fresh_page(client)


def test_a_commit_moves_the_version_on_and_a_rollback_does_not(harsh):
    contest_id = harsh.contest.id
    version = ranking_version(db.session, contest_id)
    assert version > 0
    harsh.contest.name = "Một tên khác"
    db.session.commit()
    moved = ranking_version(db.session, contest_id)
    assert moved > version
    new_points(contest_id, "lan@example.vn", harsh.code("P"), 99)
    db.session.rollback()
    assert ranking_version(db.session, contest_id) == moved
    judge = db.session.scalar(select(User).where(User.email == "lan@example.vn"))
    judge.name = "Lan khác"  # nothing a ranking reads
    db.session.commit()
    assert ranking_version(db.session, contest_id) == moved
    # The finalized results' snapshot is not ranked, but the page shows it.
    db.session.add(ResultSnapshot(contest_id=contest_id, body="{}", sha256="0" * 64))
    db.session.commit()
    assert ranking_version(db.session, contest_id) > moved


def test_only_the_contest_changed_moves_on(harsh, make_contest):
    other_contest = make_contest("khac")
    versions = {c.id: ranking_version(db.session, c.id) for c in (harsh.contest, other_contest)}
    new_points(harsh.contest.id, "lan@example.vn", harsh.code("P"), 99)
    db.session.commit()
    assert ranking_version(db.session, harsh.contest.id) > versions[harsh.contest.id]
    assert ranking_version(db.session, other_contest.id) == versions[other_contest.id]
    # A bulk statement names no contest: every contest's ranking counts as changed.
    db.session.execute(delete(Score).where(Score.id == -1))
    db.session.commit()
    assert ranking_version(db.session, other_contest.id) > versions[other_contest.id]


def test_finalize_ranks_afresh_even_behind_the_cache(harsh, client, organizer, other):
    """A write the counters cannot see (raw SQL) leaves the kept page behind; the snapshot
    that finalize stores is still of what the database holds."""
    x = harsh.code("X")
    before = warm(client)
    with other():
        sheet = sheet_of(harsh.contest.id, "cuc@example.vn", x)
        db.session.execute(text("UPDATE assignments SET total = 0 WHERE id = :a"), {"a": sheet.id})
        db.session.commit()
    assert page(client) == before  # not seen: the counters move only with the session's writes
    finalize(harsh.contest, actor=None)
    db.session.commit()
    score = db.session.scalar(select(EntryResult.score).where(EntryResult.entry_id == harsh.entries["X"].id))
    assert score == Decimal(16)  # (0 + 32) / 2, not the kept 61


def test_the_version_row_is_the_contests_and_starts_with_it(make_contest):
    contest = make_contest("moi")
    assert db.session.get(RankingVersion, contest.id).version == ranking_version(db.session, contest.id) > 0


def test_the_cache_keeps_a_few_rankings_and_a_bounded_number_of_rows():
    class Kept:
        def __init__(self, size, round_method=None):
            self.size, self.round_method = size, round_method

    cache = RankingCache(size=2, rows=100)
    cache.put((1, "mean", 1), Kept(10))
    cache.put((2, "mean", 1), Kept(10))
    cache.put((3, "mean", 1), Kept(10))
    assert cache.get((1, "mean", 1)) is None and cache.get((3, "mean", 1)) is not None
    cache.put((3, "mean", 2), Kept(10))
    assert cache.get((3, "mean", 1)) is None  # a newer version of the contest replaces it
    # Each contest's round method at the version kept: a request for the round's finds it.
    cache.put((3, "zscore", 3), Kept(10, round_method="mean"))
    assert cache.round_method(3, 3) == "mean" and cache.round_method(3, 2) is None
    cache.put((3, "mean", 4), Kept(10, round_method="median"))
    assert cache.round_method(3, 3) is None and cache.round_method(3, 4) == "median"
    cache.put((4, "mean", 1), Kept(95))
    assert list(cache.kept) == [(4, "mean", 1)]
    cache.put((5, "mean", 1), Kept(101))  # larger than the whole budget: not kept
    assert cache.get((5, "mean", 1)) is None
    empty = RankingCache(size=0, rows=100)
    empty.put((1, "mean", 1), Kept(1))
    assert empty.get((1, "mean", 1)) is None

