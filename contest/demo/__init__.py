"""The demo contest: the seed contest dvk-2022 with generated Vietnamese entries.

Loading is an upsert keyed by e-mail and entry code, so running it again
changes nothing that exists (a judge's later edits included) and adds
nothing twice.
"""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contest import PROJECT_ROOT
from contest.admin.setup import apply_contest_settings, parse_contest_file
from contest.auth.services import upsert_user, user_by_email
from contest.extensions import db
from contest.judging.history import SheetSnapshot, record_change
from contest.judging.rounds import close_round
from contest.judging.sheet_totals import store_sheet_total
from contest.judging.services import assign_judges, start_judging
from contest.models import (
    Assignment,
    AuthorKind,
    AwardedTo,
    Contest,
    ContestPhase,
    Entry,
    Role,
    RoundStatus,
    Score,
    ScoreSource,
    User,
)

SETTINGS_FILE = PROJECT_ROOT / "docs" / "contest-example.toml"
JUDGES_PER_ENTRY = 3
ORGANIZER = ("organizer", "bantochuc@dvk2022.vn", "Ban Tổ chức", "bantochuc2022")
AUTHOR = ("author", "tacgia@dvk2022.vn", "Nguyễn Thị Thuỳ Dương", "tacgia2022")
JUDGE_PASSWORD = "giamkhao2022"  # nosec B105 # the demo's published login (README), not a secret

# Hải Phòng districts and some of their communes.
COMMUNES = {
    "Kiến Thụy": ["Tân Trào", "Đại Hợp", "Kiến Quốc", "Ngũ Đoan", "Thụy Hương", "Đoàn Xá"],
    "Thủy Nguyên": ["Kiền Bái", "Thủy Sơn", "Lưu Kiếm", "Phục Lễ", "Tam Hưng"],
    "An Dương": ["Hồng Phong", "Lê Lợi", "An Đồng", "Đặng Cương", "Tân Tiến"],
    "Tiên Lãng": ["Tiên Minh", "Quang Phục", "Kiến Thiết", "Đoàn Lập"],
    "Vĩnh Bảo": ["Cộng Hiền", "Giang Biên", "Vinh Quang", "Tam Cường"],
    "An Lão": ["An Thắng", "Trường Thọ", "Quang Trung", "Bát Trang"],
    "Cát Hải": ["Hoàng Châu", "Văn Phong", "Trân Châu"],
}
MODELS = [
    "Hiến đất mở đường", "Con đường hoa", "Thắp sáng đường quê", "Phân loại rác tại nguồn",
    "Tuyến đường sáng – xanh – sạch – đẹp", "Ngày Chủ nhật xanh", "Vườn mẫu, khu dân cư mẫu",
    "Camera an ninh cho thôn xóm", "Tổ hòa giải ở cơ sở", "Chi hội phụ nữ tiết kiệm",
    "Nông dân giúp nhau làm giàu", "Cánh đồng mẫu lớn", "Đổi điền dồn thửa",
    "Nước sạch về thôn", "Dân vận khéo trong giải phóng mặt bằng",
]
TITLES = [
    "“{model}” – cách làm hay ở xã {commune}",
    "Dân vận khéo trong xây dựng nông thôn mới kiểu mẫu ở xã {commune}",
    "Xã {commune}: khi “{model}” thành việc của mỗi nhà",
    "Lan tỏa mô hình “{model}” ở huyện {district}",
    "Chuyện ở {commune}: {model_lower}",
]
UNITS = [
    "Mặt trận Tổ quốc xã {commune}", "Hội Nông dân xã {commune}", "Hội Liên hiệp Phụ nữ xã {commune}",
    "Đài Truyền thanh huyện {district}", "Trường THCS {commune}", "Ủy ban nhân dân xã {commune}",
    "Báo Hải Phòng", "Đài Phát thanh và Truyền hình Hải Phòng", "Ban Dân vận Huyện ủy {district}",
]


class DemoError(ValueError):
    """The demo cannot do what was asked without changing what exists."""


