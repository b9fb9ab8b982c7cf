"""Settings shared by every environment.

Values that differ between machines come from environment variables; nothing secret
is kept here. See dev.py, test.py and production.py for what each environment changes.
"""

import os
from datetime import timedelta
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
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the shared cache, before sessions are looked at.
    "training.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What a signed-in person sends replaces their cached pages (learnercache).
    "training.learnercache.LearnerChangesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Wagtail pages found from a remembered route (training/routecache.py).
    "training.routecache.RouteCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "training.middleware.RedirectMiddleware",
    "training.middleware.ContentSecurityPolicyMiddleware",
    "training.middleware.PermissionsPolicyMiddleware",
    "training.middleware.OversizedInputMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its own page.
    "axes.middleware.AxesMiddleware",
    # Records the served address; used only where CERTIFICATE_BASE_URL_FROM_REQUEST.
    "certificates.addresses.ServedAddressMiddleware",
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
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in from a locked-out account or address (see below).
    "axes.backends.AxesStandaloneBackend",
    "training.auth.EmailBackend",
]
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
        "BACKEND": "training.rediscache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
# How long an anonymous public page (catalogue, course, module, standard page) is
# served from the cache. Publishing, unpublishing, moving or deleting a page, an
# image or document saved or deleted, or a site setting saved, empties it at once;
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# How long routes, course outlines and rendered lesson bodies are kept in the cache
# for everyone (signed in too). Each entry carries the page cache's version, so any
# change to pages or sites replaces them at once; 0 turns them off.
CONTENT_CACHE_SECONDS = int(os.environ.get("CONTENT_CACHE_SECONDS", "3600"))

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
# Draftail with an accessible name for each editor (training/rich_text_widget.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "training.rich_text_widget.LabelledDraftailRichTextArea"}
}
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Certificates print their verify address once: production refuses a local one
# (certificates/addresses.py); development follows the address being served.
CERTIFICATE_REQUIRE_PUBLIC_BASE_URL = False
CERTIFICATE_BASE_URL_FROM_REQUEST = False
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
# Documents are always served through Django (never a bare media URL), so the rule
# in courses/document_access.py applies: lesson resources only for enrolled
# learners; documents in these collections stay public wherever they are used.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_PUBLIC_COLLECTIONS = env_list("WAGTAILDOCS_PUBLIC_COLLECTIONS", "Public")
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No avatars fetched from Gravatar: no third-party requests carrying users' emails.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a check for new Wagtail releases from every admin's browser (and the admin's
# connect-src allows only this site).
WAGTAIL_ENABLE_UPDATE_CHECK = False
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
# PAdES signatures on certificate PDFs: a PEM private key and its PEM certificate
# (chain), or one PEM file holding both (manage.py certificate_keys pdf-generate).
# With none set, a self-signed certificate is generated into var/ on first use
# (CERTIFICATE_SIGNING_KEYS_CREATE), warned about by check --deploy.
CERTIFICATE_PDF_SIGNING_KEY = os.environ.get("CERTIFICATE_PDF_SIGNING_KEY", "")
CERTIFICATE_PDF_SIGNING_CERT = os.environ.get("CERTIFICATE_PDF_SIGNING_CERT", "")
CERTIFICATE_PDF_SIGNING_FILE = os.environ.get(
    "CERTIFICATE_PDF_SIGNING_FILE",
    str(BASE_DIR / "var" / "certificate-pdf-signing.pem"),
)
# Checks on the name a person types (profile, sign-up): certificates must print it.
PERSON_NAME_VALIDATORS = ["certificates.fonts.validate_printable_name"]
# Open Badges 3.0: how long a published status list stays valid (its validUntil);
# it is re-signed on every revocation and reissue, and by the scheduler before then.
CERTIFICATE_STATUS_LIST_VALID_SECONDS = int(
    os.environ.get("CERTIFICATE_STATUS_LIST_VALID_SECONDS", str(7 * 24 * 3600))
)
# Verify lookups (page, JSON, PDF check) allowed per client address: "count/seconds".
CERTIFICATE_VERIFY_RATE_LIMIT = os.environ.get(
    "CERTIFICATE_VERIFY_RATE_LIMIT", "60/600"
)
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts only
# REMOTE_ADDR. Set it to match the deployment, or clients can choose their address.
CERTIFICATE_VERIFY_PROXY_COUNT = int(
    os.environ.get("CERTIFICATE_VERIFY_PROXY_COUNT", "0")
)
# How long a verify answer is remembered by the process that served it (seconds);
# a change is seen everywhere within this time (certificates/verifycache.py).
CERTIFICATE_VERIFY_CACHE_SECONDS = float(
    os.environ.get("CERTIFICATE_VERIFY_CACHE_SECONDS", "0.5")
)
# The largest file "Check a PDF" accepts. Uploads are read into memory, never stored.
CERTIFICATE_CHECK_MAX_BYTES = 5 * 1024 * 1024

# Background work and periodic jobs
# Tasks (certificate rendering, emails, Wagtail's index updates) run at once in the
# same process by default, which is right for development, tests and `make run`.
# Production puts them on the database queue that `manage.py db_worker` runs.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Jobs `manage.py run_scheduler` enqueues every so many seconds: a list of
# {"task": "app.tasks.name", "every": seconds}. Each task is safe to run twice.
SCHEDULED_TASKS = [
    # Certificates past their expiry date: mark them and email each holder once.
    {"task": "certificates.tasks.certificates_expire", "every": 3600},
    # Certificates whose render was lost (a worker killed mid-task): queue it again.
    {"task": "certificates.tasks.certificates_render_pending", "every": 60},
    # Status lists carry a validUntil; re-sign them well before it passes.
    {"task": "certificates.tasks.status_lists_refresh", "every": 24 * 3600},
    # PDF files a killed render wrote without saving its row: deleted once a day.
    {"task": "certificates.tasks.certificate_files_clean", "every": 24 * 3600},
]
# A failed certificate render is tried this many times in all, a minute apart,
# before it is shown to administrators as failed.
CERTIFICATE_RENDER_ATTEMPTS = int(os.environ.get("CERTIFICATE_RENDER_ATTEMPTS", "3"))
CERTIFICATE_RENDER_STALE_SECONDS = int(
    os.environ.get("CERTIFICATE_RENDER_STALE_SECONDS", "300")
)

# Login throttling (django-axes), on /accounts/login/ and /admin/login/ alike.
# Failed sign-ins are counted per account and, separately, per client address, in
# the database, so every server process shares them. Past the limit, that account
# or address is refused for the cool-off time, with a password-reset link; a
# password reset lifts the account's lock at once.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_USERNAME_CALLABLE = "training.auth.login_username"
# The same client address as the verify rate limit: REMOTE_ADDR, or the address
# CERTIFICATE_VERIFY_PROXY_COUNT proxies in front of the app put in X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "training.auth.login_client_address"
AXES_LOCKOUT_CALLABLE = "training.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Content-Security-Policy (django-csp). Public and learner pages run only the
# project's own scripts and styles from static/ (no inline script, no style=""
# attributes, no on* handlers). The Wagtail admin (under /admin/) needs inline
# styles and a few inline scripts, so CSP_ADMIN_EXTRA adds those there only.
# Enforced here and in production; dev.py sends it report-only.
CSP_SELF, CSP_NONE = "'self'", "'none'"
CSP_VIDEO_FRAMES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "media-src": [CSP_SELF],
        "frame-src": CSP_VIDEO_FRAMES,
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_SELF],
    }
}
CSP_ADMIN_PATH = "/admin/"
CSP_ADMIN_EXTRA = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
# Permissions-Policy: features no page uses are off for every page and embed.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "browsing-topics": [],
    "fullscreen": ["self", *(f'"{origin}"' for origin in CSP_VIDEO_FRAMES)],
    "picture-in-picture": ["self", *(f'"{origin}"' for origin in CSP_VIDEO_FRAMES)],
}

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
SCHEDULED_TASKS += [
    {"task": "courses.tasks.assignment_reminders_send", "every": 60 * 60},
    {"task": "certificates.tasks.manager_digests_send", "every": 60 * 60},
    {"task": "certificates.tasks.recertification_reminders_send", "every": 60 * 60},
]
