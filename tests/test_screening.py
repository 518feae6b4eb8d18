"""The secretariat's screening page: eligible / ineligible with a reason, in bulk,
audited and reversible; ineligible entries never reach the judges."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.entries.services import make_blind_copy, upload_folder
from contest.extensions import db
from contest.judging.services import assign_judges, start_judging
from contest.judging.worklist import judge_contests
from contest.models import AuditEvent, Entry, EntryAuthor, EntryFile, EntryStatus, Role, ScreeningReason
from contest.results.services import compute_ranking
from tests import files
from tests.conftest import csrf_token, post_form


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER, email="thuky@example.vn", name="Thư ký Ban Tổ chức")
    login(user)
    return user


@pytest.fixture
def contest(make_contest):
    return make_contest()


@pytest.fixture
def entries(contest, make_entry):
    return [make_entry(contest, title=f"Mô hình số {n}", authors=(f"Tác giả {n}",)) for n in range(1, 5)]


def url(contest, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/c/{contest.slug}/organize/screening" + (f"?{query}" if query else "")


def screen(client, contest, chosen: list[Entry], decision: str, reason: str = "", note: str = "",
           why_change: str = "", show: str = "all"):
    return post_form(client, url(contest, show=show), {
        "entries": [str(e.id) for e in chosen], "decision": decision, "reason": reason, "note": note,
        "why_change": why_change,
    }, follow_redirects=True)


def statuses(chosen: list[Entry]) -> list[tuple[str, str | None, str]]:
    db.session.expire_all()
    return [(e.status.value, e.screening_reason.value if e.screening_reason else None, e.ineligible_reason)
            for e in (db.session.get(Entry, x.id) for x in chosen)]


def screened_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.screened")
                                   .order_by(AuditEvent.id)))


def test_the_page_lists_the_entries_not_screened_with_their_authors(client, organizer, contest, entries):
    page = client.get(url(contest)).get_data(as_text=True)
    for entry in entries:
        assert entry.code in page and entry.title in page and entry.author_names[0] in page
    assert "Not screened <span class=\"badge text-bg-light\">4</span>" in page
    for reason in ("Late", "Off topic", "Incomplete", "Duplicate", "Identity visible", "Other"):
        assert f">{reason}</option>" in page


def test_ticked_entries_are_made_ineligible_with_a_reason_and_audited(client, organizer, contest, entries):
    response = screen(client, contest, entries[:2], "ineligible", "duplicate", f"Trùng với {entries[2].code}")
    page = response.get_data(as_text=True)
    assert "2 entries changed." in page
    assert statuses(entries) == [("ineligible", "duplicate", f"Trùng với {entries[2].code}")] * 2 + \
        [("submitted", None, "")] * 2
    events = screened_events()
    assert [e.target for e in events] == [entries[0].code, entries[1].code]
    assert events[0].actor_id == organizer.id
    assert events[0].details["before"] == {"status": "submitted", "reason": None, "note": ""}
    assert events[0].details["after"]["status"] == "ineligible"
    assert events[0].details["after"]["reason"] == "duplicate"
    # Not screened any more: they left the default list, and show with their reason under "Ineligible".
    assert entries[0].code not in client.get(url(contest)).get_data(as_text=True)
    ineligible = client.get(url(contest, show="ineligible")).get_data(as_text=True)
    assert "Duplicate" in ineligible and f"Trùng với {entries[2].code}" in ineligible


@pytest.mark.parametrize(("reason", "note", "message"), [
    ("", "Ghi chú của thư ký", "An ineligible entry needs a reason from the list."),
    ("other", "  ", "With the reason “Other”, say in the text what the reason is."),
    ("bogus", "Ghi chú của thư ký", "Not a valid choice."),
])
def test_an_incomplete_decision_changes_nothing_and_keeps_what_was_typed(client, organizer, contest, entries,
                                                                        reason, note, message):
    page = screen(client, contest, entries[:2], "ineligible", reason, note).get_data(as_text=True)
    assert message in page
    assert statuses(entries) == [("submitted", None, "")] * 4
    assert screened_events() == []
    assert page.count('checked aria-label="Tick') == 2
    if note.strip():
        assert f"{note}</textarea>" in page


def test_nothing_ticked_is_refused(client, organizer, contest, entries):
    page = screen(client, contest, [], "eligible").get_data(as_text=True)
    assert "Tick at least one entry." in page


def test_a_decision_is_reversed_only_with_a_reason_and_the_audit_keeps_both(client, organizer, contest,
                                                                           entries):
    screen(client, contest, entries[:3], "eligible")
    page = screen(client, contest, entries[:2], "ineligible", "late").get_data(as_text=True)
    assert f"{entries[0].code}, {entries[1].code} already had a decision: say why it changes." in page
    assert statuses(entries[:2]) == [("eligible", None, "")] * 2

    page = screen(client, contest, entries[:2], "ineligible", "late", "Gửi bưu điện sau hạn",
                  why_change="Dấu bưu điện ngày 30/11").get_data(as_text=True)
    assert "2 entries changed." in page
    assert statuses(entries[:2]) == [("ineligible", "late", "Gửi bưu điện sau hạn")] * 2
    event = screened_events()[-1]
    assert event.details["before"]["status"] == "eligible"
    assert event.details["after"] == {"status": "ineligible", "reason": "late", "note": "Gửi bưu điện sau hạn"}
    assert event.details["why_change"] == "Dấu bưu điện ngày 30/11"

    # Undone: back to not screened, with a reason again.
    screen(client, contest, entries[:1], "submitted", why_change="Nhầm hồ sơ")
    assert statuses(entries[:1]) == [("submitted", None, "")]
    assert len(screened_events()) == 3 + 2 + 1


def test_the_same_decision_again_changes_nothing(client, organizer, contest, entries):
    screen(client, contest, entries[:2], "eligible")
    page = screen(client, contest, entries[:2], "eligible").get_data(as_text=True)
    assert "0 entries changed." in page
    assert len(screened_events()) == 2


def test_entries_of_another_contest_are_not_touched(client, organizer, contest, entries, make_contest,
                                                    make_entry):
    other = make_entry(make_contest("khac", code_prefix="KH"))
    page = screen(client, contest, [other, entries[0]], "ineligible", "off_topic").get_data(as_text=True)
    assert "1 entry changed." in page
    assert statuses([other]) == [("submitted", None, "")]


def test_a_finalized_contest_can_no_longer_be_screened(client, login, make_user, finalized_demo):
    login(make_user(Role.ORGANIZER, email="btc2@example.vn"))
    entry = db.session.scalar(select(Entry).where(Entry.contest_id == finalized_demo.id).order_by(Entry.code))
    before = statuses([entry])
    page = screen(client, finalized_demo, [entry], "ineligible", "late").get_data(as_text=True)
    assert "This contest is finalized: its entries can no longer be screened." in page
    assert statuses([entry]) == before and before[0][0] != "ineligible"
    assert screened_events() == []


def test_the_screening_page_is_for_organizers(client, make_user, login, contest):
    login(make_user(Role.JUDGE, email="gk@example.vn"))
    assert client.get(url(contest)).status_code == 403


# --- what judges see -----------------------------------------------------------------

def give_file(entry: Entry) -> EntryFile:
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{entry.code}.pdf").write_bytes(files.pdf(identity=False))
    stored = EntryFile(original_name="bai.pdf", stored_name=f"{entry.code}.pdf",
                       content_type="application/pdf", size=10, sha256="0" * 64)
    make_blind_copy(stored)
    entry.files.append(stored)
    db.session.commit()
    return stored


def test_an_ineligible_entry_is_never_assigned(client, organizer, contest, entries, make_user):
    screen(client, contest, entries[:1], "ineligible", "off_topic")
    judge = make_user(Role.JUDGE, email="gk@example.vn")
    start_judging(contest, actor=None)
    assert assign_judges(contest, [judge], None, actor=None) == 3
    db.session.commit()
    assert entries[0].code not in [row.code for row in compute_ranking(contest).rows]


def test_an_entry_screened_out_during_judging_leaves_the_judges_and_comes_back_if_reversed(
        app, client, organizer, contest, entries, make_user, login):
    judge = make_user(Role.JUDGE, email="gk@example.vn")
    stored = give_file(entries[0])
    start_judging(contest, actor=None)
    assign_judges(contest, [judge], None, actor=None)
    db.session.commit()
    screen(client, contest, entries[:1], "ineligible", "identity_visible", "Tên tác giả trong ảnh")

    judge_client = app.test_client()
    post_form(judge_client, "/auth/login", {"email": judge.email, "password": "correct-horse-42"})
    sheets = judge_client.get(f"/c/{contest.slug}/judge/?show=all").get_data(as_text=True)
    assert entries[0].code not in sheets and entries[1].code in sheets
    assert judge_client.get(f"/c/{contest.slug}/judge/{entries[0].code}").status_code == 404
    assert judge_client.get(f"/c/{contest.slug}/judge/{entries[0].code}/files/{stored.id}").status_code == 404
    assert [(c.assigned, c.submitted) for c in judge_contests(judge)] == [(3, 0)]
    assert entries[0].code not in [row.code for row in compute_ranking(contest).rows]
    progress = client.get(f"/c/{contest.slug}/organize/judges").get_data(as_text=True)
    assert entries[0].code not in progress

    screen(client, contest, entries[:1], "eligible", why_change="Ảnh đã được che tên")
    assert judge_client.get(f"/c/{contest.slug}/judge/{entries[0].code}").status_code == 200
    with judge_client.get(f"/c/{contest.slug}/judge/{entries[0].code}/files/{stored.id}") as served:
        assert served.status_code == 200
    assert [(c.assigned, c.submitted) for c in judge_contests(judge)] == [(4, 0)]


# --- scale -----------------------------------------------------------------------------

def add_entries(contest, n: int) -> None:
    """``n`` entries with an author and a file each, in one flush."""
    seq = contest.entry_seq
    for i in range(seq + 1, seq + n + 1):
        entry = Entry(contest=contest, code=f"{contest.code_prefix}-{i:05d}", title=f"Mô hình {i}",
                      category=contest.categories[i % 2], author_kind="individual",
                      status=(EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE)[i % 3],
                      screening_reason=ScreeningReason.LATE if i % 3 == 2 else None)
        entry.authors.append(EntryAuthor(position=0, name=f"Tác giả {i}"))
        entry.files.append(EntryFile(original_name="bai.pdf", stored_name=f"s{contest.id}-{i}.pdf",
                                     content_type="application/pdf", size=10, sha256="0" * 64))
        db.session.add(entry)
    contest.entry_seq = seq + n
    db.session.commit()


def test_the_page_takes_the_same_queries_at_380_and_at_5000_entries(client, organizer, contest,
                                                                    count_queries):
    counts = []
    for total in (380, 5000):
        add_entries(contest, total - contest.entry_seq)
        for show in ("submitted", "all"):
            client.get(url(contest, show=show))  # warm: the login's own queries are done
            with count_queries() as statements:
                page = client.get(url(contest, show=show, page=2))
            assert page.status_code == 200
            counts.append(len(statements))
    assert len(set(counts)) == 1, counts


def test_the_tick_all_box_is_there_and_every_row_has_a_labelled_box(client, organizer, contest, entries):
    page = client.get(url(contest)).get_data(as_text=True)
    assert 'data-tick-all="entries"' in page
    for entry in entries:
        assert f'aria-label="Tick {entry.code}"' in page
    assert csrf_token(client, url(contest))


def test_the_author_and_the_entry_page_show_the_reason(client, organizer, contest, make_entry, make_user,
                                                       login, app):
    author = make_user(Role.AUTHOR, email="tacgia@example.vn")
    entry = make_entry(contest, submitted_by=author)
    screen(client, contest, [entry], "ineligible", "incomplete", "Thiếu ảnh minh họa")
    page = client.get(f"/c/{contest.slug}/organize/entries/{entry.code}").get_data(as_text=True)
    assert "Ineligible: Incomplete. Thiếu ảnh minh họa" in page
    author_client = app.test_client()
    post_form(author_client, "/auth/login", {"email": author.email, "password": "correct-horse-42"})
    receipt = author_client.get(f"/c/{contest.slug}/entries/{entry.code}").get_data(as_text=True)
    assert "Not eligible" in receipt and "Incomplete" in receipt and "Thiếu ảnh minh họa" in receipt


# --- the author is told ------------------------------------------------------------------

def test_an_author_screened_ineligible_receives_the_reason_by_mail(client, organizer, contest, make_entry,
                                                                  make_user, smtp_server, deliver):
    author = make_user(Role.AUTHOR, email="duong@example.vn", name="Nguyễn Thị Thuỳ Dương")
    entry = make_entry(contest, title="Con đường hoa ở xã Tân Trào", submitted_by=author)
    other = make_entry(contest, submitted_by=author)
    deliver()
    screen(client, contest, [entry], "ineligible", "duplicate", f"Trùng với bài {other.code}.")
    assert deliver() == 1
    [mail] = smtp_server.messages
    assert mail.to == "duong@example.vn"
    assert mail.subject == f"Tác phẩm {entry.code} không đủ điều kiện dự chấm"
    assert "Chào Nguyễn Thị Thuỳ Dương," in mail.text
    assert "“Con đường hoa ở xã Tân Trào”" in mail.text
    assert "Lý do: Trùng lặp" in mail.text and f"Trùng với bài {other.code}." in mail.text
    assert f"https://contest.example.vn/c/{contest.slug}/entries/{entry.code}" in mail.links
    assert "Trùng lặp" in mail.html

    # Reversed: the author hears the new outcome; undone: nothing is sent.
    screen(client, contest, [entry], "eligible", why_change="Bài kia là bản nháp, đã rút")
    deliver()
    assert smtp_server.messages[-1].subject == f"Tác phẩm {entry.code} đủ điều kiện dự chấm"
    screen(client, contest, [entry], "submitted", why_change="Thẩm định lại")
    assert deliver() == 0 and len(smtp_server.messages) == 2


def test_an_entry_sent_by_post_is_answered_at_its_contact_address(client, organizer, contest, make_entry,
                                                                   smtp_server, deliver):
    entry = make_entry(contest, email="phunu.daihop@example.vn", submitted_by=None,
                       authors=("Hội Liên hiệp Phụ nữ xã Đại Hợp",))
    screen(client, contest, [entry], "ineligible", "late", "Dấu bưu điện ngày 15/12")
    deliver()
    [mail] = smtp_server.messages
    assert mail.to == "phunu.daihop@example.vn" and "Lý do: Quá hạn" in mail.text
    # No account, so the greeting names the entry's authors.
    assert "Chào Hội Liên hiệp Phụ nữ xã Đại Hợp," in mail.text and "Chào ," not in mail.text


def test_a_refused_decision_sends_nothing(client, organizer, contest, entries, smtp_server, deliver):
    screen(client, contest, entries[:1], "ineligible")  # no reason
    assert deliver() == 0 and smtp_server.messages == []
