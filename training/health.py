"""``/healthz``: is this web process able to serve? For the proxy and monitoring.

Checks the database (one query), the cache (a write and a read) and reports the
task queue's depth (tasks waiting, and how long the oldest has waited). It answers
503 when the database or the cache fails; a long queue is reported, not failed, so
a busy worker does not take the web servers out of the proxy's rotation.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _cache() -> dict:
    started = time.perf_counter()
    key, value = "healthz:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    ok = cache.get(key) == value
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _queue() -> dict:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    backend = type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__
    if backend != "DatabaseBackend":
        return {"ok": True, "backend": backend, "ready": 0}
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True)
    first = oldest.first()
    return {
        "ok": True,
        "backend": backend,
        "ready": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_wait_s": round((timezone.now() - first).total_seconds())
        if first
        else 0,
    }


@require_GET
def healthz(request):
    checks = {}
    for name, probe in (("database", _database), ("cache", _cache), ("queue", _queue)):
        try:
            checks[name] = probe()
        except Exception as error:  # noqa: BLE001 - any failure is the answer
            log.error("healthz: %s failed: %s", name, error)
            checks[name] = {"ok": False, "error": type(error).__name__}
    healthy = checks["database"]["ok"] and checks["cache"]["ok"]
    response = JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
    add_never_cache_headers(response)
    return response