def load_demo(entries: int = 380, judges: int = 7, seed: int = 2022) -> list[tuple[str, str, str]]:
    """Create or complete the demo; returns (role, email, password) logins."""
    rng = random.Random(seed)  # nosec B311 # repeatable demo data, nothing secret
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    contest = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
    if contest is None:
        # Only a new contest gets the example settings: an organizer's later edits stay.
        contest = apply_contest_settings(parse_contest_file(SETTINGS_FILE.read_bytes()))

    logins = [(ORGANIZER[0], ORGANIZER[1], ORGANIZER[3]), (AUTHOR[0], AUTHOR[1], AUTHOR[3])]
    _account(ORGANIZER, Role.ORGANIZER)
    author = _account(AUTHOR, Role.AUTHOR)
    panel = []
    for i in range(1, judges + 1):
        email = f"giamkhao{i}@dvk2022.vn"
        user = user_by_email(email)
        if user is None:
            user = upsert_user(email, vietnamese_name(fake), [Role.JUDGE], JUDGE_PASSWORD)
        else:
            vietnamese_name(fake)  # keep the generator in step
        panel.append(user)
        logins.append(("judge", email, JUDGE_PASSWORD))
    if contest.is_locked:
        return logins
    _recognition_list(contest, seed)

    existing = {e.code: e for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id))}
    first = contest.rounds[0]
    if entries > len(existing) and existing and first.status is RoundStatus.CLOSED:
        # New entries would be read in no round: the preliminary decided who went on.
        raise DemoError(f"round {first.code} of {contest.slug} is closed, so no entry can join it: "
                        f"load a demo of {entries} entries into an empty database")
    categories = contest.categories
    window = (contest.closes_at - contest.opens_at).total_seconds()
    for n in range(1, entries + 1):
        code = f"{contest.code_prefix}-{n:04d}"
        fields = _entry_fields(rng, fake, n)
        submitted_at = contest.opens_at + timedelta(seconds=rng.uniform(0, window - 3600))
        if code in existing:
            continue
        entry = Entry(contest=contest, code=code, category=categories[n % len(categories)],
                      submitted_at=submitted_at, updated_at=submitted_at,
                      submitted_by=author if n <= 3 else None, **fields["columns"])
        entry.set_authors(fields["authors"])
        db.session.add(entry)
    contest.entry_seq = max(contest.entry_seq, entries)
    db.session.flush()

    if contest.phase is ContestPhase.OPEN:
        start_judging(contest, actor=None)
    # Each round as its judges would: the preliminary read by 3 judges per entry,
    # closed (who goes on is recorded), the final read by the whole jury.
    while True:
        round_ = contest.current_round
        if round_.is_first:
            assign_judges(contest, panel, round_.per_entry or JUDGES_PER_ENTRY, actor=None)
        _score_everything(contest, seed)
        if round_.next is None:
            break
        close_round(contest, actor=None)
    return logins


RECOGNIZED = 39  # the seed's Bằng khen for the emulation movement
RECOGNITION_REASON = ("Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” "
                      "xây dựng nông thôn mới năm 2022")
RECOGNIZED_COLLECTIVES = [
    "Hội Nông dân xã {commune}", "Hội Liên hiệp Phụ nữ xã {commune}", "Đoàn Thanh niên xã {commune}",
    "Ban Công tác Mặt trận thôn {village}, xã {commune}", "Chi hội Cựu chiến binh thôn {village}, xã {commune}",
    "Ủy ban nhân dân xã {commune}",
]
RECOGNIZED_UNITS = [
    "Ủy ban Mặt trận Tổ quốc xã {commune}", "Thôn {village}, xã {commune}",
    "Chi hội Phụ nữ thôn {village}, xã {commune}", "Chi bộ thôn {village}, xã {commune}",
    "Ban Dân vận Huyện ủy {district}",
]


def _recognition_list(contest: Contest, seed: int) -> None:
    """The 39 collectives and individuals of the emulation movement, on the Bằng khen list
    (documents with awarded_to = "list"), when that list is still empty."""
    from contest.certificates.recipients import replace_pending_recipients
    from contest.domain.recipients import RecipientLine

    kinds = [k for k in contest.documents if k.awarded_to is AwardedTo.LIST and not k.recipients]
    if not kinds:
        return
    # A generator of its own: the entries stay the same whether or not the list is made.
    rng = random.Random(f"{seed}-recognition")  # nosec B311 # repeatable demo data
    fake = Faker("vi_VN")
    fake.seed_instance(seed + 1)
    lines = []
    for n in range(RECOGNIZED):
        district = rng.choice(sorted(COMMUNES))
        place = dict(district=district, commune=rng.choice(COMMUNES[district]),
                     village=f"{rng.choice(('Đông', 'Tây', 'Nam', 'Bắc', 'Thượng', 'Hạ'))} {rng.randint(1, 5)}")
        if n % 3 == 0:
            unit = rng.choice(RECOGNIZED_COLLECTIVES).format(**place)
            lines.append(RecipientLine(f"Tập thể {unit}", True, "", RECOGNITION_REASON))
        else:
            lines.append(RecipientLine(vietnamese_name(fake), False,
                                       rng.choice(RECOGNIZED_UNITS).format(**place), RECOGNITION_REASON))
    for kind in kinds:
        replace_pending_recipients(kind, lines, actor=None, source="demo")


