"""Settings for a real deployment. ``manage.py check --deploy`` judges this file.

Required environment: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
REDIS_URL (the cache every process shares: rate limits, throttles, page caches),
unless DJANGO_SINGLE_PROCESS=1. Recommended: email settings. deploy/env.example lists
them all.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DEMO_MODE = False

# Serving with several processes
# Persistent database connections, checked before each request reuses one.
DATABASES["default"]["CONN_MAX_AGE"] = int(  # noqa: F405
    os.environ.get("DATABASE_CONN_MAX_AGE", "600")  # noqa: F405
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# Sessions read from the shared cache, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# One process (`DJANGO_SINGLE_PROCESS=1`: one web worker, tasks run in it) may keep
# the local-memory cache; anything more needs REDIS_URL (training.checks says so).
SINGLE_PROCESS = env_bool("DJANGO_SINGLE_PROCESS", False)
if not SINGLE_PROCESS:
    # The task queue is a table in the database; `manage.py db_worker` runs it.
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
# /healthz answers over plain HTTP too, for a proxy or monitor on the same host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Media: the file system (a shared volume when web servers are on several hosts) by
# default; DJANGO_MEDIA_STORAGE=s3 for an S3-compatible store (README "Deploying").
if os.environ.get("DJANGO_MEDIA_STORAGE", "filesystem") == "s3":  # noqa: F405
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],  # noqa: F405
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # noqa: F405
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,  # noqa: F405
            # Certificates and course documents are private: signed, expiring URLs.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Structured logs: one JSON object a line on stderr, for journald or a collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "training.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},  # noqa: F405
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each task's start and end are worth keeping; each request's, not.
        "django.server": {"level": "WARNING"},
    },
}

# No default public address in production: an unset one is reported by
# check --deploy and certificates are not issued with it.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "")  # noqa: F405
CERTIFICATE_REQUIRE_PUBLIC_BASE_URL = True
