"""The cluster test: 2 gunicorn servers and 1 task worker on PostgreSQL and Redis.

    .venv/bin/python .ci/cluster.py

Checks, and prints figures for:
1. revocation: revoked through server A, server B says REVOKED within 1 s;
2. the verify rate limit is shared: lookups on A and B count against one limit;
3. the login throttle is shared (when django-axes is installed; reported otherwise);
4. 100 learners completing a course at once, half on each server: p95 response,
   errors, and exactly 100 certificates, each rendered once, by the worker; beside
   it, as a baseline measured in the same run, the same 100 learners posting to a
   bare view (benchmarks/urls.py) through the same middleware at once;
5. the worker SIGKILLed during renders, then restarted: no certificate lost, none
   duplicated (the scheduler's job queues the lost renders again);
6. a web worker on each server SIGKILLed while learners autosave quiz answers
   (written answers and a choice) on both: every answer the server acknowledged
   with a 2xx is in the database (or a later save of the same question that was
   cut off, which may have committed before the kill).

Exits non-zero on the first check that fails. Uses a scratch database
(CLUSTER_DATABASE_URL, default advance_cluster) and Redis db (CLUSTER_REDIS_URL),
ports CLUSTER_PORT and CLUSTER_PORT + 1 (default 8132), on 127.0.0.1 only.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/advance_cluster"
)
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/3")
PORT = int(os.environ.get("CLUSTER_PORT", "8132"))
RATE_LIMIT = 40
LEARNERS = 100
KILLED_LEARNERS = 30
AUTOSAVE_LEARNERS = 20
AUTOSAVES_EACH = 30
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fail(message: str) -> None:
    say(f"FAILED: {message}")
    raise SystemExit(1)


SCRATCH = Path(tempfile.mkdtemp(prefix="advance-cluster-"))
ENV = dict(os.environ)
ENV.update(
    {
        # Production settings with the bare view beside the real URLs.
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_STATIC_ROOT": str(SCRATCH / "static"),
        "DJANGO_MEDIA_ROOT": str(SCRATCH / "media"),
        "CERTIFICATE_SIGNING_KEYS_FILE": str(SCRATCH / "keys.json"),
        "CERTIFICATE_VERIFY_RATE_LIMIT": f"{RATE_LIMIT}/600",
        # Each check below is its own client address (X-Forwarded-For from "nginx").
        "CERTIFICATE_VERIFY_PROXY_COUNT": "1",
        "CERTIFICATE_RENDER_STALE_SECONDS": "3",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The public address printed on certificates (production refuses a local one).
        "WAGTAILADMIN_BASE_URL": "https://training.example.org",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.update(ENV)


def database(action: str) -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(
        DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            connection.execute(f'CREATE DATABASE "{name}"')


def scratch_cache_empty() -> None:
    """The scratch Redis database starts empty: a rate-limit count or a throttle
    left by an earlier run on this machine would refuse this run's first request."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def manage(*argv: str) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *argv],
        env=ENV,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Cluster:
    """The processes: web servers A and B (2 workers each) and the task worker."""

    def __init__(self):
        self.web = {}
        self.worker = None

    def start_web(self, name: str, port: int) -> None:
        self.web[name] = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "training.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=ENV,
            cwd=ROOT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ],
            env=ENV,
            cwd=ROOT,
            start_new_session=True,
            stderr=subprocess.DEVNULL,
            # As deploy/systemd/advance-worker.service runs it: below the web
            # processes, so renders wait while learners are waiting.
            preexec_fn=lambda: os.nice(10),
        )

    def kill_worker(self) -> None:
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop(self) -> None:
        for process in [*self.web.values(), self.worker]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.web.values(), self.worker]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def wait_up(session, base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if session.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    fail(f"{base} did not come up")


def build_data():
    """A course of one lesson, learners enrolled, and their session cookies."""
    import django

    django.setup()
    from django.test import Client

    from courses.models import Enrolment, LessonPage
    from tests.factories import make_course, make_home
    from training.models import User

    home = make_home()
    course = make_course(home=home, modules=1, lessons_per_module=1)
    second = make_course(home=home, modules=1, lessons_per_module=1)
    learners = []
    for target, count in ((course, LEARNERS), (second, KILLED_LEARNERS)):
        lesson = LessonPage.objects.descendant_of(target).first()
        for _ in range(count):
            # No password: they sign in by session only (hashing 130 is slow).
            user = User.objects.create_user(
                email=f"learner-{secrets.token_hex(6)}@example.org",
                password=None,
                full_name=f"Learner {len(learners) + 1}",
            )
            Enrolment.objects.create(user=user, course=target)
            client = Client()
            client.force_login(user)
            learners.append((target, lesson, client.cookies["sessionid"].value))
    return course, second, learners


def build_autosave_data() -> list[tuple]:
    """A quiz of three written answers and a single choice, and learners with an
    attempt open at it: (attempt id, session id, {position: question class})."""
    from django.test import Client

    from assessments.services import attempt_start
    from courses.models import CourseIndexPage, Enrolment, ModulePage
    from tests.factories import (
        SingleChoiceQuestionFactory,
        WrittenAnswerQuestionFactory,
        make_course,
        make_quiz,
    )
    from training.models import User

    home = CourseIndexPage.objects.get(slug="training-home")  # from build_data
    course = make_course(home=home, modules=1, lessons_per_module=0)
    questions = [WrittenAnswerQuestionFactory() for _ in range(3)]
    questions.append(SingleChoiceQuestionFactory())
    quiz = make_quiz(
        module=ModulePage.objects.child_of(course).get(),
        questions=questions,
        time_limit_minutes=None,
    )
    learners = []
    for n in range(AUTOSAVE_LEARNERS):
        user = User.objects.create_user(
            email=f"autosave-{secrets.token_hex(6)}@example.org",
            password=None,
            full_name=f"Autosaver {n + 1}",
        )
        Enrolment.objects.create(user=user, course=course)
        attempt = attempt_start(user=user, quiz=quiz).attempt
        items = {
            item.position: (item.question_class, item.presented)
            for item in attempt.items.all()
        }
        client = Client()
        client.force_login(user)
        learners.append((attempt.pk, client.cookies["sessionid"].value, items))
    return learners


def autosave_post(session_id: str, base: str, attempt_id: int, data: dict):
    """One autosave as static/js/quiz.js sends it: (status, seconds); status 0
    when the connection was cut (the worker killed under it)."""
    import requests

    token = secrets.token_hex(16)
    started = time.perf_counter()
    try:
        response = requests.post(
            f"{base}/quizzes/attempts/{attempt_id}/answers/",
            data=data,
            cookies={"sessionid": session_id, "csrftoken": token},
            headers={"X-CSRFToken": token, "Accept": "application/json"},
            allow_redirects=False,
            timeout=30,
        )
    except requests.RequestException:
        return 0, time.perf_counter() - started
    saved = response.ok and response.json().get("saved") is True
    return (response.status_code if saved else -response.status_code), (
        time.perf_counter() - started
    )


def autosave_learner(learner, servers):
    """One learner's autosaves in turn, cycling through the questions and the
    servers. Returns [(position, response, status)] in the order sent."""
    attempt_id, session_id, items = learner
    positions = sorted(items)
    sent = []
    for n in range(AUTOSAVES_EACH):
        position = positions[n % len(positions)]
        question_class, presented = items[position]
        name = f"q{position}"
        if "options" in presented:
            options = [option["id"] for option in presented["options"]]
            response = options[n % len(options)]
        else:
            response = f"Answer {n} from attempt {attempt_id}: safety first."
        status, seconds = autosave_post(
            session_id,
            servers[n % len(servers)],
            attempt_id,
            {"question": str(position), name: response},
        )
        sent.append((position, response, status, seconds))
    return sent


def gunicorn_workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def signed_in_post(session_id: str, url: str, address: str):
    """A learner's POST (session and CSRF cookies, as a browser sends them): the
    status and the seconds to the answer."""
    import requests

    token = secrets.token_hex(16)  # a CSRF secret: 32 characters
    started = time.perf_counter()
    response = requests.post(
        url,
        cookies={"sessionid": session_id, "csrftoken": token},
        headers={"X-CSRFToken": token, "X-Forwarded-For": address},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code, time.perf_counter() - started


def completion_post(session_id: str, base: str, lesson_id: int, address: str):
    return signed_in_post(session_id, f"{base}/lessons/{lesson_id}/complete/", address)


def at_once(calls: list[tuple]) -> list[tuple[int, float]]:
    """Each (function, *arguments) called at the same time, one thread each."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(*call) for call in calls]
        return [future.result() for future in futures]


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:  # noqa: C901 - one script, one story
    import requests

    started_at = time.monotonic()
    say("== Cluster: 2 gunicorn servers x 2 workers + 1 task worker ==")
    database("create")
    scratch_cache_empty()
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    course, second, learners = build_data()
    autosavers = build_autosave_data()

    from django.db import close_old_connections
    from django.db.models import Count

    from certificates.models import Certificate, PdfState
    from courses.models import CourseCompletion

    cluster = Cluster()
    a, b = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    cluster.start_web("A", PORT)
    cluster.start_web("B", PORT + 1)
    cluster.start_worker()
    http = requests.Session()
    try:
        wait_up(http, a)
        wait_up(http, b)

        # 4. 100 learners complete the course at once, half on each server.
        first = [item for item in learners if item[0].pk == course.pk]
        web_workers = [
            pid
            for server in ("A", "B")
            for pid in gunicorn_workers(cluster.web[server].pid)
        ]
        # The baseline: the same learners post to the bare view at once.
        cpu_before = cpu_seconds(web_workers)
        bare = at_once(
            [
                (
                    signed_in_post,
                    session_id,
                    f"{a if n % 2 else b}/bench/bare/",
                    f"10.5.{n // 250}.{n % 250}",
                )
                for n, (_, _, session_id) in enumerate(first)
            ]
        )
        bare_cpu = cpu_seconds(web_workers) - cpu_before
        bare_times = sorted(t for _, t in bare)
        if {status for status, _ in bare} != {200}:
            fail(f"the bare view answered {sorted({s for s, _ in bare})}")
        cpu_before = cpu_seconds(web_workers)
        results = at_once(
            [
                (
                    completion_post,
                    session_id,
                    a if n % 2 else b,
                    lesson.pk,
                    f"10.1.{n // 250}.{n % 250}",
                )
                for n, (_, lesson, session_id) in enumerate(first)
            ]
        )
        web_cpu = cpu_seconds(web_workers) - cpu_before
        times = sorted(t for _, t in results)
        errors = [status for status, _ in results if status != 302]
        completion_p95 = p95(times) * 1000
        bare_p95 = p95(bare_times) * 1000
        say(
            f"completions: {len(results)} at once, p50 "
            f"{statistics.median(times) * 1000:.0f} ms, p95 {completion_p95:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms, errors {len(errors)}; load average "
            + " ".join(f"{n:.1f}" for n in os.getloadavg())
            + f" on {os.cpu_count()} cores"
        )
        say(
            f"  baseline, the same {len(bare)} learners posting to the bare view at "
            f"once: p50 {statistics.median(bare_times) * 1000:.0f} ms, p95 "
            f"{bare_p95:.0f} ms, web servers' CPU {bare_cpu * 1000 / len(bare):.0f} "
            f"ms a request; completion p95 is {completion_p95 / bare_p95:.1f}x it"
        )
        if errors:
            fail(f"completion answers other than a redirect: {errors[:5]}")
        cores = os.cpu_count() or 1
        say(
            f"  web servers' CPU: {web_cpu * 1000 / len(results):.0f} ms a completion, "
            f"{web_cpu:.2f} s for all {len(results)}: on {cores} cores the last "
            f"answer cannot come before {web_cpu / cores * 1000:.0f} ms (the "
            "database's, the worker's and this client's CPU come on top)"
        )
        if completion_p95 > 250:
            # A budget measured on the machine at hand, printed rather than failed:
            # a shared CI machine's load says more about it than about the code.
            say("  p95 over the 250 ms budget (OVER BUDGET on this machine)")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            close_old_connections()
            ready = Certificate.objects.filter(
                course=course, pdf_state=PdfState.READY
            ).count()
            if ready >= LEARNERS:
                break
            time.sleep(0.5)
        rendered = time.monotonic() - (deadline - 120)
        certificates = Certificate.objects.filter(course=course)
        attempts = sorted(set(certificates.values_list("render_attempts", flat=True)))
        say(
            f"certificates: {certificates.count()} issued, "
            f"{certificates.filter(pdf_state=PdfState.READY).count()} rendered in "
            f"{rendered:.1f} s by the worker, render attempts per certificate "
            f"{attempts}"
        )
        if certificates.count() != LEARNERS or attempts != [1]:
            fail("expected exactly 100 certificates, each rendered once")
        if CourseCompletion.objects.filter(course=course).count() != LEARNERS:
            fail("expected 100 completions")

        # 1. Revoked through A (its admin), B says REVOKED within 1 s.
        certificate = certificates.first()
        verify = f"/verify/{certificate.display_code}.json"
        headers = {"X-Forwarded-For": "10.2.0.1"}
        if http.get(b + verify, headers=headers).json()["status"] != "valid":
            fail("the certificate did not verify as valid on B")
        revoked = revoke_through(a, certificate)
        seen = None
        while time.monotonic() - revoked < 5:
            if http.get(b + verify, headers=headers).json()["status"] == "revoked":
                seen = time.monotonic() - revoked
                break
            time.sleep(0.02)
        say(
            "revocation: B said REVOKED "
            + (
                f"{seen * 1000:.0f} ms after A's answer"
                if seen is not None
                else "never"
            )
        )
        if seen is None or seen > 1:
            fail("B did not say REVOKED within 1 s")

        # 2. The verify rate limit is shared by A and B.
        headers = {"X-Forwarded-For": "10.3.0.1"}
        statuses = [
            http.get((a, b)[n % 2] + verify, headers=headers).status_code
            for n in range(RATE_LIMIT + 2)
        ]
        first_429 = statuses.index(429) + 1 if 429 in statuses else None
        say(
            f"verify rate limit {RATE_LIMIT} per address: lookups alternating A/B, "
            f"first refused at lookup {first_429}"
        )
        if first_429 != RATE_LIMIT + 1:
            fail("the verify rate limit is not shared between servers")

        # 3. The login throttle is shared by A and B (django-axes).
        login_throttle(http, a, b)

        # 5. The worker killed with SIGKILL during renders.
        rest = [item for item in learners if item[0].pk == second.pk]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(rest)) as pool:
            futures = [
                pool.submit(
                    completion_post, session_id, (a, b)[n % 2], lesson.pk, "10.4.0.1"
                )
                for n, (_, lesson, session_id) in enumerate(rest)
            ]
            statuses = [f.result()[0] for f in futures]
        if set(statuses) != {302}:
            fail(f"completions before the kill answered {set(statuses)}")
        killed_at_ready = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            close_old_connections()
            done = Certificate.objects.filter(
                course=second, pdf_state=PdfState.READY
            ).count()
            if done >= 3:
                cluster.kill_worker()
                killed_at_ready = done
                break
            time.sleep(0.02)
        if killed_at_ready is None:
            fail("the worker rendered nothing to be killed during")
        close_old_connections()
        cluster.start_worker()
        time.sleep(3.5)  # older than CERTIFICATE_RENDER_STALE_SECONDS
        manage("run_scheduler", "--once")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            close_old_connections()
            done = Certificate.objects.filter(
                course=second, pdf_state=PdfState.READY
            ).count()
            if done >= KILLED_LEARNERS:
                break
            if int(time.monotonic()) % 5 == 0:
                manage("run_scheduler", "--once")
            time.sleep(0.5)
        issued = Certificate.objects.filter(course=second)
        per_completion = set(
            CourseCompletion.objects.filter(course=second)
            .annotate(n=Count("certificates"))
            .values_list("n", flat=True)
        )
        files = list((SCRATCH / "media" / "certificates").rglob("*.pdf"))
        say(
            f"worker SIGKILLed after {killed_at_ready} of {KILLED_LEARNERS} renders, "
            f"restarted: {issued.filter(pdf_state=PdfState.READY).count()} of "
            f"{issued.count()} rendered, certificates per completion "
            f"{sorted(per_completion)}, PDF files {len(files)} for "
            f"{Certificate.objects.count()} certificates"
        )
        if issued.count() != KILLED_LEARNERS or per_completion != {1}:
            fail("a certificate was lost or duplicated")
        if issued.exclude(pdf_state=PdfState.READY).exists():
            fail("a certificate was left without its PDF")

        # 6. A web worker on each server SIGKILLed during autosaves.
        autosave_under_kill(cluster, autosavers, (a, b))
    finally:
        cluster.stop()
        close_old_connections()
        from django.db import connections

        connections.close_all()
        database("drop")
    say(f"Cluster test passed in {time.monotonic() - started_at:.0f} s.")


def autosave_under_kill(cluster, autosavers, servers) -> None:
    """Learners autosave on both servers; a worker of A and then one of B is
    SIGKILLed while requests are in flight; every acknowledged answer must be in
    the database."""
    from django.db import close_old_connections

    from assessments.models import AttemptQuestion

    killed = []

    def killer():
        # Kill when about a third, then two thirds, of the saves have been sent.
        total = AUTOSAVE_LEARNERS * AUTOSAVES_EACH
        for name, share in (("A", 1 / 3), ("B", 2 / 3)):
            while progress[0] < total * share:
                time.sleep(0.01)
            workers = gunicorn_workers(cluster.web[name].pid)
            os.kill(workers[0], signal.SIGKILL)
            killed.append((name, workers[0], progress[0]))

    progress = [0]

    def learner_run(learner):
        sent = []
        for item in autosave_learner(learner, servers):
            sent.append(item)
            progress[0] += 1
        return sent

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(
        max_workers=AUTOSAVE_LEARNERS + 1
    ) as pool:
        kill = pool.submit(killer)
        futures = [pool.submit(learner_run, learner) for learner in autosavers]
        results = [f.result() for f in futures]
        kill.result(timeout=60)
    seconds = time.perf_counter() - started

    close_old_connections()
    stored = {
        (attempt_id, position): response
        for attempt_id, position, response in AttemptQuestion.objects.filter(
            attempt_id__in=[learner[0] for learner in autosavers]
        ).values_list("attempt_id", "position", "response")
    }
    sent = acked = cut = refused = checked = 0
    lost = []
    times = []
    for (attempt_id, _, _), saves in zip(autosavers, results, strict=True):
        sent += len(saves)
        for position in {save[0] for save in saves}:
            mine = [save for save in saves if save[0] == position]
            acked_here = [i for i, save in enumerate(mine) if save[2] > 0]
            if not acked_here:
                continue
            checked += 1
            last = acked_here[-1]
            # What may be stored: the last acknowledged answer, or a later one whose
            # reply was cut off (it may have committed before the worker died).
            allowed = [mine[last][1]] + [
                save[1] for save in mine[last + 1 :] if save[2] <= 0
            ]
            if stored.get((attempt_id, position)) not in allowed:
                lost.append((attempt_id, position))
        acked += sum(save[2] > 0 for save in saves)
        cut += sum(save[2] == 0 for save in saves)
        refused += sum(save[2] < 0 for save in saves)
        times += [save[3] for save in saves if save[2] > 0]
    times.sort()
    kills = ", ".join(
        f"{name} worker {pid} after {at} saves sent" for name, pid, at in killed
    )
    say(
        f"autosaves: {sent} sent by {AUTOSAVE_LEARNERS} learners on A and B in "
        f"{seconds:.1f} s, {acked} acknowledged (p50 "
        f"{statistics.median(times) * 1000:.0f} ms, p95 "
        f"{times[int(len(times) * 0.95) - 1] * 1000:.0f} ms), {cut} cut off, "
        f"{refused} refused; SIGKILLed {kills}; {checked} acknowledged answers "
        f"checked, {len(lost)} lost"
    )
    if len(killed) != 2:
        fail("the web workers were not killed during the autosaves")
    if lost:
        fail(f"acknowledged answers lost: {lost[:5]}")
    if refused:
        fail(f"{refused} autosaves refused (not a cut connection)")


def revoke_through(base: str, certificate) -> float:
    """Revoke the certificate in server A's admin, as a trainer would; returns
    when A answered."""
    import re

    import requests
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from training.models import User

    admin = User.objects.create_user(
        email="cluster-admin@example.org", password=None, full_name="Cluster Admin"
    )
    admin.is_superuser = admin.is_staff = True
    admin.save()
    admin.groups.add(Group.objects.get(name="Trainers"))
    client = Client()
    client.force_login(admin)
    # The production settings mark cookies Secure; this is plain HTTP on 127.0.0.1,
    # so they are sent back by hand, as a browser behind TLS would.
    cookies = {"sessionid": client.cookies["sessionid"].value}
    name = "wagtailsnippets_certificates_certificate:revoke"
    url = base + reverse(name, args=[certificate.pk])
    page = requests.get(url, cookies=cookies, timeout=30)
    if page.status_code != 200:
        fail(f"the revoke form answered {page.status_code}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    cookies["csrftoken"] = page.cookies["csrftoken"]
    response = requests.post(
        url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "reason": "Issued in error (cluster test).",
        },
        cookies=cookies,
        allow_redirects=False,
        timeout=30,
    )
    answered = time.monotonic()
    if response.status_code not in (200, 302):
        fail(f"revoking on A answered {response.status_code}")
    return answered


def login_throttle(http, a: str, b: str) -> None:
    if importlib.util.find_spec("axes") is None:
        say("login throttle: django-axes is not installed; check skipped")
        return
    import re

    import requests

    from tests.factories import UserFactory

    user = UserFactory(email="throttled@example.org")
    user.set_password("the-right-password-1")
    user.save()

    def attempt(base: str, password: str):
        page = requests.get(f"{base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return requests.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": user.email,
                "password": password,
            },
            cookies={"csrftoken": page.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=30,
        )

    statuses = [attempt((a, b)[n % 2], "wrong-password").status_code for n in range(12)]
    right = attempt(a, "the-right-password-1")
    say(
        f"login throttle: 12 wrong passwords alternating A/B answered "
        f"{sorted(set(statuses))}; then the right one answered {right.status_code}"
    )
    if right.status_code == 302:
        fail("the right password signed in after 12 wrong ones across A and B")


if __name__ == "__main__":
    main()
