"""The organizer's entries list with Vietnamese data: folded search, sort, pages far out, duplicates, XLSX."""
from __future__ import annotations

import io
import random

import pytest
from sqlalchemy import select

from contest.entries.importing import plan_entry_import
from contest.entries.services import EntryFields
from contest.extensions import db
from contest.models import AuthorKind, Contest, Entry, EntryStatus, Role

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ", "Hoàng", "Đặng"]
GIVEN = ["Thị Thuỳ Dương", "Văn Kiên", "Minh Đức", "Thị Lan", "Quốc Việt", "Thu Hà"]
DISTRICTS = ["Tiên Lãng", "Thủy Nguyên", "Kiến Thụy", "An Dương", "Vĩnh Bảo"]
TITLES = ["Con đường hoa", "Thắp sáng đường quê", "Hiến đất mở đường", "Ngày Chủ nhật xanh", "Ảnh: Mùa lúa"]


def add_entries(contest: Contest, count: int, seed: int = 7) -> list[Entry]:
    """``count`` entries DVK-0001… with Vietnamese names, districts and titles (one commit)."""
    rng = random.Random(seed)
    entries = []
    for n in range(1, count + 1):
        entry = Entry(contest=contest, code=f"{contest.code_prefix}-{n:04d}", submitted_by=None)
        EntryFields(title=f"{rng.choice(TITLES)} số {n}", category=contest.categories[n % 2],
                    author_kind=AuthorKind.INDIVIDUAL,
                    authors=[f"{FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}"],
                    organization="Hội Nông dân xã Tân Trào", district=rng.choice(DISTRICTS)).apply_to(entry)
        entries.append(entry)
    db.session.add_all(entries)
    contest.entry_seq = count
    db.session.commit()
    return entries


@pytest.fixture
def organizer(client, login, make_user):
    user = make_user(Role.ORGANIZER)
    login(user)
    return user


@pytest.fixture
def dvk(make_contest, organizer) -> Contest:
    return make_contest("dvk", code_prefix="DVK")


def codes_on(page: str) -> list[str]:
    table = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [part.split("</a>")[0].split(">")[-1] for part in table.split('class="entry-code"')[1:]]


