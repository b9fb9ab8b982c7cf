"""Settings shared by every environment.

Values that differ between machines come from environment variables; nothing secret
is kept here. See dev.py, test.py and production.py for what each environment changes.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "training",
    "courses",
    "assessments",
    "certificates",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "training.apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "polymorphic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "training.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "training.context_processors.support",
                "training.context_processors.team",
            ],
        },
    },
]

WSGI_APPLICATION = "training.wsgi.application"

# SQLite on one machine by default; DATABASE_URL (postgres://...) for real deployments.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests writing at once (a double click) wait for each other instead of
    # failing: transactions take the write lock when they start, and wait up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "training.User"
AUTHENTICATION_BACKENDS = ["training.auth.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "advance",
    }
}
if os.environ.get("REDIS_URL"):
    # Shared by every server process, so rate limits and revocations hold everywhere.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "ADVANCE training <no-reply@advance-training.invalid>"
)

# Request bodies: generous enough for the page editor, small enough to refuse floods.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = "ADVANCE training"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "md",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No avatars fetched from Gravatar: no third-party requests carrying users' emails.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Certificates
# The Ed25519 key new certificates are signed with: base64 of the 32-byte private key,
# or a PKCS#8 PEM block (manage.py certificate_keys generate prints one).
CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY", "")
# Or a keys file outside the repository holding the active key and earlier ones
# (manage.py certificate_keys rotate). With neither set, a key is generated into var/
# on first use: right for development and the demo, warned about by check --deploy.
CERTIFICATE_SIGNING_KEYS_FILE = os.environ.get(
    "CERTIFICATE_SIGNING_KEYS_FILE",
    str(BASE_DIR / "var" / "certificate-signing-keys.json"),
)
CERTIFICATE_SIGNING_KEYS_CREATE = env_bool("CERTIFICATE_SIGNING_KEYS_CREATE", True)
# Verify lookups (page, JSON, PDF check) allowed per client address: "count/seconds".
CERTIFICATE_VERIFY_RATE_LIMIT = os.environ.get(
    "CERTIFICATE_VERIFY_RATE_LIMIT", "60/600"
)
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts only
# REMOTE_ADDR. Set it to match the deployment, or clients can choose their address.
CERTIFICATE_VERIFY_PROXY_COUNT = int(
    os.environ.get("CERTIFICATE_VERIFY_PROXY_COUNT", "0")
)
# The largest file "Check a PDF" accepts. Uploads are read into memory, never stored.
CERTIFICATE_CHECK_MAX_BYTES = 5 * 1024 * 1024

# --- Organisations: reminders and digests ---------------------------------------------
# Assignment reminders go to learners this many days before the due date, and once
# when overdue; managers get a weekly digest. Periodic jobs are run by the scheduler.
ASSIGNMENT_REMINDER_DAYS_BEFORE = int(
    os.environ.get("ASSIGNMENT_REMINDER_DAYS_BEFORE", "7")
)
# Certificate holders and their managers are reminded this many days before expiry;
# the first point also opens a course's refresher to the holder.
RECERTIFICATION_REMINDER_DAYS = [
    int(days)
    for days in os.environ.get("RECERTIFICATION_REMINDER_DAYS", "90,30,7").split(",")
    if days.strip()
]
SCHEDULED_TASKS = [
    {"task": "courses.tasks.assignment_reminders_send", "every": 60 * 60},
    {"task": "certificates.tasks.manager_digests_send", "every": 60 * 60},
    {"task": "certificates.tasks.recertification_reminders_send", "every": 60 * 60},
]
