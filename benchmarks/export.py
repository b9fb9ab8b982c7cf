"""Progress export benchmark: the course progress CSV at 10,000 and at 100,000
enrolments, to show the time grows with the rows and the memory does not.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/advance \\
        .venv/bin/python benchmarks/export.py [--small 10000] [--large 100000]

Prints figures; it asserts nothing. It builds a scratch database beside the one
DATABASE_URL names (``<name>_bench_export``, never the named one itself, nor
``test_<name>`` which a test run may be using) and drops it afterwards; without
DATABASE_URL it uses a SQLite file in a temporary directory, but the export is meant
to be judged on PostgreSQL, where it reads through a server-side cursor.

The demo catalogue is loaded, then learners are added with bulk inserts: one
enrolment each, on one of the demo courses, with the first few of the course's
lessons and quizzes done (none, some or all; all means a course completion). Each
batch of learners is seeded in a child process, so that this process, which runs
the exports, holds none of the seeding's objects and its memory is the export's.

For each size it prints, for a trainer's CSV download through the Django test
client, read to the end as a browser would: rows, seconds, rows per second, this
process's CPU time, the number of queries, the peak traced memory (tracemalloc, in
a second run) and the peak resident memory during the first run; then the large
size's figures as ratios to the small one's (rows 10x, time near 10x, memory near
1x), and the load average, since the machine's other work shows in the seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import threading
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings.test")

ORGANISATIONS = [
    "Northbrook Recovery Service",
    "Calderwick Drug and Alcohol Service",
    "=Ashcombe Community Recovery Partnership",  # a cell to defuse on every row
    "Riverside Women's Centre",
]
BATCH = 5000


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- seeding (in a child process) ----------------------------------------------------


def course_steps() -> list[tuple]:
    """Each live course with its lessons and quizzes in the order a learner meets
    them."""
    from courses.models import CoursePage
    from courses.steps import step_models

    plans = []
    for course in CoursePage.objects.live().order_by("path"):
        steps = sorted(
            (
                (page.path, page.pk)
                for model in step_models()
                for page in model.objects.live().descendant_of(course).only("path")
            ),
        )
        plans.append((course.pk, [pk for _, pk in steps]))
    return plans


def seed(start: int, count: int, rng: random.Random) -> int:
    """Learners ``start`` .. ``start + count - 1``, each enrolled on one course
    with some of its steps done. Returns the number of steps done."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses.models import CourseCompletion, Enrolment, StepCompletion
    from training.models import User

    now = timezone.now()
    plans = course_steps()
    unusable = make_password(None)
    done = 0
    for first in range(start, start + count, BATCH):
        numbers = range(first, min(first + BATCH, start + count))
        users = User.objects.bulk_create(
            User(
                email=f"export-{i}@example.org",
                full_name=f"Learner {i:06d}",
                organisation=ORGANISATIONS[i % len(ORGANISATIONS)],
                password=unusable,  # nobody signs in as them
            )
            for i in numbers
        )
        enrolments, steps, completions = [], [], []
        for user in users:
            course_id, step_ids = rng.choice(plans)
            when = now - timedelta(days=rng.uniform(5, 540))
            enrolments.append(
                Enrolment(user=user, course_id=course_id, enrolled_at=when)
            )
            reach = rng.choice([0, 1, 3, len(step_ids) // 2, len(step_ids)])
            for page_id in step_ids[:reach]:
                when += timedelta(hours=rng.uniform(1, 60))
                steps.append(
                    StepCompletion(user=user, page_id=page_id, completed_at=when)
                )
            if step_ids and reach == len(step_ids):
                completions.append(
                    CourseCompletion(user=user, course_id=course_id, completed_at=when)
                )
        Enrolment.objects.bulk_create(enrolments)
        StepCompletion.objects.bulk_create(steps, batch_size=BATCH)
        CourseCompletion.objects.bulk_create(completions)
        done += len(steps)
    return done


def seed_in_child(start: int, count: int, seed_value: int) -> dict:
    """Run ``seed`` in a forked child and return what it reports."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 1
        try:
            started = time.perf_counter()
            steps = seed(start, count, random.Random(seed_value))  # noqa: S311
            report = {"steps": steps, "seconds": time.perf_counter() - started}
            os.write(write, json.dumps(report).encode())
            code = 0
        finally:
            connections.close_all()
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status or not report:
        raise SystemExit("seeding failed")
    return json.loads(report)


# --- measuring -----------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRSS:
    """The highest resident memory of this process while the block runs, sampled."""

    def __enter__(self):
        self.peak = self.start = rss_bytes()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_bytes())


def download(client, url: str) -> tuple[int, int]:
    """Rows and bytes of a CSV export, read to the end."""
    response = client.get(url)
    if response.status_code != 200 or not response.streaming:
        raise SystemExit(f"{url} answered {response.status_code}, not a stream")
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
    return rows - 1, size


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    with PeakRSS() as rss, CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        rows, size = download(client, url)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    query_count = len(queries)
    gc.collect()
    tracemalloc.start()
    download(client, url)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "cpu": cpu,
        "queries": query_count,
        "traced": traced,
        "rss_peak": rss.peak,
        "rss_growth": rss.peak - rss.start,
    }


def show(label: str, figures: dict) -> None:
    mib = 2**20
    say(
        f"  {label}: {figures['rows']:,} rows, {figures['bytes'] / mib:.1f} MB in "
        f"{figures['seconds']:.2f} s = {figures['rows'] / figures['seconds']:,.0f} "
        f"rows/s ({figures['cpu']:.2f} s of this process's CPU, the rest the "
        f"database and waiting for a core); {figures['queries']} queries; "
        f"peak traced memory {figures['traced'] / mib:.1f} MB; "
        f"peak RSS {figures['rss_peak'] / mib:.0f} MB "
        f"(+{figures['rss_growth'] / mib:.0f} MB during the export)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    from benchmarks.scratch import scratch_database

    with scratch_database("bench_export", say) as engine:
        if engine == "sqlite3":
            say("  (judge the export on PostgreSQL: set DATABASE_URL=postgres://...)")
        run(args)


def run(args) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from courses.demo import load_catalogue
    from training.models import User

    started = time.perf_counter()
    load_catalogue(root=ROOT / "fixtures" / "demo")
    trainer = User.objects.create(email="bench-trainer@example.org", full_name="T")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    say(f"Demo catalogue loaded in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(trainer)
    url = reverse("course_reports:progress") + "?export=csv"

    results = {}
    have = 0
    for size in (args.small, args.large):
        seeded = seed_in_child(have, size - have, args.seed + size)
        say(
            f"Seeded {size - have:,} more learners and enrolments "
            f"({seeded['steps']:,} steps done) in {seeded['seconds']:.0f} s"
        )
        have = size
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum gathers after bulk loads.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results[size] = measure(client, url)
        show(f"CSV export of {size:,} enrolments", results[size])

    small, large = results[args.small], results[args.large]
    say(
        f"Large to small: rows {large['rows'] / small['rows']:.1f}x, time "
        f"{large['seconds'] / small['seconds']:.1f}x, queries "
        f"{large['queries']} vs {small['queries']}, peak traced memory "
        f"{large['traced'] / small['traced']:.2f}x, RSS growth "
        f"{large['rss_growth'] / 2**20:.0f} MB vs {small['rss_growth'] / 2**20:.0f} MB"
    )
    per_100k = large["seconds"] * 100_000 / large["rows"]
    say(f"Seconds for 100,000 rows: {per_100k:.1f} (budget 20)")
    say(f"Load average (1, 5, 15 min): {' '.join(f'{n:.1f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
