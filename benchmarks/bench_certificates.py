"""Certificates benchmark: how long one certificate takes to render, and how many
queries the verify page makes (it should be one lookup, however many certificates).

    .venv/bin/python benchmarks/bench_certificates.py [--renders 20]

Prints figures; it asserts nothing. Runs against a throwaway test database (in memory
with SQLite; ``test_<name>`` when DATABASE_URL points at PostgreSQL), with a signing
key generated into a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings.test")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def median_ms(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1000:.1f} ms "
        f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}, "
        f"n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    keys = tempfile.TemporaryDirectory()
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(Path(keys.name) / "keys.json")
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "1000000/60"
    try:
        from certificates.models import Certificate
        from certificates.rendering import certificate_render
        from certificates.services import certificate_issue
        from courses.models import Enrolment
        from tests.factories import (
            CertificateFactory,
            CourseCompletionFactory,
            UserFactory,
            make_course,
            make_home,
        )

        course = make_course(home=make_home(), certificate_validity_months=36)
        learner = UserFactory(full_name="Siobhán Ó Briain")
        Enrolment.objects.create(user=learner, course=course)
        certificate = certificate_issue(
            completion=CourseCompletionFactory(user=learner, course=course)
        )
        # Rendered by a task after commit (immediately here): read what it stored.
        certificate.refresh_from_db()
        if not certificate.pdf_ready:
            raise SystemExit(f"The certificate did not render: {certificate.pdf_error}")

        samples = []
        cpu = []
        size = 0
        certificate_render(certificate=certificate)  # warm: fonts, templates
        for _ in range(args.renders):
            started, started_cpu = time.perf_counter(), time.process_time()
            size = len(certificate_render(certificate=certificate))
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        say(
            f"Render one certificate (A4 PDF, {size / 1024:.0f} KB): "
            f"{median_ms(samples)}"
        )
        # CPU time is the figure to compare on a shared machine: wall time also
        # counts the time other processes had the core.
        say(f"  CPU time per render: {median_ms(cpu)} (budget: 40 ms median)")

        client = Client()
        page = f"/verify/{certificate.display_code}/"
        api = f"/verify/{certificate.display_code}.json"
        client.get(page)  # first request creates the footer's site setting

        def count(url: str) -> tuple[int, int]:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            lookups = sum("certificates_certificate" in q["sql"] for q in queries)
            return len(queries), lookups

        def report(label: str) -> None:
            total, lookups = count(page)
            api_total, _ = count(api)
            say(
                f"Verify page with {Certificate.objects.count():,} certificates: "
                f"{total} quer{'y' if total == 1 else 'ies'} ({lookups} certificate "
                f"lookup by its unique code); JSON: {api_total} "
                f"quer{'y' if api_total == 1 else 'ies'} {label}"
            )

        report("")
        CertificateFactory.create_batch(args.certificates)
        # Their courses are new pages: the first page after a content change reads
        # the site's settings again (2 queries), once.
        client.get(page)
        report(f"(after adding {args.certificates:,})")

        for label, url in [("Verify page", page), ("Verify JSON", api)]:
            timings = []
            for _ in range(args.requests):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            say(f"{label}, in-process test client: {median_ms(timings)}")
    finally:
        teardown_databases(databases, verbosity=0)
        keys.cleanup()


if __name__ == "__main__":
    main()
