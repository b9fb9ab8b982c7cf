"""Public and learner pages under gunicorn, as ratios to a bare Django view.

    .venv/bin/python benchmarks/serve.py [--duration 10] [--connections 20]

Builds a scratch PostgreSQL database (``adv_production_bench`` unless --database-url
says otherwise; dropped afterwards unless --keep), loads the demo content, and starts
gunicorn with the production settings plus a bare view (benchmarks/urls.py) on
127.0.0.1, with Redis as the cache. It then drives each page with wrk for the same
time and prints requests per second, p99 latency and the ratio to the bare view
(measured before and after the pages, and averaged). It asserts nothing; CI prints
it. Needs PostgreSQL, Redis and wrk (Debian: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {
    "verify HTML": 0.6,
    "verify JSON": 0.8,
    "catalogue": 0.5,
    "course page (anonymous)": 0.5,
    "lesson page (signed in)": 0.3,
    "dashboard": 0.3,
}


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def server_env(args, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "DJANGO_STATIC_ROOT": str(scratch / "static"),
            "DJANGO_MEDIA_ROOT": str(scratch / "media"),
            "CERTIFICATE_SIGNING_KEYS_FILE": str(scratch / "keys.json"),
            # The benchmark measures serving, not the limit that protects it.
            "CERTIFICATE_VERIFY_RATE_LIMIT": "1000000000/600",
            "WAGTAILADMIN_BASE_URL": "https://training.example.org",
        }
    )
    return env


def manage(env, *argv: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *argv],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def targets(env) -> tuple[dict[str, str], str]:
    """The addresses to measure, and the signed-in learner's session cookie."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    # The benchmark's own Redis database: nothing cached from another database
    # (Wagtail's site root paths, pages) may answer for this one.
    cache.clear()

    from certificates.models import Certificate, CertificateStatus
    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from training.models import User

    certificate = (
        Certificate.objects.filter(status=CertificateStatus.VALID, expires_at=None)
        .order_by("pk")
        .first()
        or Certificate.objects.filter(status=CertificateStatus.VALID)
        .order_by("pk")
        .first()
    )
    from courses.services import enrolment_create

    learner = User.objects.get(email="learner@example.org")
    course = CoursePage.objects.live().order_by("path").first()
    enrolment_create(user=learner, course=course)
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    client = Client()
    client.force_login(learner)
    # As a returning browser sends them: its session and the CSRF cookie it got
    # with the first page that had a form.
    client.get(lesson.url, HTTP_HOST="127.0.0.1")
    cookie = "; ".join(
        f"{name}={client.cookies[name].value}" for name in ("sessionid", "csrftoken")
    )
    pages = {
        "verify HTML": f"/verify/{certificate.display_code}/",
        "verify JSON": f"/verify/{certificate.display_code}.json",
        "catalogue": CourseIndexPage.objects.live().first().url,
        "course page (anonymous)": course.url,
        "lesson page (signed in)": lesson.url,
        "dashboard": "/my-learning/",
    }
    return pages, cookie


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/bench/bare/", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def check_status(base: str, path: str, cookie: str | None) -> int:
    request = urllib.request.Request(f"{base}{path}")  # noqa: S310
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_BAD = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_ERR = re.compile(r"Socket errors:.*")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(args, url: str, cookie: str | None, duration: float) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    p99 = WRK_P99.search(output)
    bad = WRK_BAD.search(output)
    errors = WRK_ERR.search(output)
    return {
        "rps": float(WRK_RPS.search(output).group(1)),
        "p99_ms": float(p99.group(1)) * UNIT_MS[p99.group(2)] if p99 else 0.0,
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/adv_production_bench",
        ),
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    )
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    scratch = Path(tempfile.mkdtemp(prefix="advance-bench-"))
    env = server_env(args, scratch)
    if not args.reuse:
        say("Building the database and loading the demo content ...")
        recreate_database(args.database_url)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--force")
    manage(env, "collectstatic", "--noinput")
    # Only the tasks the demo queued, if any, before serving: a quiet database.
    pages, cookie = targets(env)

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "training.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        wait_until_up(base)
        for label, path in pages.items():
            status = check_status(base, path, cookie)
            if status != 200:
                raise SystemExit(f"{label} ({path}) answered {status}, not 200")
        say(
            f"gunicorn {args.workers} sync workers, wrk {args.threads} threads x "
            f"{args.connections} connections, {args.duration:g} s per page, "
            "PostgreSQL + Redis"
        )
        results = {}
        warm = max(1.0, args.duration / 5)
        wrk(args, f"{base}/bench/bare/", None, warm)
        results["bare view (before)"] = wrk(
            args, f"{base}/bench/bare/", None, args.duration
        )
        for label, path in pages.items():
            signed_in = label in {"lesson page (signed in)", "dashboard"}
            wrk(args, f"{base}{path}", cookie if signed_in else None, warm)
            results[label] = wrk(
                args, f"{base}{path}", cookie if signed_in else None, args.duration
            )
        results["bare view (after)"] = wrk(
            args, f"{base}/bench/bare/", None, args.duration
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            drop_database(args.database_url)
        shutil.rmtree(scratch, ignore_errors=True)

    bare = (
        results["bare view (before)"]["rps"] + results["bare view (after)"]["rps"]
    ) / 2
    say()
    say(f"{'page':<26} {'req/s':>8} {'p99 ms':>8} {'ratio':>6} {'budget':>7}  note")
    failed = []
    for label, figures in results.items():
        budget = BUDGETS.get(label)
        ratio = figures["rps"] / bare if bare else 0.0
        note = []
        if figures["bad"]:
            note.append(f"{figures['bad']} non-2xx")
        if figures["errors"]:
            note.append(figures["errors"])
        if budget is not None and ratio < budget:
            note.append("BELOW BUDGET")
            failed.append(label)
        say(
            f"{label:<26} {figures['rps']:>8.0f} {figures['p99_ms']:>8.1f} "
            f"{ratio:>6.2f} {budget if budget is not None else '':>7}  "
            + "; ".join(note)
        )
    say()
    say("All pages within budget." if not failed else f"Below budget: {failed}")


if __name__ == "__main__":
    main()
