"""Trainer reports benchmark: the course progress report, quiz statistics and a full
CSV export, with 10,000 learners across the demo courses.

    .venv/bin/python benchmarks/bench_reports.py [--learners 10000] [--seed 4]

Prints figures; it asserts nothing. It builds a scratch database and throws it away
afterwards: a SQLite file in a temporary directory, or, when DATABASE_URL points at
PostgreSQL, ``bench_reports_<name>`` beside the named database (which is never
touched; not ``test_<name>``, which a test run may be using at the time). It
loads the demo catalogue and question bank, then seeds learners with bulk inserts:
enrolments on one or two courses, lessons completed in order, submitted quiz attempts
(each question frozen as in a real attempt, answered right or wrong according to the
learner's ability and the question's difficulty, and marked by the question type's
own scoring), a few attempts left open, and course completions.

It prints, for a trainer signed in through the Django test client: the query count
and time of the first page of the course progress report (all courses, and one course
with its best-quiz-score columns), of the quiz statistics list and of the busiest
quiz's statistics page; and the time and peak traced memory (tracemalloc) of a full
CSV export of the progress report, read to the end as a download would be.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings.test")

ORGANISATIONS = [
    "Northbrook Recovery Service",
    "Calderwick Drug and Alcohol Service",
    "Ashcombe Community Recovery Partnership",
    "Hollinsby Domestic Abuse Partnership",
    "Eastgate Recovery",
    "Riverside Women's Centre",
    "Westmoor Substance Misuse Team",
    "Harbourside Housing and Support",
]
BATCH = 5000


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def timed(label: str):
    class Timer:
        def __enter__(self):
            self.started = time.perf_counter()
            return self

        def __exit__(self, *exc):
            say(f"  {label}: {time.perf_counter() - self.started:.1f} s")

    return Timer()


# --- content -------------------------------------------------------------------------


def load_content():
    """The demo catalogue, question bank and quizzes (no demo people)."""
    from assessments import demo as assessments_demo
    from courses.demo import load_catalogue

    root = ROOT / "fixtures" / "demo"
    _, quizzes = load_catalogue(root=root)
    assessments_demo.load(root=root, quizzes=quizzes)


class QuestionSnap:
    """A question frozen once, as attempts freeze it, with a response generator."""

    def __init__(self, question, rng: random.Random):
        self.question = question
        self.cls = type(question)
        self.presented, self.key = question.snapshot()
        self.points = question.points
        # Some questions are harder than others (logit scale).
        self.difficulty = rng.gauss(-0.8, 1.0)

    def answer(self, ability: float, rng: random.Random):
        """A response and its score for a learner of ``ability``."""
        p_right = 1 / (1 + math.exp(-(ability - self.difficulty)))
        if rng.random() < p_right:
            response = self.cls.model_answer(self.key)
        elif rng.random() < 0.04:
            response = None  # left blank
        else:
            response = self.cls.sample_response(self.presented, self.key, rng)
        score = self.cls.score(self.presented, self.key, response, self.points)
        if score is None:  # a written answer, as a trainer marked it
            score = Decimal(round(self.points * p_right)).quantize(Decimal("0.01"))
        return response, score


# --- learners ------------------------------------------------------------------------


def course_plan():
    """Each course's modules in order, with their lessons and quizzes."""
    from assessments.models import QuizPage
    from courses.models import CoursePage, LessonPage, ModulePage

    plans = []
    for course in CoursePage.objects.live().order_by("path"):
        modules = []
        for module in ModulePage.objects.live().child_of(course).order_by("path"):
            lessons = list(LessonPage.objects.live().child_of(module).order_by("path"))
            quizzes = list(QuizPage.objects.live().child_of(module).order_by("path"))
            modules.append((module, lessons, quizzes))
        plans.append((course, modules))
    return plans


def quiz_questions(quiz, snaps_by_id, rng):
    """What an attempt at ``quiz`` asks: its fixed questions and a random draw."""
    from assessments.models import Question

    fixed = list(
        quiz.quiz_questions.order_by("sort_order").values_list("question_id", flat=True)
    )
    pool = []
    if quiz.draw_count:
        pool = list(
            Question.objects.non_polymorphic()
            .filter(category__in=quiz.draw_categories.all())
            .exclude(pk__in=fixed)
            .values_list("pk", flat=True)
        )
    return [snaps_by_id[pk] for pk in fixed], [snaps_by_id[pk] for pk in pool]


