"""Reads for trainers' reports on courses (Reports > Course progress): each
learner's progress on a page of enrolments, and completions by month.

Everything here aggregates in the database: one query for a page of rows, however
many learners, modules or lessons there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import add

from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import Exact
from django.utils import timezone
from wagtail.models import Page

from .models import CourseCompletion, CoursePage, Enrolment, ModulePage, StepCompletion
from .steps import step_models


def _count(queryset) -> Coalesce:
    """COUNT(*) of a correlated subquery, as an expression (0 when empty)."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


@dataclass(frozen=True)
class CourseOutline:
    """What a learner must finish in one course: the live lessons and quizzes in
    its required modules (``steps``), and each required module's live steps."""

    steps: tuple[int, ...]
    modules: tuple[tuple[int, ...], ...]


def course_outlines() -> dict[int, CourseOutline]:
    """Every course's outline, by course id, from the page tree (one query per
    kind of page, however many learners there are)."""
    courses = list(CoursePage.objects.values_list("pk", "path"))
    modules = list(ModulePage.objects.values_list("path", "optional", "live"))
    optional_paths = {path for path, optional, _ in modules if optional}
    steps = [
        (pk, path, depth)
        for model in step_models()
        for pk, path, depth in model.objects.live().values_list("pk", "path", "depth")
    ]
    steplen = Page.steplen
    outlines = {}
    for course_id, course_path in courses:
        inside = [step for step in steps if step[1].startswith(course_path)]
        required = tuple(
            sorted(
                pk
                for pk, path, depth in inside
                if path[: (depth - 1) * steplen] not in optional_paths
            )
        )
        required_modules = tuple(
            tuple(sorted(pk for pk, path, _ in inside if path.startswith(module_path)))
            for module_path, optional, live in sorted(modules)
            if live and not optional and module_path.startswith(course_path)
        )
        outlines[course_id] = CourseOutline(steps=required, modules=required_modules)
    return outlines


def _per_course(values: dict[int, object]) -> Case:
    """An expression that is ``values[course_id]`` for each enrolment's course."""
    return Case(
        *[
            When(course_id=course_id, then=value if hasattr(value, "resolve_expression")
                 else Value(value))
            for course_id, value in values.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )  # fmt: skip


def _learner_counts(value, *, empty) -> Coalesce:
    """A figure over the enrolment's learner's step completions: ``value`` is an
    aggregate over their rows, read with one index lookup on the learner (their
    few rows sit together), and ``empty`` is the figure when they have none."""
    rows = (
        StepCompletion.objects.filter(user_id=OuterRef("user_id"))
        .order_by()
        .values("user_id")
        .annotate(value=value)
        .values("value")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(empty))


def _done(page_ids: tuple[int, ...]) -> Count:
    return Count("pk", filter=Q(page_id__in=page_ids))


def _steps_done(outline: CourseOutline):
    if not outline.steps:
        return Value(0)
    return _learner_counts(_done(outline.steps), empty=0)


def _modules_done(outline: CourseOutline):
    """Required modules whose live steps the learner all finished (a module with
    no steps counts as finished, as it always has)."""
    empty = sum(1 for step_ids in outline.modules if not step_ids)
    finished = [
        Case(
            When(Exact(_done(step_ids), len(step_ids)), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for step_ids in outline.modules
        if step_ids
    ]
    if not finished:
        return Value(empty)
    return _learner_counts(reduce(add, finished, Value(empty)), empty=empty)


def progress_report_queryset():
    """Enrolments annotated with what a trainer needs to see for each learner.

    Annotations: ``steps_total`` and ``steps_done`` (lessons and quizzes in required
    modules), ``modules_total`` and ``modules_done`` (required modules),
    ``completed_at``.

    Each course's outline is read from the page tree once, in Python, and enters
    the query as constants; what varies by learner is read from their own step
    completions with one index lookup per figure, so a row costs the same however
    large the catalogue, and a 100,000-row export stays fast.
    """
    outlines = course_outlines()
    completion = CourseCompletion.objects.filter(
        user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
    )
    return (
        Enrolment.objects.select_related("user", "course")
        .annotate(
            modules_total=_per_course(
                {pk: len(o.modules) for pk, o in outlines.items()}
            ),
            modules_done=_per_course(
                {pk: _modules_done(o) for pk, o in outlines.items()}
            ),
            completed_at=Subquery(completion.values("completed_at")[:1]),
            steps_total=_per_course({pk: len(o.steps) for pk, o in outlines.items()}),
            steps_done=_per_course({pk: _steps_done(o) for pk, o in outlines.items()}),
        )
        .order_by("-enrolled_at", "pk")
    )


def completions_by_month(
    *, course_ids: Iterable[int] | None = None, months: int | None = None
) -> list[tuple]:
    """(first day of month, number of course completions), oldest first, every
    month from the first completion (or the last ``months`` months) to this one,
    months without completions as 0. One query."""
    completions = CourseCompletion.objects.all()
    if course_ids is not None:
        completions = completions.filter(course_id__in=list(course_ids))
    counts = {
        _month_start(month): n
        for month, n in completions.annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        .values_list("month", "n")
    }
    if not counts:
        return []
    this_month = _month_start(timezone.localdate())
    first = min(min(counts), this_month)
    if months:
        first = max(first, _add_months(this_month, 1 - months))
    result, month = [], first
    while month <= max(this_month, max(counts)):
        result.append((month, counts.get(month, 0)))
        month = _add_months(month, 1)
    return result


def _month_start(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)
