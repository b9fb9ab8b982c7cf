"""Demo learners with a history, so reports, statistics and certificates have
something in them (``load_demo`` step).

Each learner in ``fixtures/demo/people.yaml`` is enrolled on their course and works
through it through the same services a learner's clicks call, at times spread over
the past year: lessons marked complete, quizzes taken with the model answers (or
left blank, for the attempt that fails first), courses completed. Completions send
``course_completed``, so certificates are issued as they would be. A learner who
already exists is left alone, so loading twice adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from assessments.models import QuizPage
from assessments.selectors import model_answers
from assessments.services import answers_save, attempt_start, attempt_submit
from courses.models import CoursePage, LessonPage
from courses.selectors import course_progress
from courses.services import enrolment_create, lesson_complete, lesson_time_record
from courses.timing import BEAT_MAX_SECONDS
from training.models import JobRole, Organisation, User
from training.services import membership_start

NOT_STARTED = "not_started"
PART_WAY = "part_way"
FAILED_THEN_PASSED = "failed_then_passed"
FINISHING = {"completed", "completed_revoked", "completed_expired", FAILED_THEN_PASSED}


def _people(root: Path) -> list[dict]:
    path = root / "people.yaml"
    if not path.exists():
        return []
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("learners", [])


def _take_quiz(*, user, quiz: QuizPage, when: datetime, rng, fail_first: bool):
    if fail_first:
        attempt = attempt_start(user=user, quiz=quiz, now=when, rng=rng).attempt
        attempt_submit(user=user, attempt=attempt, answers={}, now=when)
        when += timedelta(days=2)
    attempt = attempt_start(user=user, quiz=quiz, now=when, rng=rng).attempt
    attempt_submit(user=user, attempt=attempt, answers=model_answers(attempt), now=when)


def _read(*, user, lesson: LessonPage, when: datetime) -> None:
    """Reading time on a lesson before it is marked complete: between about two
    thirds of its reading time and a little over it (more than any course's
    minimum), reported the way the lesson page's script does, through the same
    service, in reports no longer than it allows."""
    rng = random.Random(f"{user.email}:{lesson.slug}")  # noqa: S311 - demo data
    seconds = round(lesson.minutes * 60 * rng.uniform(0.7, 1.3))
    beat = BEAT_MAX_SECONDS
    opened = when - timedelta(seconds=seconds)
    for start in range(0, seconds, beat):
        chunk = min(beat, seconds - start)
        lesson_time_record(
            user=user,
            lesson=lesson,
            seconds=chunk,
            opened_at=opened,
            now=opened + timedelta(seconds=start + chunk),
        )


def _work_through(*, user, course: CoursePage, progress_kind: str, start, rng) -> None:
    """Do the steps of the course in order, as far as ``progress_kind`` goes."""
    enrolment_create(user=user, course=course, now=start)
    if progress_kind == NOT_STARTED:
        return
    steps = [
        s for m in course_progress(course=course, user=user).modules for s in m.steps
    ]
    stop_at = len(steps) // 2 if progress_kind == PART_WAY else len(steps)
    when = start + timedelta(days=1)
    failed_once = progress_kind != FAILED_THEN_PASSED
    for step in steps[:stop_at]:
        when += timedelta(hours=rng.randint(2, 40))
        if isinstance(step.page, LessonPage):
            _read(user=user, lesson=step.page, when=when)
            lesson_complete(user=user, lesson=step.page, now=when)
        elif isinstance(step.page, QuizPage):
            _take_quiz(
                user=user,
                quiz=step.page,
                when=when,
                rng=rng,
                fail_first=not failed_once,
            )
            failed_once = True


def start_of(index: int) -> datetime:
    """When the demo learner at ``index`` joined and enrolled: spread over a year."""
    return timezone.now() - timedelta(days=40 + (index * 9) % 320)


def _type(person: dict) -> str:
    from training.models import OrganisationType

    name = person["organisation"].lower()
    if "women" in name:
        return OrganisationType.WOMENS_SUPPORT
    if "domestic abuse" in name:
        return OrganisationType.DOMESTIC_ABUSE
    return OrganisationType.DRUG_AND_ALCOHOL


#: Where the demo learner account (README: learner@example.org) stands, so a
#: newcomer who signs in sees a course in progress, a quiz half answered and a
#: certificate: the course they finished, and the one they are part-way through.
DEMO_LEARNER_COMPLETED = "womens-support-worker"
DEMO_LEARNER_PART_WAY = "foundation"


@transaction.atomic
def demo_learner_history(*, user) -> None:
    """Give the demo learner account its history, once (a learner enrolled on
    anything already is left alone)."""
    if user.enrolments.exists():
        return
    courses = {page.slug: page for page in CoursePage.objects.live()}
    rng = random.Random(user.email)  # noqa: S311 - same history on every machine
    start = timezone.now() - timedelta(days=60)
    finished = courses.get(DEMO_LEARNER_COMPLETED)
    if finished is not None:
        _work_through(
            user=user, course=finished, progress_kind="completed", start=start, rng=rng
        )
    course = courses.get(DEMO_LEARNER_PART_WAY)
    if course is None:
        return
    _work_through(
        user=user,
        course=course,
        progress_kind=PART_WAY,
        start=start + timedelta(days=30),
        rng=rng,
    )
    # The next quiz, started and half answered: "Welcome back" when they open it.
    progress = course_progress(course=course, user=user)
    quiz = next(
        (
            step.page
            for module in progress.modules
            for step in module.steps
            if isinstance(step.page, QuizPage) and not step.done and not module.locked
        ),
        None,
    )
    if quiz is None:
        return
    attempt = attempt_start(user=user, quiz=quiz, rng=rng).attempt
    answers = model_answers(attempt)
    half = dict(list(answers.items())[: max(1, len(answers) // 2)])
    answers_save(attempt=attempt, answers=half)


@transaction.atomic
def load(*, root: Path, quizzes=None, update: bool = False) -> str:
    """Create the demo learners that are missing, each with their history."""
    courses = {page.slug: page for page in CoursePage.objects.live()}
    created = 0
    people = _people(Path(root))
    for index, person in enumerate(people):
        if User.objects.filter(email__iexact=person["email"]).exists():
            continue
        user = User.objects.create_user(
            email=person["email"],
            password=None,  # demo people are examples in reports, not accounts to use
            full_name=person["name"],
            organisation=person.get("organisation", ""),
            job_role=person.get("job_role") or JobRole.OTHER,
        )
        if person.get("organisation"):
            organisation, _ = Organisation.objects.get_or_create(
                name=person["organisation"], defaults={"type": _type(person)}
            )
            membership_start(user=user, organisation=organisation, now=start_of(index))
        course = courses.get(person.get("course", ""))
        if course is None:
            continue
        # Seeded, so every machine gets the same history (not for secrets).
        rng = random.Random(person["email"])  # noqa: S311
        start = start_of(index)
        _work_through(
            user=user,
            course=course,
            progress_kind=person.get("progress", NOT_STARTED),
            start=start,
            rng=rng,
        )
        created += 1
    return f"Demo learners: {created} created, {len(people) - created} already there."
