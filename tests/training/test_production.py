"""Serving with several processes: page cache, verify answers, /healthz, logs."""

import json
import logging

import pytest
from django.core.cache import cache
from django.core.checks import Error

from certificates import services as certificate_services
from certificates.verifycache import verify_cache_clear
from tests.factories import CertificateFactory
from training.checks import shared_cache_check
from training.logs import JsonFormatter
from training.pagecache import HIT_HEADER


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_anonymous_course_pages_come_from_the_cache_and_publishing_shows_at_once(
    client, course, page_cache, django_capture_on_commit_callbacks
):
    first = client.get(course.url)
    assert first.status_code == 200 and HIT_HEADER not in first
    again = client.get(course.url)
    assert again[HIT_HEADER] == "hit"
    assert again.content == first.content

    course.title = "A retitled course"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    fresh = client.get(course.url)
    assert HIT_HEADER not in fresh
    assert "A retitled course" in fresh.content.decode()


def test_signed_in_visitors_never_get_the_anonymous_copy(
    client, course, page_cache, enrolled
):
    client.get(course.url)
    assert client.get(course.url)[HIT_HEADER] == "hit"
    client.force_login(enrolled)
    response = client.get(course.url)
    assert HIT_HEADER not in response
    assert b"Sign in to enrol" not in response.content


def test_an_address_with_a_query_string_is_never_cached(client, course, page_cache):
    for _ in range(3):
        response = client.get(f"{course.url}?filler=1")
        assert response.status_code == 200 and HIT_HEADER not in response


def test_pages_that_did_not_opt_in_are_never_cached(client, home, page_cache):
    client.get("/accounts/login/")
    assert HIT_HEADER not in client.get("/accounts/login/")


def test_a_revocation_shows_at_once_on_the_serving_process(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_VERIFY_CACHE_SECONDS = 30
    verify_cache_clear()
    certificate = CertificateFactory()
    url = f"/verify/{certificate.display_code}.json"
    assert client.get(url).json()["status"] == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(
            certificate=certificate, by=None, reason="Issued in error."
        )
    assert client.get(url).json()["status"] == "revoked"
    verify_cache_clear()


def test_healthz_reports_database_cache_and_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["checks"]["queue"]["ready"] == 0


def test_healthz_answers_503_when_the_cache_is_down(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError",
    }


def test_several_processes_with_a_local_cache_fail_the_check(settings):
    settings.SINGLE_PROCESS = False
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    assert [e.id for e in shared_cache_check(None)] == ["training.E001"]
    assert isinstance(shared_cache_check(None)[0], Error)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert shared_cache_check(None) == []


def test_logs_are_one_json_object_a_line():
    record = logging.makeLogRecord(
        {"name": "certificates", "levelname": "WARNING", "msg": "Certificate %s failed"}
    )
    record.args = ("ABCD",)
    record.task_id = "42"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "Certificate ABCD failed"
    assert entry["level"] == "WARNING" and entry["task_id"] == "42"
    assert "\n" not in line


def test_the_production_settings_queue_tasks_in_the_database():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="training.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.TASKS['default']['BACKEND'], s.DATABASES['default']['CONN_MAX_AGE'], "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE]))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    backend, max_age, health_checks, cache_backend, sessions = json.loads(out)
    assert backend == "django_tasks_db.DatabaseBackend"
    assert max_age == 600 and health_checks is True
    assert cache_backend.endswith("RedisCache")
    assert sessions == "django.contrib.sessions.backends.cached_db"


def test_the_anonymous_verify_page_is_kept_rendered_and_follows_a_revocation(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_VERIFY_CACHE_SECONDS = 30
    verify_cache_clear()
    certificate = CertificateFactory()
    url = f"/verify/{certificate.display_code}/"
    first = client.get(url)
    assert first.status_code == 200 and "VALID" in first.content.decode().upper()
    assert client.get(url).content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(
            certificate=certificate, by=None, reason="Issued in error."
        )
    revoked = client.get(url)
    assert "Revoked" in revoked.content.decode()
    assert revoked["X-Robots-Tag"] == "noindex, nofollow"
    verify_cache_clear()
