"""The portal's one settings module. Every value comes from an environment variable with a
default that runs at once on a laptop (SQLite file, console e-mail, local files); see
.env.example and docs/configuration.md. Production (DTI_DEBUG off) refuses to start with
the development secret key, and its security settings pass `manage.py check --deploy`
(docs/security.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    database_from_url,
    env_address,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parents[2]
DEVELOPMENT_SECRET = "dti-development-only-not-secret"  # noqa: S105  (refused in production)

# Off unless asked for: a forgotten variable must never serve tracebacks and settings to
# the public. `make run` turns it on for the demo.
DEBUG = env_bool("DTI_DEBUG", False)
SECRET_KEY = env_str("DTI_SECRET_KEY", DEVELOPMENT_SECRET)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET:
    raise ImproperlyConfigured("DTI_SECRET_KEY must be set when DTI_DEBUG is off")
# Keys retired by a rotation, still accepted for what they signed (sessions, the marks of
# audit entries waiting to be sealed: docs/audit-trail.md).
SECRET_KEY_FALLBACKS = env_list("DTI_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DTI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "portal.accounts.apps.PortalAdminConfig",  # the admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "portal.accounts",
    "portal.units",
    "portal.frameworks",
    "portal.campaigns",
    "portal.assessments",
    "portal.appraisals",
    "portal.notifications",
    "portal.indicators",
    "portal.audit",
    "portal.auditlog",
    "portal.publication",
    "portal.analysis",
    "portal.signatures",
    "portal.public",
    "portal.api",
    "portal.demo",
    "portal.backups",
    "portal.jobs",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",  # first: every log line of a request has its id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.public.middleware.OpenAccessMiddleware",  # CORS and the rate of the open data
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.middleware.IdleSessionMiddleware",  # after messages: it says why
    "portal.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE, LANGUAGES
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context.roles",
                "portal.accounts.context.menu",  # the site menu, by the person's roles
                "portal.notifications.context.unread",
            ]
        },
    }
]

DATABASES = {
    "default": database_from_url(env_str("DTI_DATABASE_URL", "sqlite:///var/dti.sqlite3"), BASE_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Vietnamese first, English through Django i18n; Vietnamese number and date formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]  # as the switcher shows them (docs/i18n.md)
LOCALE_PATHS = [BASE_DIR / "src" / "portal" / "locale"]
TIME_ZONE = env_str("DTI_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
# The site-wide stylesheet, and the front-end packages npm installed from package-lock.json
# (`make`'s node_modules/.installed), served under a prefix: nothing is fetched at run time.
STATICFILES_DIRS = [
    BASE_DIR / "src" / "portal" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STATIC_ROOT = env_path("DTI_STATIC_ROOT", BASE_DIR / "var" / "static")
# Production serves what `collectstatic` wrote, under names carrying a hash of the content
# (cached for a year, compressed once); development and the tests read the sources as they are.
STATIC_HASHED = env_bool("DTI_STATIC_HASHED", not DEBUG)
if STATIC_HASHED:  # served from STATIC_ROOT, cached for a year: no web server configuration
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_HASHED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence files live outside the web root and are only served through a permission check.
EVIDENCE_ROOT = env_path("DTI_EVIDENCE_ROOT", BASE_DIR / "var" / "evidence")
EVIDENCE_MAX_BYTES = env_int("DTI_EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
# Or an S3-compatible bucket (AWS S3, MinIO, Ceph…), which several app servers share without a
# network folder: django-storages, the "evidence" storage (portal.evidence_store). The keys
# may instead come the usual ways of boto3 (AWS_ACCESS_KEY_ID…, an instance's role).
EVIDENCE_S3_BUCKET = env_str("DTI_EVIDENCE_S3_BUCKET", "")
if EVIDENCE_S3_BUCKET:
    from botocore.config import Config

    # "path" for most S3-compatible servers on a private network (MinIO, Ceph), "auto" for AWS
    ADDRESSING: dict[str, Literal["auto", "virtual", "path"]] = {
        "auto": "auto", "virtual": "virtual", "path": "path"
    }  # fmt: skip
    addressing = env_str("DTI_EVIDENCE_S3_ADDRESSING", "auto")
    if addressing not in ADDRESSING:
        raise ImproperlyConfigured(
            f"DTI_EVIDENCE_S3_ADDRESSING={addressing!r}: expected one of auto, virtual, path"
        )

    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "location": env_str("DTI_EVIDENCE_S3_PREFIX", "evidence"),
            "endpoint_url": env_str("DTI_EVIDENCE_S3_ENDPOINT", "") or None,
            "region_name": env_str("DTI_EVIDENCE_S3_REGION", "") or None,
            "access_key": env_str("DTI_EVIDENCE_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("DTI_EVIDENCE_S3_SECRET_KEY", "") or None,
            # A bucket that does not answer fails an upload within seconds, never a minute.
            "client_config": Config(
                s3={"addressing_style": ADDRESSING[addressing]},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
            "default_acl": None,  # private, as the bucket's policy says: served by the portal
            "file_overwrite": True,  # names are random: no lookup before each upload
            "max_memory_size": 2 * 1024 * 1024,  # a larger download waits on disk, not in RAM
        },
    }
# What all the evidence files of one unit in one campaign may add up to.
EVIDENCE_QUOTA_BYTES = env_int("DTI_EVIDENCE_QUOTA_MB", 500, minimum=1) * 1024 * 1024
# clamd scans every evidence file before it is stored, when one of these is set (the socket
# wins); when clamd is set but cannot answer, uploads are refused (docs/security.md).
CLAMAV_SOCKET = env_str("DTI_CLAMAV_SOCKET", "")
CLAMAV_HOST, CLAMAV_PORT = env_address("DTI_CLAMAV_ADDRESS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Checkpoints of the audit trail's hash chain, outside the database (docs/audit-trail.md).
DTI_AUDIT_ANCHOR_DIR = env_path("DTI_AUDIT_ANCHOR_DIR", BASE_DIR / "var" / "audit-anchor")
DTI_AUDIT_ANCHOR_EVERY = env_int("DTI_AUDIT_ANCHOR_EVERY", 100, minimum=1)
DTI_AUDIT_ANCHOR_SECONDS = env_int("DTI_AUDIT_ANCHOR_SECONDS", 300, minimum=1)
DTI_AUDIT_ANCHOR_SYSLOG = env_str("DTI_AUDIT_ANCHOR_SYSLOG", "")

# Long work off the request (docs/tasks.md): reports, exports, checks and finalization are
# queued in the database and run by `manage.py worker` (started by `make run` and
# `make serve`; on a server, deploy/systemd/dti-worker.service). A broker-backed backend of
# Django's Tasks framework is one setting away (DTI_TASKS_BACKEND).
TASKS = {"default": {"BACKEND": env_str("DTI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The files jobs make, kept for their owner to download: on several app servers, a shared
# folder, like the evidence store.
JOB_FILES_ROOT = env_path("DTI_JOB_FILES_ROOT", BASE_DIR / "var" / "job-files")
JOB_FILES_DAYS = env_int("DTI_JOB_FILES_DAYS", 7, minimum=1)  # then the file is removed
JOB_MAX_ATTEMPTS = env_int("DTI_JOB_MAX_ATTEMPTS", 3, minimum=1)  # runs cut short by a dead worker
# A worker says it is alive every WORKER_BEAT_SECONDS; one silent for WORKER_STALE_SECONDS is
# taken for dead: /healthz says so and its job goes back in the queue.
WORKER_BEAT_SECONDS = env_int("DTI_WORKER_BEAT_SECONDS", 5, minimum=1)
WORKER_STALE_SECONDS = env_int("DTI_WORKER_STALE_SECONDS", 30, minimum=2)

EMAIL_BACKEND = env_str("DTI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DTI_FROM_EMAIL", "dti@localhost")
EMAIL_HOST = env_str("DTI_EMAIL_HOST", "localhost")  # for the SMTP backend
EMAIL_PORT = env_int("DTI_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DTI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("DTI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DTI_EMAIL_TLS", False)
EMAIL_TIMEOUT = 20
# The portal's address as people reach it, for the links in e-mails.
DTI_SITE_URL = env_str("DTI_SITE_URL", "http://127.0.0.1:8000")
# The hour (0-23, the portal's time zone) from which `send_reminders` sends the daily digest
# of notifications to those who chose one (docs/portal-notifications.md).
DTI_DIGEST_HOUR = env_int("DTI_DIGEST_HOUR", 7)
if DTI_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"DTI_DIGEST_HOUR={DTI_DIGEST_HOUR}: must be an hour, 0 to 23")

# --- Security: HTTPS, headers, Content-Security-Policy (docs/security.md) ---------------
# Production is HTTPS only: browsers are told to stay on HTTPS (HSTS), plain HTTP is
# redirected, cookies never travel in clear. Development (DEBUG on) stays on plain HTTP.
SECURE_HSTS_SECONDS = env_int("DTI_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload puts the domain on the browsers' built-in HTTPS list, for months, for every
# subdomain: a choice for the domain's owner, so off unless asked for.
SECURE_HSTS_PRELOAD = env_bool("DTI_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DTI_SSL_REDIRECT", not DEBUG)
# A probe on the server's own network (a load balancer, the systemd timer, `curl` on the box)
# asks the app server for /healthz over plain HTTP: answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips it from clients):
# otherwise any client could claim HTTPS. Off unless set, e.g. "HTTP_X_FORWARDED_PROTO,https".
_proxy_header = env_list("DTI_PROXY_SSL_HEADER", [])
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(
        "DTI_PROXY_SSL_HEADER: expected HEADER,VALUE, e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if _proxy_header else None
CSRF_TRUSTED_ORIGINS = env_list("DTI_CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Django's sessions in the database, each request's read with a query composed once
SESSION_ENGINE = "portal.accounts.sessions"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Signing in (docs/portal.md, "Signing in"; docs/security.md). Argon2 first: older PBKDF2
# hashes still verify and are rewritten with Argon2 at the person's next sign-in.
INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes counts failed sign-ins per username and address (the portal's and the admin's,
# which is the same page) and locks that pair out for the cool-off; a success resets it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the person of each request with a query composed once
    "portal.accounts.backends.PersonBackend",
]
AXES_FAILURE_LIMIT = env_int("DTI_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DTI_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.locked_out"  # a Vietnamese page, status 429
# Behind DTI_PROXY_COUNT trusted reverse proxies the client's address is read from
# X-Forwarded-For (portal.accounts.client_address); with none the header is ignored.
DTI_PROXY_COUNT = env_int("DTI_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "portal.accounts.client_address.client_address"
# Requests a minute one client address may make to the open data and the public API
# (portal.public.middleware); 0: no limit.
DTI_PUBLIC_RATE = env_int("DTI_PUBLIC_RATE", 120, minimum=0)
# The public pages' and open data's cache, and the rate's counts: in each process's memory by
# default; in a folder shared by the workers of one machine with DTI_CACHE_DIR, so a page is
# built once for all of them and a client's requests are counted together.
_CACHE_DIR = env_str("DTI_CACHE_DIR", "")
if _CACHE_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# The portal's own PDFs (a submission to sign, a published report) signed with the
# organisation's certificate: a PKCS#12 file kept outside the database, its passphrase in a
# file beside it, and a timestamp authority's URL (portal.signatures.exports). Empty: unsigned.
DTI_SIGNING_PKCS12 = env_str("DTI_SIGNING_PKCS12", "")
DTI_SIGNING_PASSPHRASE_FILE = env_str("DTI_SIGNING_PASSPHRASE_FILE", "")
DTI_SIGNING_TSA_URL = env_str("DTI_SIGNING_TSA_URL", "")
# django-otp: a TOTP code is accepted once (last_t); wrong codes slow the device down.
OTP_TOTP_ISSUER = "DTI"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # staff see that a device exists, never its secret
# A session unused for DTI_SESSION_IDLE_MINUTES ends (portal.accounts.middleware); the cookie
# dies with the browser.
SESSION_IDLE_MINUTES = env_int("DTI_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour
# Content-Security-Policy (django-csp): the pages load scripts, styles, images and fonts
# from the portal only, no inline script or style, no plugins, never inside a frame, and
# forms post only back to the portal. data: images are the 2FA QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
if not SECURE_HSTS_PRELOAD:
    # Django warns that preload is off; it is off on purpose (above).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Logs on standard error, where gunicorn, systemd's journal or a container runtime collect
# them: one JSON object a line in production (DTI_LOG_FORMAT=json), readable text in
# development; every line carries the request's id (portal.observability). Errors of a
# request are logged with their traceback; with DTI_ERROR_EMAILS they are also mailed.
LOG_FORMAT = env_str("DTI_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DTI_LOG_FORMAT={LOG_FORMAT!r}: expected json or text")
LOG_LEVEL = env_str("DTI_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise ImproperlyConfigured(
        f"DTI_LOG_LEVEL={LOG_LEVEL!r}: expected DEBUG, INFO, WARNING or ERROR"
    )
ADMINS = [("DTI", address) for address in env_list("DTI_ERROR_EMAILS", [])]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id"],
        },
    },
    # the libraries' warnings and errors; the portal's own lines from LOG_LEVEL
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"level": LOG_LEVEL},
        "dti": {"level": LOG_LEVEL},
        # Django's own handlers (console in DEBUG, mail_admins) replaced: through the root
        "django": {"handlers": [], "level": LOG_LEVEL},
        # 4xx as warnings, 5xx as errors with their traceback, on the console with the root;
        # errors also mailed when ADMINS is set (the handler's own level)
        "django.request": {"handlers": ["mail_admins"], "level": "WARNING"},
        # Django's development server logs each request itself; gunicorn has its access log
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        "axes": {"level": "WARNING"},  # not its banner at every start and command
    },
}
# /healthz fails when the evidence store's or the audit anchor's disk has less room than this.
HEALTH_MIN_FREE_MB = env_int("DTI_HEALTH_MIN_FREE_MB", 500, minimum=0)