def seed(learners: int, rng: random.Random) -> dict:
    from django.contrib.auth.hashers import make_password

    from assessments.models import Attempt, AttemptQuestion, AttemptStatus, Question
    from assessments.selectors import load_questions
    from courses.models import CourseCompletion, Enrolment, StepCompletion
    from training.models import User

    now = timezone_now()
    plans = course_plan()
    ids = list(Question.objects.values_list("pk", flat=True))
    snaps_by_id = {q.pk: QuestionSnap(q, rng) for q in load_questions(ids)}
    quiz_sets = {
        quiz.pk: quiz_questions(quiz, snaps_by_id, rng)
        for _, modules in plans
        for _, _, quizzes in modules
        for quiz in quizzes
    }

    users = [
        User(
            email=f"bench-{i}@example.org",
            full_name=f"Learner {i:05d}",
            organisation=ORGANISATIONS[i % len(ORGANISATIONS)],
            password=make_password(None),  # unusable: nobody signs in as them
        )
        for i in range(learners)
    ]
    users = bulk(User, users)

    enrolments, steps_done, completions, attempts, items = [], [], [], [], []
    for user in users:
        ability = rng.gauss(0, 1)
        taken = rng.sample(plans, 2 if rng.random() < 0.3 else 1)
        for course, modules in taken:
            when = now - timedelta(days=rng.uniform(5, 540))
            enrolments.append(Enrolment(user=user, course=course, enrolled_at=when))
            # How far this learner means to get: some never start, many finish;
            # failing a quiz three times stops them there.
            reach = rng.choice([0, 0, 1, 2, len(modules), len(modules), len(modules)])
            done = set()
            for module, lessons, quizzes in modules[:reach]:
                for lesson in lessons:
                    when += timedelta(hours=rng.uniform(1, 60))
                    steps_done.append(
                        StepCompletion(user=user, page=lesson, completed_at=when)
                    )
                passed = True
                for quiz in quizzes:
                    when, passed = take_quiz(
                        user, quiz, quiz_sets[quiz.pk], ability, when, rng,
                        attempts, items,
                    )  # fmt: skip
                    if not passed:
                        break
                    steps_done.append(
                        StepCompletion(user=user, page=quiz, completed_at=when)
                    )
                if not passed:
                    break
                done.add(module.pk)
            if reach and all(m.optional or m.pk in done for m, _, _ in modules):
                completions.append(
                    CourseCompletion(user=user, course=course, completed_at=when)
                )

    bulk(Enrolment, enrolments)
    bulk(StepCompletion, steps_done)
    bulk(CourseCompletion, completions)
    saved = bulk(Attempt, attempts)
    for attempt in saved:
        for item in attempt._items:
            item.attempt = attempt
    bulk(AttemptQuestion, items)
    return {
        "learners": len(users),
        "enrolments": len(enrolments),
        "steps": len(steps_done),
        "attempts": len(attempts),
        "submitted": sum(a.status == AttemptStatus.SUBMITTED for a in attempts),
        "items": len(items),
        "completions": len(completions),
    }


def take_quiz(user, quiz, question_set, ability, when, rng, attempts, items):
    """A learner's attempts at one quiz, until a pass or the attempts run out."""
    from assessments.models import Attempt, AttemptQuestion, AttemptStatus, MarkingState

    fixed, pool = question_set
    limit = quiz.max_attempts or 3
    for number in range(1, limit + 1):
        asked = fixed + rng.sample(pool, min(quiz.draw_count, len(pool)))
        started = when + timedelta(hours=rng.uniform(0.5, 48))
        submitted = started + timedelta(minutes=rng.uniform(4, 30))
        attempt = Attempt(
            user=user,
            quiz=quiz,
            number=number,
            started_at=started,
            pass_mark=quiz.pass_mark,
            max_score=sum(snap.points for snap in asked),
        )
        marked_by_trainer = any(snap.cls.needs_marking for snap in asked)
        left_open = rng.random() < 0.02
        attempt._items = []
        total = Decimal("0.00")
        for position, snap in enumerate(asked, start=1):
            response, score = snap.answer(ability + 0.4 * (number - 1), rng)
            item = AttemptQuestion(
                position=position,
                question_id=snap.question.pk,
                question_key=snap.question.key,
                question_type=snap.question.type_name,
                points=snap.points,
                presented=snap.presented,
                answer_key=snap.key,
                response=response,
                response_refs=snap.cls.response_refs(snap.key, response),
                saved_at=submitted,
                score=None if left_open else score,
            )
            total += score
            attempt._items.append(item)
            items.append(item)
        attempts.append(attempt)
        if left_open:
            return submitted, False
        attempt.status = AttemptStatus.SUBMITTED
        attempt.submitted_at = submitted
        if marked_by_trainer:
            attempt.marking_state = MarkingState.MARKED
        attempt.score = total
        attempt.percent = (total * 100 / attempt.max_score).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
        attempt.passed = total * 100 >= quiz.pass_mark * attempt.max_score
        when = submitted
        if attempt.passed:
            return when, True
    return when, False


