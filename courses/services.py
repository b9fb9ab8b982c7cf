"""Writes with rules: enrolling, completing lessons, saving reflections, completing
courses. Views and other apps call these; nothing else writes these records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from .models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    ReflectionAnswer,
    StepCompletion,
)
from .selectors import course_progress
from .signals import course_completed, course_completion_withdrawn

REFLECTION_MAX_LENGTH = 10_000


def enrolment_create(
    *, user, course: CoursePage, now: datetime | None = None
) -> tuple[Enrolment, bool]:
    """Enrol a learner; enrolling again returns the existing enrolment."""
    if not course.live:
        raise ValidationError("This course is not open for enrolment.")
    return Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"enrolled_at": now or timezone.now()}
    )


def _require_open(*, user, lesson: LessonPage):
    progress = course_progress(course=lesson.course(), user=user)
    if not progress.enrolled:
        raise PermissionDenied("Enrol on the course to open its lessons.")
    step = progress.step(lesson.pk)
    if step is None or step.locked:
        raise PermissionDenied("This lesson is not open to you yet.")
    return progress


@dataclass(frozen=True)
class StepCompleteResult:
    completion: StepCompletion
    created: bool
    course_completed_now: bool


@transaction.atomic
def step_complete(
    *, user, page: Page, course: CoursePage, now: datetime | None = None
) -> StepCompleteResult:
    """Record that ``user`` finished a step of ``course`` (a lesson marked
    complete, a quiz passed), once; then see whether the course is now complete.

    Later stages record their steps through this (assessments, on a pass)."""
    completion, created = StepCompletion.objects.get_or_create(
        user=user, page=page, defaults={"completed_at": now or timezone.now()}
    )
    course_done_now = False
    if created:
        _, course_done_now = course_completion_check(user=user, course=course, now=now)
    return StepCompleteResult(completion, created, course_done_now)


@transaction.atomic
def lesson_complete(
    *, user, lesson: LessonPage, now: datetime | None = None
) -> StepCompleteResult:
    """Mark a lesson complete, once; then see whether the course is now complete."""
    progress = _require_open(user=user, lesson=lesson)
    return step_complete(user=user, page=lesson, course=progress.course, now=now)


@transaction.atomic
def reflection_save(
    *, user, lesson: LessonPage, block_id: str, text: str
) -> ReflectionAnswer:
    """Save (or replace) a learner's private answer to one reflection prompt."""
    _require_open(user=user, lesson=lesson)
    prompts = {block.id for block in lesson.body if block.block_type == "reflection"}
    if block_id not in prompts:
        raise ValidationError("That reflection question is not part of this lesson.")
    if "\x00" in text:
        raise ValidationError(
            "Your reflection contains a character that cannot be saved."
        )
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ValidationError(
            f"Please keep your reflection under {REFLECTION_MAX_LENGTH:,} characters."
        )
    answer, _ = ReflectionAnswer.objects.update_or_create(
        user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
    )
    return answer


@transaction.atomic
def course_completion_check(
    *, user, course: CoursePage, now: datetime | None = None
) -> tuple[CourseCompletion | None, bool]:
    """Record the course as complete if every required module now is.

    Safe to call any number of times and from concurrent requests: the learner's
    enrolment row is locked while deciding, so the completion is recorded and
    ``course_completed`` sent exactly once. Returns the completion (if there is one)
    and whether this call recorded it.
    """
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrolment is None:
        return None, False
    existing = CourseCompletion.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    if not course_progress(course=course, user=user).all_required_done:
        return None, False
    completion, created = CourseCompletion.objects.get_or_create(
        user=user, course=course, defaults={"completed_at": now or timezone.now()}
    )
    if created:
        course_completed.send(sender=CourseCompletion, completion=completion)
    return completion, created


@transaction.atomic
def course_completion_withdraw(
    *, completion: CourseCompletion, by, reason: str
) -> None:
    """Undo a completion whose requirements no longer hold (a quiz pass was
    re-marked as a fail), after a trainer confirmed it.

    ``course_completion_withdrawn`` is sent first, so certificates can revoke the
    certificate issued for it; then the completion is deleted, and passing again
    later records a new one.
    """
    completion = CourseCompletion.objects.select_for_update().get(pk=completion.pk)
    course_completion_withdrawn.send(
        sender=CourseCompletion, completion=completion, by=by, reason=reason
    )
    completion.delete()


@transaction.atomic
def step_withdraw(*, user, page: Page, course: CoursePage, by, reason: str) -> bool:
    """Undo a finished step (a quiz pass re-marked as a fail).

    If the course was complete and no longer is, its completion is withdrawn too
    (``course_completion_withdraw``). Returns whether a completion was withdrawn.
    """
    StepCompletion.objects.filter(user=user, page=page).delete()
    completion = CourseCompletion.objects.filter(user=user, course=course).first()
    if (
        completion is None
        or course_progress(course=course, user=user).all_required_done
    ):
        return False
    course_completion_withdraw(completion=completion, by=by, reason=reason)
    return True
