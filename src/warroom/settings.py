"""Django settings, all read from the environment in this one file.

Nothing needs to be set: with no environment warroom runs on SQLite with its data in ./var.

    WARROOM_DATA            data directory (database, evidence, secret key); default ./var
    WARROOM_DATABASE_URL    e.g. postgresql://user@127.0.0.1:5432/warroom; default SQLite
    WARROOM_SECRET_KEY      or WARROOM_SECRET_KEY_FILE; default: generated once in WARROOM_DATA
    WARROOM_URL             where warroom itself is reached, for links in reminders;
                            default http://127.0.0.1:8000/
    WARROOM_DEBUG           DEBUG on (never in production); default off
    WARROOM_ALLOWED_HOSTS   comma separated; default localhost names
    WARROOM_SECURE_COOKIES  send cookies only over HTTPS; default on unless DEBUG
    WARROOM_MAX_UPLOAD_MB   largest evidence upload accepted; default 4096
    WARROOM_LOGIN_ATTEMPTS  failed logins before a lockout; default 5
    WARROOM_EVIDENCE_ROOTS  folders (separated by the OS path separator) the worker may read
                            evidence kept by `location` from; default none

Mail (subscriber confirmations, status updates, reminders):

    WARROOM_SMTP_HOST       SMTP server; when unset, mail is written as files under
                            WARROOM_DATA/mail instead of being sent
    WARROOM_SMTP_PORT       default 25 (587 with STARTTLS, 465 with TLS are usual)
    WARROOM_SMTP_USER       and WARROOM_SMTP_PASSWORD (or _FILE); default none
    WARROOM_SMTP_STARTTLS   upgrade the connection with STARTTLS; default off
    WARROOM_SMTP_TLS        connect over TLS (port 465); default off
    WARROOM_MAIL_FROM       sender address; default status@localhost

The public status page (docs/statuspage.md):

    WARROOM_STATUS_NAME     the page's name; default "Service status"
    WARROOM_STATUS_URL      where the public page is served (the export's host), used in
                            links, feeds and mail; default http://127.0.0.1:8000/status/
    WARROOM_STATUS_TIME_ZONE  IANA zone shown beside UTC; default Etc/UTC
    WARROOM_STATUS_SUBSCRIBE_URL  where the exported page's subscribe form posts (the live
                            app's /status/); when unset the export offers the feeds instead
    WARROOM_STATUS_TARGETS  where `warroom status publish` pushes the export, separated by
                            spaces: a directory, rsync://... or rsync:/path, user@host:path
                            (rsync over SSH) or sftp://user@host[:port]/path; default none
    WARROOM_STATUS_SSH_KNOWN_HOSTS  known_hosts file for sftp:// targets; default the user's
    WARROOM_STATUS_SSH_KEY  private key file for sftp:// targets; default the user's keys
    WARROOM_STATUS_SUPPORT_PHONE, WARROOM_STATUS_SUPPORT_EMAIL  how customers reach support,
                            filled into the message templates; default none
    WARROOM_STATUS_WEBHOOK_PRIVATE_OK  let subscribers' webhooks reach private, loopback and
                            link-local addresses (resellers on a VPN, say); default off
    WARROOM_STATUS_CACHE_SECONDS  how often a process checks for a new page revision;
                            0 turns the cache off; default 1

Regulatory clocks (docs/clocks.md):

    WARROOM_CLOCK_REMINDERS  when to remind about a deadline, comma separated: a share of
                            the window elapsed (50%), before the deadline (-4h), at it (0),
                            after it (+1h); default 50%,-4h,0,+1h
    WARROOM_CLOCK_WEBHOOK_URL  also post reminders there, signed with
                            WARROOM_CLOCK_WEBHOOK_SECRET; default none
    WARROOM_CLOCK_PDF_FONT  a TrueType font for drafts exported as PDF; default DejaVu Sans
                            where installed, else the PDF core font (Latin only)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """The variable NAME, or the contents of the file named by NAME_FILE, or DEFAULT."""
    if name in os.environ:
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; accepts 1/0, true/false, yes/no, on/off."""
    raw = env_str(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value")


def env_int(name: str, default: int) -> int:
    """A whole-number variable."""
    raw = env_str(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def _secret_key(data_dir: Path) -> str:
    """The key from the environment, else one generated on first run and kept in DATA_DIR."""
    configured = env_str("WARROOM_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting at once never overwrite each other's key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_urlsafe(50))
    return key_file.read_text(encoding="utf-8").strip()


def _database(data_dir: Path) -> dict[str, object]:
    url = env_str("WARROOM_DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": data_dir / "warroom.sqlite3",
            # WAL lets the web server read while the worker writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue up instead of failing mid-transaction.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not Django's default in-memory test database, so tests of concurrent
            # workers open real separate connections, as production does.
            "TEST": {"NAME": data_dir / "test.sqlite3"},
        }
    config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                "WARROOM_DATABASE_URL names PostgreSQL but psycopg is not installed: "
                "pip install 'warroom[postgres]'"
            ) from None
    return config


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("WARROOM_DATA", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise warns at start if it is missing

DEBUG = env_bool("WARROOM_DEBUG", False)
SECRET_KEY = _secret_key(DATA_DIR)
ALLOWED_HOSTS = [
    h.strip()
    for h in env_str("WARROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("WARROOM_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "warroom.accounts",
    "warroom.cases",
    "warroom.jobs",
    "warroom.catalog",
    "warroom.statuspage",
    "warroom.notify",
    "warroom.clocks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The public status page is answered from its in-memory cache before sessions or CSRF.
    "warroom.statuspage.middleware.StatusPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "warroom.accounts.middleware.PasswordChangeRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it needs the authenticated user and turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "warroom.urls"
WSGI_APPLICATION = "warroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "case-list"
LOGOUT_REDIRECT_URL = "login"

# Login rate limiting: lock a username+address pair out after repeated failures.
AXES_FAILURE_LIMIT = env_int("WARROOM_LOGIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Security headers and cookies. Cookies are Secure unless DEBUG or explicitly turned off for
# plain-HTTP use on loopback (`warroom up` does that when it binds to 127.0.0.1).
SECURE_COOKIES = env_bool("WARROOM_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served from our own origin: no CDN, no inline script (htmx comes from a package).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_HSTS_SECONDS = env_int("WARROOM_HSTS_SECONDS", 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("WARROOM_BEHIND_PROXY", False) else None
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The hand-written stylesheet lives beside the shared templates, outside any one app.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "evidence", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Evidence uploads stream to a temporary file while being hashed; nothing is held in memory.
MAX_UPLOAD_BYTES = env_int("WARROOM_MAX_UPLOAD_MB", 4096) * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["warroom.cases.uploads.HashingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = None
# Evidence registered by its location on this machine is hashed by the worker only inside
# these folders, so a case member cannot make warroom read (and report the hash and size of)
# any file it can reach, such as its own secret key.
EVIDENCE_ROOTS = [
    Path(p).resolve() for p in env_str("WARROOM_EVIDENCE_ROOTS").split(os.pathsep) if p.strip()
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Mail goes through SMTP when a host is configured; otherwise every message is kept as a file
# under WARROOM_DATA/mail, so nothing is lost on an install with no mail server yet.
SMTP_HOST = env_str("WARROOM_SMTP_HOST")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = env_int("WARROOM_SMTP_PORT", 25)
    EMAIL_HOST_USER = env_str("WARROOM_SMTP_USER")
    EMAIL_HOST_PASSWORD = env_str("WARROOM_SMTP_PASSWORD")
    EMAIL_USE_TLS = env_bool("WARROOM_SMTP_STARTTLS", False)
    EMAIL_USE_SSL = env_bool("WARROOM_SMTP_TLS", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("WARROOM_MAIL_FROM", "status@localhost")

STATUS_PAGE_NAME = env_str("WARROOM_STATUS_NAME", "Service status")
STATUS_PAGE_URL = env_str("WARROOM_STATUS_URL", "http://127.0.0.1:8000/status/")
STATUS_PAGE_TIME_ZONE = env_str("WARROOM_STATUS_TIME_ZONE", "Etc/UTC")
STATUS_SUBSCRIBE_URL = env_str("WARROOM_STATUS_SUBSCRIBE_URL")
STATUS_TARGETS = env_str("WARROOM_STATUS_TARGETS").split()
STATUS_CACHE_SECONDS = env_int("WARROOM_STATUS_CACHE_SECONDS", 1)
STATUS_SSH_KNOWN_HOSTS = env_str("WARROOM_STATUS_SSH_KNOWN_HOSTS")
STATUS_SSH_KEY = env_str("WARROOM_STATUS_SSH_KEY")
STATUS_SUPPORT_PHONE = env_str("WARROOM_STATUS_SUPPORT_PHONE")
STATUS_SUPPORT_EMAIL = env_str("WARROOM_STATUS_SUPPORT_EMAIL")
STATUS_WEBHOOK_PRIVATE_OK = env_bool("WARROOM_STATUS_WEBHOOK_PRIVATE_OK", False)

SITE_URL = env_str("WARROOM_URL", "http://127.0.0.1:8000/")
CLOCK_REMINDERS = env_str("WARROOM_CLOCK_REMINDERS", "50%,-4h,0,+1h")
CLOCK_WEBHOOK_URL = env_str("WARROOM_CLOCK_WEBHOOK_URL")
CLOCK_WEBHOOK_SECRET = env_str("WARROOM_CLOCK_WEBHOOK_SECRET")
CLOCK_PDF_FONT = env_str("WARROOM_CLOCK_PDF_FONT")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}