def bulk(model, objects: list) -> list:
    saved = []
    for start in range(0, len(objects), BATCH):
        saved += model.objects.bulk_create(objects[start : start + BATCH])
    return saved


def timezone_now():
    from django.utils import timezone

    return timezone.now()


# --- measuring ---------------------------------------------------------------------


def measure(client, url: str, runs: int = 5) -> tuple[int, float]:
    """Queries and median milliseconds of a GET, after one warm-up request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Count now: the captured list is a view of a log later requests clear.
    count = len(queries)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    return count, statistics.median(samples) * 1000


def export_csv(client, url: str) -> tuple[int, int]:
    """Rows and bytes of a CSV export, read to the end."""
    response = client.get(url)
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
    return rows - 1, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    from benchmarks.scratch import scratch_database

    with scratch_database("bench_reports", say):
        run(args)


def run(args) -> None:
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Attempt, QuizPage
    from courses.models import CoursePage
    from training.models import User

    rng = random.Random(args.seed)  # noqa: S311 - test data, repeatable by seed
    say("Seeding")
    with timed("demo courses, question bank and quizzes"):
        load_content()
    with timed(f"{args.learners:,} learners and their activity"):
        counts = seed(args.learners, rng)
    say(
        "  {learners:,} learners, {enrolments:,} enrolments, {steps:,} lessons and "
        "quizzes completed, {attempts:,} attempts ({submitted:,} submitted) with "
        "{items:,} questions, {completions:,} course completions".format(**counts)
    )

    trainer = User.objects.create(email="bench-trainer@example.org", full_name="T")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    client = Client()
    client.force_login(trainer)

    report = reverse("course_reports:progress")
    course = CoursePage.objects.annotate(n=Count("enrolments")).order_by("-n").first()
    quizzes_in_course = QuizPage.objects.live().descendant_of(course).count()
    busiest = (
        Attempt.objects.filter(status="submitted")
        .values("quiz_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    busiest_quiz = QuizPage.objects.get(pk=busiest["quiz_id"])
    pages = [
        ("Course progress report, first page (all courses)", report),
        (
            f"Course progress report, first page of one course "
            f"({quizzes_in_course} best-score columns)",
            f"{report}?course={course.pk}",
        ),
        ("Quiz statistics list", reverse("quiz_statistics:index")),
        (
            f"Quiz statistics page, busiest quiz ({busiest['n']:,} submitted attempts)",
            reverse("quiz_statistics:quiz", args=[busiest_quiz.pk]),
        ),
    ]
    say("Pages (test client, as a trainer; median of 5 after a warm-up)")
    for label, url in pages:
        queries, ms = measure(client, url)
        say(f"  {label}: {queries} queries, {ms:.0f} ms")

    say("CSV export of the whole progress report, read to the end")
    for label, url in [
        ("all courses", f"{report}?export=csv"),
        ("one course, with best scores", f"{report}?export=csv&course={course.pk}"),
    ]:
        started = time.perf_counter()
        rows, size = export_csv(client, url)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        export_csv(client, url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        say(
            f"  {label}: {rows:,} rows, {size / 2**20:.1f} MB in {seconds:.1f} s; "
            f"peak traced memory {peak / 2**20:.1f} MB"
        )


if __name__ == "__main__":
    main()
