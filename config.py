"""Settings read from the environment: Config for running, TestConfig for the tests."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def database_url(raw: str | None) -> str | None:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we install."""
    if not raw:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def rate_limit_storage(redis_url: str | None) -> str:
    """Where rate-limit counts live: shared by every worker in Redis, else in this process."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


class Config:
    INSTANCE_PATH = Path(os.environ.get("CONTEST_INSTANCE_PATH", BASE_DIR / "instance"))
    # None means: generate one and keep it in instance/secret_key (see create_app).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL")) or (
        f"sqlite:///{INSTANCE_PATH / 'contest.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_FOLDER = INSTANCE_PATH / "uploads"
    # Each uploaded file, and all the files of one entry together (checked in the
    # browser before sending and again on the server).
    MAX_FILE_MB = float(os.environ.get("MAX_FILE_MB", "50"))
    MAX_ENTRY_MB = float(os.environ.get("MAX_ENTRY_MB", "100"))
    # The largest request: an entry's files and the form around them.
    MAX_CONTENT_LENGTH = int((MAX_ENTRY_MB + 1) * 1024 * 1024)
    ALLOWED_UPLOAD_EXTENSIONS = (
        "pdf", "doc", "docx", "odt", "rtf", "txt", "xlsx", "pptx",
        "jpg", "jpeg", "png", "webp",
        "mp3", "m4a", "mp4", "mov", "webm",
    )
    # Absolute address of the site, printed in the QR code of every certificate.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Batches of this many certificates or more are printed by a background job
    # (contest worker), CERTIFICATE_BATCH_CHUNK pages at a time.
    CERTIFICATE_BACKGROUND_FROM = int(os.environ.get("CERTIFICATE_BACKGROUND_FROM", "500"))
    CERTIFICATE_BATCH_CHUNK = int(os.environ.get("CERTIFICATE_BATCH_CHUNK", "400"))

    # Background jobs (contest worker): Huey's SQLite queue in instance/jobs.db by
    # default; with REDIS_URL (e.g. redis://127.0.0.1:6379/0) the queue is in Redis,
    # shared by every web and worker process on every machine.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "contest")

    # Outgoing mail (Flask-Mailman). With MAIL_SERVER set, mail goes through that SMTP
    # server (MAIL_USE_TLS: STARTTLS, usually port 587; MAIL_USE_SSL: TLS from the
    # start, usually 465); without it, each mail is printed to the log instead.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS")
    MAIL_USE_SSL = env_flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Ban Tổ chức cuộc thi <no-reply@localhost>")
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "console"
    MAIL_TIMEOUT = 30
    # A mail that cannot be sent is tried again 1, 2, 4, 8… minutes later, then marked
    # failed on the organizers' outbox page.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS") or 8)
    MAIL_RETRY_DELAY_SECONDS = 60
    # How long the links mailed to an account work.
    EMAIL_CONFIRMATION_HOURS = 48
    PASSWORD_RESET_MINUTES = 60

    LANGUAGES = ("vi", "en")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "contest" / "translations")

    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Set both when serving over HTTPS behind a reverse proxy (docs/operations.md).
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    BEHIND_PROXY = os.environ.get("BEHIND_PROXY") == "1"
    WTF_CSRF_TIME_LIMIT = None  # a judge may keep a score form open for hours
    PASSWORD_HASH_METHOD = "scrypt"

    # Rankings each process keeps between requests (contest/results/cache.py), and the
    # rows they may hold together (about 0.7 KiB each: 120,000 rows, about 80 MiB, hold a
    # 50,000-entry contest under its own method and a preview; 0 rankings: none kept).
    RANKING_CACHE_SIZE = int(os.environ.get("RANKING_CACHE_SIZE") or 8)
    RANKING_CACHE_ROWS = int(os.environ.get("RANKING_CACHE_ROWS") or 120_000)

    # Rate-limit counts: in this process, or in Redis (shared by every worker) with REDIS_URL.
    RATELIMIT_STORAGE_URI = rate_limit_storage(REDIS_URL)
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on every 429
    # Redis down: count in each process meanwhile rather than refuse every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Named limits (contest.auth.limits.rate_limit), each by account and by address.
    # Logins count failed attempts only, so an office behind one address is not
    # locked out by its own staff logging in.
    RATE_LIMITS = {
        "login": {"account": "10 per 15 minutes", "address": "50 per 15 minutes"},
        "register": {"account": "5 per hour", "address": "20 per hour"},
        "password_reset": {"account": "5 per hour", "address": "20 per hour"},
        # Sending the confirmation link again (a logged-in author; by address).
        "confirm_email": {"address": "10 per hour"},
        "verify": {"address": "60 per minute"},
    }


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL")) or "sqlite://"
    PUBLIC_BASE_URL = "https://contest.example.vn"
    # The same algorithm family with a small work factor: tests create many accounts.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_STORAGE_URI = "memory://"  # each test's app counts afresh
    # Tests read pages by their English msgids; tests/test_i18n.py checks the
    # real default (Vietnamese) and the catalog.
    BABEL_DEFAULT_LOCALE = "en"
    # Each test's queue is its own SQLite file under its instance folder; a test
    # that wants Redis sets REDIS_URL itself (TEST_REDIS_URL, see tests/test_jobs.py).
    REDIS_URL = None
    # A test's queue need not outlast a power cut: it never waits for the disk
    # (creating it otherwise waits ~15–30 ms, in every test).
    JOBS_SQLITE_SYNC = False
    # Mail goes over SMTP; tests that read it start a server (the smtp_server fixture).
    # Elsewhere nothing listens here, so a mail delivered by mistake fails, visibly.
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 9
    MAIL_USE_TLS = MAIL_USE_SSL = False
    MAIL_USERNAME = MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Ban Tổ chức cuộc thi <bantochuc@contest.example.vn>"
    MAIL_TIMEOUT = 5
    MAIL_MAX_ATTEMPTS = 3
