"""Reopening finalized results before publication: awards released, certificates void, numbers kept."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import (
    AuditEvent,
    Award,
    Certificate,
    CertificateStatus,
    ContestPhase,
    EntryResult,
    ResultSnapshot,
    Role,
)
from contest.results.services import finalize
from tests.conftest import post_form
from tests.test_cli import contest_by_slug, invoke

PAGE = "/c/dvk-2022/organize/unfinalize"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/lang/en")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unfinalize_releases_the_awards_and_voids_every_certificate_of_the_results(runner, finalized_demo):
    numbers = set(db.session.scalars(select(Certificate.number)))
    on_results = set(db.session.scalars(select(Certificate.number).where(Certificate.entry_id.is_not(None))))
    assert 0 < len(on_results) < len(numbers)  # the demo also has a recognition list
    result = invoke(runner, "unfinalize", "dvk-2022", "--reason", "Sai sót khi nhập phiếu chấm của giám khảo 2")
    assert result.exit_code == 0, result.output
    assert f"{len(on_results)} certificates void" in result.output
    contest = contest_by_slug("dvk-2022")
    assert contest.phase is ContestPhase.JUDGING and contest.finalized_at is None
    assert count(Award) == 0 and count(EntryResult) == 0
    certificates = db.session.scalars(select(Certificate)).all()
    assert {c.number for c in certificates} == numbers
    assert {c.number for c in certificates if c.status is CertificateStatus.VOID} == on_results
    # The recognition list honours people outside the judging: its documents stay valid.
    assert all(c.status is CertificateStatus.VALID for c in certificates if c.entry_id is None)
    assert all(c.award_id is None for c in certificates)
    snapshot = db.session.scalar(select(ResultSnapshot))
    assert snapshot.released_at is not None
    assert snapshot.release_reason == "Sai sót khi nhập phiếu chấm của giám khảo 2"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.unfinalized"))
    assert event.details["reason"] == "Sai sót khi nhập phiếu chấm của giám khảo 2"
    assert event.details["certificates_voided"] == len(on_results)
    assert invoke(runner, "results", "dvk-2022", "--snapshot").exit_code != 0


def test_finalizing_again_gives_new_numbers_and_the_old_ones_stay_void(runner, client, finalized_demo):
    old = {c.number: c.token for c in db.session.scalars(select(Certificate))}
    gcn = [n for n in old if n.endswith("GCN-BTC")]
    assert invoke(runner, "unfinalize", "dvk-2022", "--reason", "Kiểm tra lại").exit_code == 0
    finalize(contest_by_slug("dvk-2022"), actor=None)
    db.session.commit()
    valid = db.session.scalars(select(Certificate).where(Certificate.status == CertificateStatus.VALID)).all()
    new_gcn = sorted(c.number for c in valid if c.number.endswith("GCN-BTC"))
    assert len(valid) == len(old)  # the results' documents again, under new numbers
    reissued = {c.number for c in valid if c.entry_id is not None}
    assert reissued and not reissued & set(old)
    assert len(new_gcn) == len(gcn)
    assert not set(new_gcn) & set(old)
    assert new_gcn[0] == f"{len(gcn) + 1:02d}/GCN-BTC"
    assert count(ResultSnapshot) == 2
    assert invoke(runner, "results", "dvk-2022", "--snapshot").exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["--reason", "   "], "give the reason for reopening the results"),
    ([], "Missing option '--reason'"),
])
def test_unfinalize_without_a_reason_changes_nothing(runner, finalized_demo, args, message):
    result = invoke(runner, "unfinalize", "dvk-2022", *args)
    assert result.exit_code != 0 and message in result.output
    assert contest_by_slug("dvk-2022").phase is ContestPhase.FINALIZED
    assert count(Award) > 0


def test_published_results_cannot_be_reopened(runner, published_demo):
    result = invoke(runner, "unfinalize", "dvk-2022", "--reason", "Muộn rồi")
    assert result.exit_code != 0
    assert "published results cannot be reopened" in result.output
    assert contest_by_slug("dvk-2022").phase is ContestPhase.PUBLISHED


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER, name="Trần Thu Hà")
    login(user)
    return user


def test_the_page_asks_for_the_contests_code_before_reopening(client, organizer, finalized_demo):
    token = db.session.scalars(select(Certificate.token).where(Certificate.entry_id.is_not(None))).first()
    assert "This certificate is genuine" in client.get(f"/verify/{token}").get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    issued = db.session.scalar(select(func.count()).where(Certificate.entry_id.is_not(None)))
    assert f"the {issued} certificates issued become void in the register" in page
    wrong = post_form(client, PAGE, {"reason": "Sai sót", "confirm": "dvk"})
    assert wrong.status_code == 200
    assert "This is not the contest&#39;s code dvk-2022." in wrong.get_data(as_text=True)
    assert "Sai sót" in wrong.get_data(as_text=True)  # what was typed is kept
    assert contest_by_slug("dvk-2022").phase is ContestPhase.FINALIZED

    done = post_form(client, PAGE, {"reason": "Sai sót", "confirm": "dvk-2022"})
    assert done.status_code == 302
    assert contest_by_slug("dvk-2022").phase is ContestPhase.JUDGING
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.unfinalized"))
    assert event.actor_id == organizer.id
    assert event.details["reason"] == "Sai sót"
    assert "VOID: this certificate is no longer valid" in client.get(f"/verify/{token}").get_data(as_text=True)
    ranking = client.get("/c/dvk-2022/organize/ranking").get_data(as_text=True)
    assert "Finalize the results" in ranking


def test_the_page_of_published_results_offers_nothing_to_reopen(client, organizer, published_demo):
    page = client.get(PAGE).get_data(as_text=True)
    assert "These results are published: they can no longer be reopened." in page
    assert 'name="confirm"' not in page
    assert post_form(client, PAGE, {"reason": "x", "confirm": "dvk-2022"}, form_page="/c/dvk-2022/organize/ranking").status_code == 200
    assert contest_by_slug("dvk-2022").phase is ContestPhase.PUBLISHED
