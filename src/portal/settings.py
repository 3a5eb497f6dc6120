"""The portal's one settings module. Every value comes from an environment variable with a
default that runs at once on a laptop (SQLite file, console e-mail, local files); see
.env.example and docs/configuration.md. Production (DTI_DEBUG off) refuses to start with
the development secret key."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portal.env import database_from_url, env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
DEVELOPMENT_SECRET = "dti-development-only-not-secret"

DEBUG = env_bool("DTI_DEBUG", True)
SECRET_KEY = env_str("DTI_SECRET_KEY", DEVELOPMENT_SECRET)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET:
    raise ImproperlyConfigured("DTI_SECRET_KEY must be set when DTI_DEBUG is off")
ALLOWED_HOSTS = env_list("DTI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "portal.api",
    "portal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
STATICFILES_DIRS = [BASE_DIR / "src" / "portal" / "static"]  # the site-wide stylesheet
STATIC_ROOT = env_path("DTI_STATIC_ROOT", BASE_DIR / "var" / "static")

# Evidence files live outside the web root and are only served through a permission check.
EVIDENCE_ROOT = env_path("DTI_EVIDENCE_ROOT", BASE_DIR / "var" / "evidence")
EVIDENCE_MAX_BYTES = env_int("DTI_EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Checkpoints of the audit trail's hash chain, outside the database (docs/audit-trail.md).
DTI_AUDIT_ANCHOR_DIR = env_path("DTI_AUDIT_ANCHOR_DIR", BASE_DIR / "var" / "audit-anchor")
DTI_AUDIT_ANCHOR_EVERY = env_int("DTI_AUDIT_ANCHOR_EVERY", 100, minimum=1)
DTI_AUDIT_ANCHOR_SECONDS = env_int("DTI_AUDIT_ANCHOR_SECONDS", 300, minimum=1)
DTI_AUDIT_ANCHOR_SYSLOG = env_str("DTI_AUDIT_ANCHOR_SYSLOG", "")

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

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
