"""Reads for trainers' reports on courses (Reports > Course progress): each
learner's progress on a page of enrolments, and completions by month.

Everything here aggregates in the database: one query for a page of rows, however
many learners, modules or lessons there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Left, TruncMonth
from django.utils import timezone

from .models import CourseCompletion, Enrolment, ModulePage
from .steps import done_exists, step_models


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


def _required_steps_under(path_ref) -> list:
    """For each kind of step: its live pages under ``path_ref`` that sit in a
    required (not optional) module."""
    in_optional_module = Exists(
        ModulePage.objects.filter(
            optional=True,
            path=Left(OuterRef("path"), (OuterRef("depth") - 1) * ModulePage.steplen),
        )
    )
    return [
        model.objects.live()
        .filter(path__startswith=path_ref)
        .exclude(in_optional_module)
        for model in step_models()
    ]


def progress_report_queryset():
    """Enrolments annotated with what a trainer needs to see for each learner.

    Annotations: ``steps_total`` and ``steps_done`` (lessons and quizzes in required
    modules), ``modules_total`` and ``modules_done`` (required modules),
    ``completed_at``.
    """
    user_ref = OuterRef("user_id")
    steps_total = Value(0)
    steps_done = Value(0)
    for pages in _required_steps_under(OuterRef("course__path")):
        steps_total = steps_total + _count(pages)
        steps_done = steps_done + _count(
            pages.filter(done_exists(OuterRef("pk"), OuterRef(user_ref)))
        )
    required_modules = ModulePage.objects.live().filter(
        path__startswith=OuterRef("course__path"), optional=False
    )
    unfinished = [
        Exists(
            model.objects.live()
            .filter(path__startswith=OuterRef("path"))
            .exclude(done_exists(OuterRef("pk"), OuterRef(OuterRef(user_ref))))
        )
        for model in step_models()
    ]
    modules_done = required_modules.exclude(reduce(or_, unfinished))
    completion = CourseCompletion.objects.filter(
        user_id=user_ref, course_id=OuterRef("course_id")
    )
    return (
        Enrolment.objects.select_related("user", "course")
        .annotate(
            modules_total=_count(required_modules),
            modules_done=_count(modules_done),
            completed_at=Subquery(completion.values("completed_at")[:1]),
            steps_total=steps_total,
            steps_done=steps_done,
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
