"""Settings for the test suite: fast hashing, in-memory cache and email."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "advance-tests",
    }
}
if os.environ.get("REDIS_URL"):
    # CI runs the suite once on Redis, so the rate limits and throttles are tested
    # as every server process shares them. Each test empties the cache, so each
    # pytest-xdist process has its own database: gw0 the URL's, gw1 the next.
    _redis_url, _, _redis_db = os.environ["REDIS_URL"].rstrip("/").rpartition("/")
    if not _redis_db.isdigit():
        _redis_url, _redis_db = os.environ["REDIS_URL"].rstrip("/"), "0"
    _xdist_index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    CACHES["default"] = {
        "BACKEND": "training.rediscache.RedisCache",
        "LOCATION": f"{_redis_url}/{int(_redis_db) + _xdist_index}",
    }
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
DEMO_MODE = False
# Static files are served by runserver's finders in tests, not by WhiteNoise.
MIDDLEWARE = [
    m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"
]  # noqa: F405
# Every request does its own lookups and renders (so query counts measure them); the
# caches that skip them have their own tests, which turn them on.
PAGE_CACHE_SECONDS = 0
CONTENT_CACHE_SECONDS = 0
CERTIFICATE_VERIFY_CACHE_SECONDS = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file, not Django's shared-cache memory database: there a
    # browser test's two requests at once (an autosave and the form's POST) fail with
    # "database table is locked" at once, where a file makes the second wait, as it
    # does on a real site. Nothing is synced to disk. One file per process, so two
    # test runs in one checkout (and xdist's workers) never share one.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"advance-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"
    )
