"""The organizer's ranking, tie resolution, finalization and publication through HTTP."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import (
    AuditEvent,
    Award,
    Certificate,
    ContestPhase,
    DocumentKind,
    Role,
    TieResolution,
)
from contest.results.services import compute_ranking
from tests.conftest import post_form
from tests.harsh import english, organizer  # noqa: F401 (fixtures)

RANKING = "/c/dvk-2022/organize/ranking"
RESOLVE = "/c/dvk-2022/organize/ranking/resolve"
FINALIZE = "/c/dvk-2022/organize/finalize"
PUBLISH = "/c/dvk-2022/organize/publish"
CERTIFICATES = "/c/dvk-2022/organize/certificates"


def open_tie(contest) -> list[str]:
    ties = compute_ranking(contest).ties
    assert len(ties) == 1, "the demo contest has one boundary tie"
    return ties[0].codes


def resolve_via_web(client, codes: list[str], order: list[str], reason: str):
    """Post the tie form: a position for each code as shown, best first in ``order``."""
    data = {"codes": " ".join(codes), "reason": reason}
    for i, code in enumerate(codes):
        data[f"position_{i}"] = str(order.index(code) + 1)
    return post_form(client, RESOLVE, data, form_page=RANKING)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_ranking_page_shows_tiers_and_highlights_the_boundary_tie(client, demo_contest, organizer):
    codes = open_tie(demo_contest)
    page = client.get(RANKING).get_data(as_text=True)

    summary = re.search(r'id="tier-summary".*?</section>', page, re.DOTALL).group()
    assert 'data-tier="A">1/2<' in summary  # one A place is contested
    assert 'data-tier="B">3/4<' in summary
    assert 'data-tier="C">10/10<' in summary
    for code in codes:
        row = re.search(rf'<tr class="([^"]*)" id="row-{code}">', page)
        assert row and "boundary-tie" in row.group(1)
        assert "tie: A / B" in page
    first_prize = compute_ranking(demo_contest).ranked[0]
    assert re.search(rf'<tr class="tier-A" id="row-{first_prize.code}">', page)
    assert first_prize.score_text in page
    # One form to order the tie, with a position select per tied entry.
    assert page.count('name="position_') == len(codes)
    assert 'name="reason"' in page


def test_ranking_page_lists_incomplete_entries_apart(client, demo_contest, organizer):
    from contest.models import Assignment, Entry

    entry = db.session.scalar(select(Entry).where(Entry.code == "DVK-0040"))
    # A sheet of the final round, which decides the ranking.
    sheet = db.session.scalars(select(Assignment).where(
        Assignment.entry_id == entry.id, Assignment.round_id == demo_contest.current_round.id)).first()
    sheet.submitted_at = None
    db.session.commit()

    page = client.get(RANKING).get_data(as_text=True)
    assert 'id="row-DVK-0040"' not in page
    assert re.search(r'id="incomplete-DVK-0040">.*?1 sheet missing', page, re.DOTALL)


def test_ranking_page_runs_a_bounded_number_of_queries(client, demo_contest, organizer, count_queries):
    client.get(RANKING)
    with count_queries() as statements:
        response = client.get(RANKING)
    assert response.status_code == 200
    # 40 entries, 120 score sheets: a query per row would be far above this.
    assert len(statements) <= 15, statements


def test_resolving_a_tie_stores_the_order_the_reason_and_an_audit_event(client, demo_contest, organizer):
    codes = open_tie(demo_contest)
    order = list(reversed(codes))
    response = resolve_via_web(client, codes, order, "Bốc thăm công khai trước Ban Giám khảo")
    assert response.status_code == 302

    resolution = db.session.scalar(select(TieResolution))
    codes_by_id = {row.entry_id: row.code for row in compute_ranking(demo_contest).rows}
    assert [codes_by_id[i] for i in resolution.entry_ids] == order
    assert resolution.reason == "Bốc thăm công khai trước Ban Giám khảo"
    assert resolution.resolved_by_id == organizer.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tie.resolved"))
    assert event.actor_id == organizer.id and event.details["order"] == order

    page = client.get(RANKING).get_data(as_text=True)
    assert "boundary-tie" not in page
    assert "Bốc thăm công khai trước Ban Giám khảo" in page and "Trần Thu Hà" in page
    winner, runner_up = order
    assert re.search(rf'<tr class="tier-A" id="row-{winner}">', page)  # the demo's tie is on the A/B line
    assert re.search(rf'<tr class="tier-B" id="row-{runner_up}">', page)


@pytest.mark.parametrize("reason, positions, message", [
    ("   ", None, "Give the reason for this order"),
    ("Bốc thăm", ["1", "1"], "Give each entry a different position"),
])
def test_a_tie_form_without_reason_or_with_equal_positions_is_refused(
    client, demo_contest, organizer, reason, positions, message
):
    codes = open_tie(demo_contest)
    data = {"codes": " ".join(codes), "reason": reason}
    for i, _code in enumerate(codes):
        data[f"position_{i}"] = positions[i] if positions else str(i + 1)
    response = post_form(client, RESOLVE, data, form_page=RANKING)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(TieResolution) == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tie.resolved")) is None


def test_a_tie_form_for_entries_that_are_not_a_tie_changes_nothing(client, demo_contest, organizer):
    ranked = compute_ranking(demo_contest).ranked
    codes = [ranked[0].code, ranked[1].code]
    response = resolve_via_web(client, codes, codes, "Thử")
    assert response.status_code == 302
    assert "no longer one group of equal scores" in client.get(RANKING).get_data(as_text=True)
    assert count(TieResolution) == 0


def test_finalize_is_refused_while_the_tie_is_open_and_names_its_codes(client, demo_contest, organizer):
    codes = open_tie(demo_contest)
    response = post_form(client, FINALIZE, form_page=RANKING)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    refused = re.search(r'id="finalize-refused">.*?</div>', page, re.DOTALL).group()
    assert all(code in refused for code in codes)
    db.session.refresh(demo_contest)
    assert demo_contest.phase is ContestPhase.JUDGING
    assert count(Award) == 0 and count(Certificate) == 0


def test_finalize_after_resolving_then_publish(client, demo_contest, organizer):
    codes = open_tie(demo_contest)
    assert resolve_via_web(client, codes, codes, "Điểm tiêu chí Nội dung cao hơn").status_code == 302

    response = post_form(client, FINALIZE, form_page=RANKING)
    assert response.status_code == 302
    db.session.refresh(demo_contest)
    assert demo_contest.phase is ContestPhase.FINALIZED
    assert count(Award) == 16
    issued = dict(db.session.execute(
        select(DocumentKind.code, func.count(Certificate.id)).join(Certificate).group_by(DocumentKind.code)
    ).all())
    assert issued == {"GCN": 16, "BK": 6, "BKPT": 39}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.finalized"))
    assert event.actor_id == organizer.id

    page = client.get(RANKING).get_data(as_text=True)
    assert 'action="/c/dvk-2022/organize/publish"' in page
    assert 'name="position_' not in page and 'action="/c/dvk-2022/organize/finalize"' not in page
    assert client.get("/c/dvk-2022/results").status_code == 404

    assert post_form(client, PUBLISH, form_page=RANKING).status_code == 302
    db.session.refresh(demo_contest)
    assert demo_contest.phase is ContestPhase.PUBLISHED
    assert 'href="/c/dvk-2022/results"' in client.get(RANKING).get_data(as_text=True)
    post_form(client, "/auth/logout", form_page=RANKING)
    public = client.get("/c/dvk-2022/results")
    assert public.status_code == 200
    assert codes[0] in public.get_data(as_text=True)


def test_publish_before_finalization_is_refused(client, demo_contest, organizer):
    response = post_form(client, PUBLISH, form_page=RANKING, follow_redirects=True)
    assert "Only finalized results can be published" in response.get_data(as_text=True)
    db.session.refresh(demo_contest)
    assert demo_contest.phase is ContestPhase.JUDGING


def test_certificates_page_before_finalization_explains(client, demo_contest, organizer):
    page = client.get(CERTIFICATES).get_data(as_text=True)
    assert "Certificates are issued when the results are finalized" in page
    assert client.get(f"{CERTIFICATES}/GCN.pdf").status_code == 404


def test_certificates_page_lists_each_kind_with_its_certificates(client, finalized_demo, organizer):
    page = client.get(CERTIFICATES).get_data(as_text=True)
    gcn = re.search(r'id="doc-GCN".*?</section>', page, re.DOTALL).group()
    bk = re.search(r'id="doc-BK".*?</section>', page, re.DOTALL).group()
    assert f'href="{CERTIFICATES}/GCN.pdf"' in gcn and f'href="{CERTIFICATES}/BK.pdf"' in bk
    assert "Lê Trí Vũ" in gcn and "Lê Khắc Nam" in bk
    assert gcn.count("/GCN-BTC</td>") == 16 and bk.count("/QĐ-UBND</td>") == 6
    first = db.session.scalar(select(Certificate).join(DocumentKind)
                              .where(DocumentKind.code == "GCN", Certificate.seq == 1))
    assert f'href="/verify/{first.token}"' in gcn
    assert f'href="{CERTIFICATES}/GCN/1.pdf"' in gcn
    assert "Nguyễn Thị Thuỳ Dương" in gcn and "Nguyễn Thị Thuỳ Dương" in bk


@pytest.mark.parametrize("path, pages, filename", [
    ("GCN.pdf", 16, "dvk-2022-GCN.pdf"),
    ("BK.pdf", 6, "dvk-2022-BK.pdf"),
    ("GCN/3.pdf", 1, "dvk-2022-GCN-03.pdf"),
])
def test_certificate_pdfs_are_served_inline(client, finalized_demo, organizer, path, pages, filename):
    response = client.get(f"{CERTIFICATES}/{path}")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename={filename}"
    assert len(PdfReader(BytesIO(response.data)).pages) == pages


@pytest.mark.parametrize("path", ["XYZ.pdf", "GCN/17.pdf", "BK/7.pdf"])
def test_unknown_documents_and_numbers_are_not_found(client, finalized_demo, organizer, path):
    assert client.get(f"{CERTIFICATES}/{path}").status_code == 404


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.JUDGE])
@pytest.mark.parametrize("method, path", [
    ("get", RANKING), ("post", RESOLVE), ("post", FINALIZE), ("post", PUBLISH),
    ("get", CERTIFICATES), ("get", f"{CERTIFICATES}/GCN.pdf"), ("get", f"{CERTIFICATES}/GCN/1.pdf"),
])
def test_only_organizers_reach_results_and_certificates(
    client, finalized_demo, make_user, login, role, method, path
):
    login(make_user(role))
    if method == "get":
        response = client.get(path)
    else:
        response = post_form(client, path, {"codes": "DVK-0001"}, form_page="/")
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, finalized_demo):
    for path in (RANKING, CERTIFICATES, f"{CERTIFICATES}/GCN.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_other_contests_pages_are_not_found(client, demo_contest, organizer):
    assert client.get("/c/khong-co/organize/ranking").status_code == 404
    assert client.get("/c/khong-co/organize/certificates").status_code == 404


def test_ranking_of_a_contest_still_open_for_entries(client, make_contest, make_entry, organizer):
    contest = make_contest()
    make_entry(contest)
    response = client.get(f"/c/{contest.slug}/organize/ranking")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "still open for entries" in page
    assert 'action="/c/thi-thu/organize/finalize"' not in page
    assert "TT-0001" in page  # listed as not fully scored: no judge assigned yet
    assert "no judge assigned" in page
