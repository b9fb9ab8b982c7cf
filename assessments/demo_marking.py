"""Demo marking (a ``load_demo`` step, after the demo learners): a demo trainer
marks the written answers the demo learners submitted, one of them is re-marked,
and a few more learners from ``fixtures/demo/marking.yaml`` sit their final
assessment and are left awaiting marking, so the queue and the statistics show
something. Marks go through ``assessments.marking`` like a trainer's; loading twice
adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage
from training.models import JobRole, User

from .demo_people import _work_through
from .marking import CriterionInput, marking_save, written_items
from .models import Attempt, AttemptMarking, MarkingState

FEEDBACK = [
    "Clear and safe: you named the behaviour without blaming anyone else.",
    "Good. Say more about how you would record this, in his own words.",
    "You kept the focus on safety. Add who you would tell, and when.",
    "Well judged. Think about the limits of confidentiality you would explain.",
]


def _read(root: Path) -> dict:
    path = root / "marking.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _marker(data: dict) -> User | None:
    spec = data.get("marker")
    if not spec:
        return None
    user, _ = User.objects.get_or_create(
        email=spec["email"], defaults={"full_name": spec["name"]}
    )
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def _marks(attempt: Attempt, rng: random.Random) -> dict:
    marks = {}
    for item in written_items(attempt):
        for index, criterion in enumerate(item.answer_key["criteria"]):
            drop = Decimal("1") if index == 0 and criterion["max_marks"] > 2 else 0
            value = Decimal(criterion["max_marks"]) - drop
            marks[(item.position, criterion["id"])] = CriterionInput(
                marks=value, feedback=rng.choice(FEEDBACK)
            )
    return marks


@transaction.atomic
def load(*, root: Path, quizzes=None, update: bool = False) -> str:
    data = _read(Path(root))
    marker = _marker(data)
    if marker is None:
        return ""
    courses = {page.slug: page for page in CoursePage.objects.live()}
    waiting = 0
    for index, person in enumerate(data.get("waiting") or []):
        if User.objects.filter(email__iexact=person["email"]).exists():
            continue
        course = courses.get(person["course"])
        if course is None:
            continue
        user = User.objects.create_user(
            email=person["email"],
            password=None,
            full_name=person["name"],
            organisation=person.get("organisation", ""),
            job_role=person.get("job_role") or JobRole.OTHER,
        )
        rng = random.Random(person["email"])  # noqa: S311 - repeatable demo data
        _work_through(
            user=user,
            course=course,
            progress_kind="completed",
            start=timezone.now() - timedelta(days=12 - index * 3),
            rng=rng,
        )
        waiting += 1
    leave = {p["email"].lower() for p in data.get("waiting") or []}
    marked = 0
    awaiting = (
        Attempt.objects.filter(marking_state=MarkingState.AWAITING)
        .exclude(user__email__in=leave)
        .select_related("quiz", "user")
        .order_by("submitted_at")
    )
    for attempt in awaiting:
        rng = random.Random(attempt.user.email)  # noqa: S311
        AttemptMarking.objects.get_or_create(attempt=attempt)
        when = min(attempt.submitted_at + timedelta(days=2), timezone.now())
        marking_save(
            attempt=attempt,
            trainer=marker,
            version=attempt.marking.version,
            marks=_marks(attempt, rng),
            release=True,
            now=when,
        )
        if marked == 0:
            # One re-mark, so the record of changes has an example.
            attempt.refresh_from_db()
            marks = _marks(attempt, rng)
            first = next(iter(marks))
            item = written_items(attempt)[0]
            top = Decimal(item.answer_key["criteria"][0]["max_marks"])
            current = Decimal(marks[first].marks)
            marks[first] = CriterionInput(
                marks=top if current < top else top - Decimal("0.5"),
                feedback=marks[first].feedback,
            )
            marking_save(
                attempt=attempt,
                trainer=marker,
                version=attempt.marking.version,
                marks=marks,
                release=True,
                reason="Moderated: the answer does name who would be told.",
                now=when + timedelta(hours=3),
            )
        marked += 1
    return f"Demo marking: {marked} attempts marked, {waiting} left awaiting marking."
