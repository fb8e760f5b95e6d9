"""Zhengcai settings. SQLite by default; DATABASE_URL selects PostgreSQL (psycopg 3)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHENGCAI_VAR", BASE_DIR / "var"))


def _installation_secret(path: Path) -> str:
    """A random key written once per installation (0600), read back afterwards; never committed.

    Written to a private temporary file and hard-linked into place, so concurrent first starts (several
    gunicorn workers) all end up with the one key that won the link."""
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(get_random_secret_key())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _installation_secret(VAR_DIR / "secret_key")
# Off unless asked for: a stale link must show the Chinese error page, not the URLconf and a traceback.
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
# Under pytest (PYTEST_VERSION is set by pytest itself): static files come from the finders, no collectstatic.
TESTING = "PYTEST_VERSION" in os.environ
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves /api/docs assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "core",
    "orgs",
    "access",
    "workflow",
    "audit",
    "attachments",
    "registry",
    "integration",
    "budgets",
    "projects",
    "joint",
    "intentions",
    "supervision",
    "contracts",
    "plans",
    "trading",
    "challenges",
    "failures",
    "awards",
    "portal",
]
if TESTING:  # the document kit's executable specification (tests/kitsample): a document type built on the kit
    INSTALLED_APPS.append("tests.kitsample")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zhengcai.urls"

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
                "portal.context_processors.shell",
            ],
        },
    },
]

WSGI_APPLICATION = "zhengcai.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zhengcai.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait instead of failing at once; WAL lets readers work during writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # a file per test process, so parallel runs (and the live server thread) never share one
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_zhengcai_{os.getpid()}"}

AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:workbench"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [  # ours: Chinese messages (orgs/passwords.py)
    {"NAME": "orgs.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "orgs.passwords.CommonPasswordValidator"},
    {"NAME": "orgs.passwords.NumericPasswordValidator"},
    {"NAME": "orgs.passwords.NotUserNameValidator"},
    {"NAME": "orgs.passwords.NotOldPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves static files from the app server. Hashed, compressed files need `collectstatic`
# (make serve / make demo run it); in development and tests the files come straight from the finders.
if DEBUG or TESTING:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    _STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
else:
    _STATIC_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}
MEDIA_ROOT = Path(os.environ.get("ZHENGCAI_MEDIA", VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: downloads go through the scoped view

# Background work: Django's tasks API (the django-tasks backport) on the database backend, so a job row
# commits or rolls back with the business change that enqueued it. `manage.py db_worker` runs the jobs
# (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL: several workers on several hosts never take the same one).
# Tests use the same backend and drain the queue in-process (core.jobs.run_ready), so they see real rows.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Excel exports (core/exports.py): up to this many rows are written during the request; more run as a
# background job whose file goes to the default storage under EXPORT_DIR and is kept EXPORT_KEEP_DAYS.
EXPORT_SYNC_MAX_ROWS = int(os.environ.get("ZHENGCAI_EXPORT_SYNC_MAX_ROWS", 5000))
EXPORT_DIR = "exports"
EXPORT_KEEP_DAYS = int(os.environ.get("ZHENGCAI_EXPORT_KEEP_DAYS", 7))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it for its header
X_FRAME_OPTIONS = "DENY"

# Served over HTTPS (ZHENGCAI_HTTPS=1, usually behind a reverse proxy that sets X-Forwarded-Proto):
# cookies only over TLS, HSTS, and plain HTTP redirected.
HTTPS = os.environ.get("ZHENGCAI_HTTPS") == "1"
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ZHENGCAI_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp 4): scripts only from our origin or carrying the response's nonce
# (templates write nonce="{{ request.csp_nonce }}" on the few inline scripts and <style> blocks). style
# attributes stay allowed (a few templates use them); htmx's own indicator <style> is off (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "zhengcai": {"handlers": ["console"], "level": os.environ.get("ZHENGCAI_LOG_LEVEL", "INFO")},
    },
}

# Where browser tests write screenshots (README names it).
SCREENSHOT_DIR = Path(os.environ.get("ZHENGCAI_SCREENSHOTS", BASE_DIR / "screenshots"))

# Lists count at most this many rows (shown as "10000+" beyond it) and page by number only up to it;
# deeper pages continue by keyset (core.listing), so no list ever COUNTs or OFFSETs a million rows.
LIST_COUNT_CAP = int(os.environ.get("ZHENGCAI_LIST_COUNT_CAP", "10000"))
