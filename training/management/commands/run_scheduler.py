"""The scheduler process: enqueue each job in ``SCHEDULED_TASKS`` every so often.

    manage.py run_scheduler [--once]

Each entry is {"task": "app.tasks.name", "every": seconds}. The scheduler only
enqueues; the task worker (``manage.py db_worker``) runs the jobs. Run one scheduler
per deployment: if two run, each job is enqueued twice as often, which is harmless
(every scheduled task is safe to run twice) but wasteful. A job's next run is counted
from when it was last enqueued, so a scheduler restarted often still waits its turn:
the time each job was last enqueued is kept in the cache.
"""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger("training.scheduler")


def scheduled_jobs() -> list[tuple[str, int]]:
    jobs = []
    for entry in getattr(settings, "SCHEDULED_TASKS", []):
        path, every = entry["task"], int(entry["every"])
        if every <= 0:
            raise CommandError(f"{path}: 'every' must be a positive number of seconds")
        jobs.append((path, every))
    return jobs


class Command(BaseCommand):
    help = "Enqueue the SCHEDULED_TASKS jobs, each every so many seconds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every job once and exit."
        )
        parser.add_argument(
            "--tick", type=float, default=1.0, help="Seconds between looks (1)."
        )

    def handle(self, *args, once: bool, tick: float, **options):
        jobs = scheduled_jobs()
        tasks = {path: import_string(path) for path, _ in jobs}
        if once:
            for path, _ in jobs:
                self._enqueue(tasks[path], path)
            return
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        log.info("Scheduler started with %d jobs", len(jobs))
        while not stopping:
            close_old_connections()
            now = time.time()
            for path, every in jobs:
                key = f"scheduler:last:{path}"
                last = cache.get(key)
                if last is None or now - last >= every:
                    cache.set(key, now, timeout=every * 2)
                    self._enqueue(tasks[path], path)
            time.sleep(tick)
        log.info("Scheduler stopped")

    def _enqueue(self, task, path: str) -> None:
        try:
            result = task.enqueue()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("Could not enqueue %s", path)
            return
        log.info("Enqueued %s", path, extra={"task_id": str(result.id)})