def vietnamese_name(fake: Faker) -> str:
    """Family name, middle name, given name, as Vietnamese write them.

    Faker's vi_VN ``name()`` puts the given name first and adds titles
    ("Quý ông", "Cô"), which no certificate would print.
    """
    if fake.boolean():
        middle = fake.random_element(("Thị", "Thị", "Thu", "Ngọc", "Thanh", "Thuỳ", "Hồng", "Minh"))
        given = fake.first_name_female()
    else:
        middle, given = fake.middle_name(), fake.first_name_male()
    return f"{fake.last_name()} {middle} {given}"


def _account(spec: tuple[str, str, str, str], role: Role):
    _, email, name, password = spec
    return user_by_email(email) or upsert_user(email, name, [role], password)


def _entry_fields(rng: random.Random, fake: Faker, n: int) -> dict:
    district = rng.choice(sorted(COMMUNES))
    commune = rng.choice(COMMUNES[district])
    model = rng.choice(MODELS)
    title = rng.choice(TITLES).format(model=model, model_lower=model[0].lower() + model[1:],
                                      commune=commune, district=district)
    unit = rng.choice(UNITS).format(commune=commune, district=district)
    collective = rng.random() < 0.2
    if n == 1:
        authors = ["Nguyễn Thị Thuỳ Dương"]
    elif collective:
        authors = [f"Tập thể {unit}"]
    else:
        authors = [vietnamese_name(fake) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    return {
        "authors": authors,
        "columns": dict(
            title=title,
            author_kind=AuthorKind.COLLECTIVE if collective and n != 1 else AuthorKind.INDIVIDUAL,
            organization=unit,
            district=district,
            email=f"tacgia{n:04d}@dvk2022.vn",
            phone=f"09{rng.randrange(10**8):08d}",
            description=(
                f"Tác phẩm giới thiệu mô hình “{model}” ở xã {commune}, huyện {district}: "
                "cách cán bộ cơ sở vận động Nhân dân cùng bàn, cùng làm và cùng hưởng thành quả "
                "trong xây dựng nông thôn mới."
            ),
        ),
    }


def _score_everything(contest: Contest, seed: int) -> None:
    """Give every unsubmitted sheet plausible half-point scores and submit it, as its
    judge would: each sheet's scores go into the score history."""
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == contest.current_round.id,
                                 Assignment.submitted_at.is_(None))
        .options(joinedload(Assignment.entry), joinedload(Assignment.judge))
        .order_by(Assignment.entry_id, Assignment.judge_id)
    ).unique().all()
    codes = dict(db.session.execute(
        select(Entry.id, Entry.code).where(Entry.contest_id == contest.id)).all())
    emails = dict(db.session.execute(select(User.id, User.email)).all())
    round_ = contest.current_round
    # The first round keeps the seeds it always had; in a later round the jury reads
    # afresh, side by side on a shortlist, and agrees more closely.
    suffix, spread = ("", 0.08) if round_.is_first else (f"-{round_.code}", 0.03)
    now = contest.closes_at + timedelta(days=10 * round_.number)
    rubric = round_.rubric
    for a in assignments:
        # The same entry gets a similar quality from every judge, like real readers;
        # seeds use codes and e-mails, not database ids, so every database agrees.
        quality = random.Random(f"{seed}-{codes[a.entry_id]}").uniform(0.45, 0.95)  # nosec B311 # demo data
        rng = random.Random(f"{seed}-{codes[a.entry_id]}-{emails[a.judge_id]}{suffix}")  # nosec B311 # demo data
        given = {}
        for criterion in rubric:
            share = min(1.0, max(0.0, quality + rng.uniform(-spread, spread)))
            given[criterion.id] = Decimal(round(float(criterion.max_points) * share * 2)) / 2
            a.scores.append(Score(criterion_id=criterion.id, max_points=criterion.max_points,
                                  points=given[criterion.id]))
        store_sheet_total(a, rubric)
        a.submitted_at = now
        record_change(a, SheetSnapshot.of(None), SheetSnapshot(given, "", "submitted"),
                      ScoreSource.SHEET, actor=a.judge).created_at = now
    db.session.flush()