def listing(client, **args) -> str:
    response = client.get("/c/dvk/organize/entries", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def all_codes(client, **args) -> list[str]:
    codes, page = [], 1
    while True:
        found = codes_on(listing(client, page=page, **args))
        if not found:
            return codes
        codes += found
        page += 1


def matching(entries: list[Entry], spellings: list[str]) -> list[str]:
    """The entries holding any of ``spellings`` (with their diacritics), found by hand."""
    return sorted(e.code for e in entries
                  if any(word in " ".join([e.title, *e.author_names, e.district, e.organization])
                         for word in spellings))


@pytest.mark.parametrize(("typed", "spellings"), [
    ("nguyen", ["Nguyễn", "Nguyên"]), ("NGUYEN", ["Nguyễn", "Nguyên"]), ("tien lang", ["Tiên Lãng"]),
    ("thuy nguyen", ["Thủy Nguyên"]), ("do minh duc", ["Đỗ Minh Đức"]), ("thuy duong", ["Thuỳ Dương"]),
])
def test_a_search_without_diacritics_finds_what_one_with_them_finds(client, dvk, typed, spellings):
    entries = add_entries(dvk, 120)
    expected = matching(entries, spellings)
    assert expected, "the data must hold the name"
    assert all_codes(client, q=typed) == expected
    assert all_codes(client, q=spellings[0]) == expected


def test_a_code_is_found_without_its_zeros(client, dvk):
    add_entries(dvk, 130)
    assert all_codes(client, q="dvk-12") == ["DVK-0012", "DVK-0120", "DVK-0121", "DVK-0122", "DVK-0123",
                                             "DVK-0124", "DVK-0125", "DVK-0126", "DVK-0127", "DVK-0128",
                                             "DVK-0129"]
    assert all_codes(client, q="DVK-0012") == all_codes(client, q="dvk-12")
    assert all_codes(client, q="dvk-0005") == ["DVK-0005", *[f"DVK-{n:04d}" for n in range(50, 60)]]


def test_the_search_follows_every_change(client, dvk):
    entry = add_entries(dvk, 3)[0]
    EntryFields(title="Đèn đường năng lượng mặt trời", category=dvk.categories[0],
                author_kind=AuthorKind.COLLECTIVE, authors=["Hội Phụ nữ xã Đại Hà", "Bùi Thị Én"],
                organization="", district="Đồ Sơn").apply_to(entry)
    db.session.commit()
    assert all_codes(client, q="den duong nang luong") == [entry.code]
    assert all_codes(client, q="bui thi en") == [entry.code]
    assert all_codes(client, q="do son") == [entry.code]
    entry.set_authors(["Bùi Văn Nam"])
    db.session.commit()
    assert all_codes(client, q="bui thi en") == []
    assert all_codes(client, q="bui van nam") == [entry.code]


def test_columns_sort_as_vietnamese_readers_expect(client, dvk, make_entry):
    titles = {"Đường làng": "Bùi An", "Dân vận khéo": "Đào Bình", "Ảnh mùa gặt": "Ân Cường",
              "an ninh thôn xóm": "Zô Dũng", "Bản làng": "Ánh Em"}
    for title, author in titles.items():
        make_entry(dvk, title=title, authors=(author,))
    by_title = {e.code: e.title for e in db.session.scalars(select(Entry))}

    def titles_in(**args):
        return [by_title[c] for c in codes_on(listing(client, **args))]

    assert titles_in(sort="title") == ["an ninh thôn xóm", "Ảnh mùa gặt", "Bản làng", "Dân vận khéo", "Đường làng"]
    assert titles_in(sort="title", dir="desc") == list(reversed(titles_in(sort="title")))
    assert titles_in(sort="authors") == ["Ảnh mùa gặt", "Bản làng", "Đường làng", "Dân vận khéo",
                                         "an ninh thôn xóm"]
    page = listing(client, sort="title")
    assert 'aria-sort="ascending"' in page
    assert "sort=title&amp;dir=desc" in page            # the header link turns the order round
    assert codes_on(listing(client, sort="nonsense")) == sorted(by_title)


def test_pages_99_and_beyond(client, dvk, count_queries):
    add_entries(dvk, 5_000)
    page_99 = listing(client, page=99)
    assert codes_on(page_99) == [f"DVK-{n:04d}" for n in range(4901, 4951)]
    assert "4901–4950 of 5000 entries" in page_99
    assert "page=100" in page_99 and "page=98" in page_99
    assert codes_on(listing(client, page=100)) == [f"DVK-{n:04d}" for n in range(4951, 5001)]
    beyond = listing(client, page=101)
    assert codes_on(beyond) == []
    assert "There is no page 101: these 5000 entries fill 100 pages." in beyond
    assert "page=100" in beyond
    descending = codes_on(listing(client, page=99, sort="code", dir="desc"))
    assert descending == [f"DVK-{n:04d}" for n in range(100, 50, -1)]
    for huge in ("99999999999999999999", "0", "-1", "2.5", "abc", "1000001"):
        refused = client.get("/c/dvk/organize/entries", query_string={"page": huge})
        assert refused.status_code == 400, huge
        assert "must be a whole number from 1 to 1000000" in refused.get_data(as_text=True)


def queries_of_the_list(client, count_queries, **args) -> int:
    db.session.expire_all()
    with count_queries() as counted:
        listing(client, **args)
    return len(counted)


LIST_QUERIES = 9   # user, contest, categories, count, page, authors, files, duplicates, session check


def test_the_list_costs_the_same_queries_at_380_and_5000_entries(client, dvk, count_queries):
    add_entries(dvk, 380)
    at_380 = [queries_of_the_list(client, count_queries, **args)
              for args in ({}, {"q": "nguyen", "sort": "title"}, {"page": 3, "category": "BAO", "sort": "authors"})]
    db.session.execute(Entry.__table__.delete())
    db.session.commit()
    add_entries(dvk, 5_000, seed=8)
    at_5000 = [queries_of_the_list(client, count_queries, **args)
               for args in ({}, {"q": "nguyen", "sort": "title"}, {"page": 49, "category": "BAO", "sort": "authors"})]
    assert at_380 == at_5000 == [LIST_QUERIES] * 3


def test_likely_duplicates_are_flagged_and_can_be_listed_alone(client, dvk, make_entry):
    first = make_entry(dvk, title="Con đường hoa ở xã Tân Trào", authors=("Nguyễn Thị Thuỳ Dương",))
    again = make_entry(dvk, title="CON ĐƯỜNG HOA Ở XÃ TÂN TRÀO", authors=("nguyễn thị thuỳ dương",))
    other_author = make_entry(dvk, title="Con đường hoa ở xã Tân Trào", authors=("Trần Văn Kiên",))
    make_entry(dvk, title="Thắp sáng đường quê", authors=("Nguyễn Thị Thuỳ Dương",))
    page = listing(client)
    assert page.count("duplicate-flag") == 4   # two entries, each in the table and the phone list
    assert codes_on(listing(client, duplicates="y")) == [first.code, again.code]
    assert other_author.code not in codes_on(listing(client, duplicates="y"))


def read_xlsx(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_holds_what_the_list_finds_and_imports_back_unchanged(client, dvk, make_entry):
    make_entry(dvk, title='=HYPERLINK("http://evil.example","Bấm")', authors=("@Nguyễn Văn A", "Lê Thị B"),
               phone="+84 912 345 678", district="Tiên Lãng")
    make_entry(dvk, title="Con đường hoa", authors=("Trần Văn Kiên",), district="Thủy Nguyên",
               status=EntryStatus.INELIGIBLE)
    make_entry(dvk, title="-1 vấn đề", authors=("Phạm C",), district="Tiên Lãng")
    page = listing(client, q="tien lang", sort="code", dir="desc")
    link = page.split('id="export-xlsx" href="')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/c/dvk/organize/entries.xlsx?") and "q=tien+lang" in link
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=dvk-entries.xlsx")
    rows = read_xlsx(response.data)
    assert rows[0][:5] == ["code", "title", "category", "author_kind", "authors"]
    assert [r[0] for r in rows[1:]] == ["DVK-0003", "DVK-0001"]
    assert rows[1][1] == "'-1 vấn đề"
    assert rows[2][1:5] == ['\'=HYPERLINK("http://evil.example","Bấm")', "BAO", "individual",
                            "'@Nguyễn Văn A; Lê Thị B"]
    assert rows[2][8] == "'+84 912 345 678"
    everything = client.get("/c/dvk/organize/entries.xlsx").data
    plan = plan_entry_import(dvk, everything, "dvk-entries.xlsx")
    assert len(plan.entries) == 3 and not plan.new and not plan.changing


def test_the_export_of_a_big_contest_is_every_entry(client, dvk):
    add_entries(dvk, 1200)
    rows = read_xlsx(client.get("/c/dvk/organize/entries.xlsx", query_string={"sort": "title"}).data)
    assert len(rows) == 1201
    assert sorted(r[0] for r in rows[1:]) == [f"DVK-{n:04d}" for n in range(1, 1201)]
