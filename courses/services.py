"""Writes with rules: enrolling, completing lessons, saving reflections, completing
courses. Views and other apps call these; nothing else writes these records."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from training.learnercache import everyone_pages_changed, learner_pages_changed
from training.models import MembershipStatus

from .models import (
    Assignment,
    AssignmentReminder,
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonTime,
    ReflectionAnswer,
    StepCompletion,
)
from .selectors import (
    CourseProgress,
    course_progress,
    lesson_seconds,
    step_course_progress,
)
from .signals import course_completed, course_completion_withdrawn
from .timing import (
    BEAT_MAX_SECONDS,
    minimum_text,
    remaining_text,
    required_seconds,
)

REFLECTION_MAX_LENGTH = 10_000


def enrolment_create(
    *, user, course: CoursePage, now: datetime | None = None
) -> tuple[Enrolment, bool]:
    """Enrol a learner; enrolling again returns the existing enrolment.

    A refresher course (one another course names as its refresher) opens only to
    learners who completed a course it refreshes and whose certificate is in its
    recertification window: from the first reminder point before it expires."""
    if not course.live:
        raise ValidationError("This course is not open for enrolment.")
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    _refresher_check(user=user, course=course, now=now or timezone.now())
    return Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"enrolled_at": now or timezone.now()}
    )


def _refresher_check(*, user, course: CoursePage, now: datetime) -> None:
    refreshed = list(CoursePage.objects.filter(refresher_course=course))
    if not refreshed:
        return
    window = max(getattr(settings, "RECERTIFICATION_REMINDER_DAYS", [90]) or [0])
    for completion in CourseCompletion.objects.filter(
        user=user, course__in=refreshed
    ).select_related("course"):
        months = completion.course.certificate_validity_months
        if months is None:
            continue
        expires = _add_months(completion.completed_at, months)
        if expires - timedelta(days=window) <= now:
            return
    titles = " or ".join(f"“{c.title}”" for c in refreshed)
    raise ValidationError(
        f"This refresher opens {window} days before your certificate for {titles} "
        "expires, and stays open after it has expired."
    )


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _require_open(*, user, lesson: LessonPage):
    progress = step_course_progress(step=lesson, user=user)
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
    course: CoursePage | None = None


@transaction.atomic
def step_complete(
    *,
    user,
    page: Page,
    course: CoursePage,
    now: datetime | None = None,
    progress: CourseProgress | None = None,
) -> StepCompleteResult:
    """Record that ``user`` finished a step of ``course`` (a lesson marked
    complete, a quiz passed), once; then see whether the course is now complete.

    ``progress``, the learner's progress read in this transaction, saves reading
    the course's outline again. Later stages record their steps through this
    (assessments, on a pass)."""
    completion, created = StepCompletion.objects.get_or_create(
        user=user, page=page, defaults={"completed_at": now or timezone.now()}
    )
    course_done_now = False
    if created:
        _, course_done_now = course_completion_check(
            user=user, course=course, now=now, progress=progress
        )
    return StepCompleteResult(completion, created, course_done_now, course)


class LessonTooSoon(ValidationError):
    """A lesson marked complete before the course's minimum time on it."""


@transaction.atomic
def lesson_complete(
    *, user, lesson: LessonPage, now: datetime | None = None
) -> StepCompleteResult:
    """Mark a lesson complete, once; then see whether the course is now complete.

    A course with a minimum time per lesson (``lesson_minimum_percent``) refuses,
    with ``LessonTooSoon``, until the learner's recorded time on the lesson
    reaches it; a lesson already complete stays complete."""
    progress = _require_open(user=user, lesson=lesson)
    step = progress.step(lesson.pk)
    required = required_seconds(course=progress.course, lesson=lesson)
    if required and not step.done:
        spent = lesson_seconds(user=user, lesson=lesson)
        if spent < required:
            raise LessonTooSoon(
                f"“{progress.course.title}” asks you to spend at least "
                f"{minimum_text(required)} on “{lesson.title}” before it is marked "
                f"complete. Keep reading for {remaining_text(required - spent)}, "
                "then mark it complete."
            )
    return step_complete(
        user=user, page=lesson, course=progress.course, now=now, progress=progress
    )


def lesson_time_record(
    *,
    user,
    lesson: LessonPage,
    seconds: int | None,
    opened_at: datetime,
    now: datetime | None = None,
) -> int:
    """Add reading time to the learner's total for ``lesson``; return the total.

    ``seconds`` is what the lesson page's script measured since its last report
    (None when the page ran no script: then the wall time since the page was
    opened counts, up to the lesson's reading time). Whatever a request claims,
    it adds at most the wall time since the later of ``opened_at`` (when the page
    was served, from its signed token) and the previous report, and at most
    ``BEAT_MAX_SECONDS``: a forged report cannot add time that has not passed.

    One small write: an insert the first time, then an UPDATE with ``F()``
    conditional on the previous report's time, so two tabs reporting at once
    cannot both claim the same stretch of time (the loser re-reads and retries).
    """
    now = now or timezone.now()
    cap = lesson.minutes * 60 if seconds is None else BEAT_MAX_SECONDS
    claimed = cap if seconds is None else max(0, min(int(seconds), cap))
    for _ in range(3):
        row = (
            LessonTime.objects.filter(user=user, lesson=lesson)
            .values("pk", "seconds", "last_beat_at")
            .first()
        )
        since = opened_at if row is None else max(opened_at, row["last_beat_at"])
        elapsed = max(0, int((now - since).total_seconds()))
        credit = min(claimed, elapsed)
        # When the clock is what limits the credit, the part-second not credited
        # is carried to the next report rather than lost on every beat.
        beat_at = since + timedelta(seconds=credit) if credit == elapsed else now
        beat_at = min(max(beat_at, since), now)
        if row is None:
            try:
                with transaction.atomic():
                    LessonTime.objects.create(
                        user=user,
                        lesson=lesson,
                        seconds=credit,
                        first_beat_at=now,
                        last_beat_at=beat_at,
                    )
            except IntegrityError:
                continue  # another report created it first: add to that one
            return credit
        if credit == 0:
            return row["seconds"]
        updated = LessonTime.objects.filter(
            pk=row["pk"], last_beat_at=row["last_beat_at"]
        ).update(seconds=F("seconds") + credit, last_beat_at=beat_at)
        learner_pages_changed([user.pk])
        if updated:
            return row["seconds"] + credit
    return lesson_seconds(user=user, lesson=lesson)


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


def _all_required_done(*, user, course: CoursePage, progress) -> bool:
    """Whether ``user`` has now finished every required module of ``course``.

    With ``progress`` (read earlier in the same transaction) the course's outline is
    known, and what the learner has done is counted afresh in one query: another
    request may have finished a step since, and it must count."""
    if progress is None:
        return course_progress(course=course, user=user).all_required_done
    required = [module for module in progress.modules if not module.optional]
    if not required or not all(module.steps for module in required):
        return False
    step_ids = {step.page.pk for module in required for step in module.steps}
    done = StepCompletion.objects.filter(user=user, page_id__in=step_ids).count()
    return done == len(step_ids)


@transaction.atomic
def course_completion_check(
    *,
    user,
    course: CoursePage,
    now: datetime | None = None,
    progress: CourseProgress | None = None,
) -> tuple[CourseCompletion | None, bool]:
    """Record the course as complete if every required module now is.

    Safe to call any number of times and from concurrent requests: the learner's
    enrolment row (theirs alone: no other learner waits) is locked while deciding,
    so the completion is recorded and ``course_completed`` sent exactly once.
    ``progress``, the learner's progress on ``course`` read earlier in this
    transaction, spares reading the course's pages again. Returns the completion
    (if there is one) and whether this call recorded it.
    """
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrolment is None:
        return None, False
    existing = CourseCompletion.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    if not _all_required_done(user=user, course=course, progress=progress):
        return None, False
    completion, created = CourseCompletion.objects.get_or_create(
        user=user, course=course, defaults={"completed_at": now or timezone.now()}
    )
    if created:
        course_completed.send(sender=CourseCompletion, completion=completion)
    return completion, created


@transaction.atomic
def course_run_restart(
    *, user, course: CoursePage, now: datetime | None = None
) -> CourseCompletion:
    """Start a completed course again (a refresher, in the next recertification
    window): the completion becomes history (``renewed_at``) and the course's
    steps are open to be done again; quiz attempt limits count from now
    (``courses.selectors.course_run_started``). Certificates decides when this is
    allowed (``certificates.recertification.refresher_take_again``). Returns the
    completion put into history; raises ``ValidationError`` if there is none."""
    now = now or timezone.now()
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    )
    completion = (
        CourseCompletion.objects.select_for_update()
        .filter(user=user, course=course)
        .first()
    )
    if enrolment is None or completion is None:
        raise ValidationError("You have not completed this course, so it is open.")
    completion.renewed_at = now
    completion.save(update_fields=["renewed_at"])
    StepCompletion.objects.filter(
        user=user, page__path__startswith=course.path
    ).delete()
    return completion


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


# --- Assignments ------------------------------------------------------------------


def _assignment_check(*, course: CoursePage, due_on: date, today: date) -> None:
    if not course.live:
        raise ValidationError(
            f"“{course.title}” is a draft, so it cannot be assigned. "
            "Choose a published course."
        )
    if due_on < today:
        raise ValidationError(
            f"The due date {due_on:%-d %B %Y} has passed. Choose today or a later date."
        )


@transaction.atomic
def assignment_create(
    *,
    organisation,
    users: Iterable,
    course: CoursePage,
    due_on: date,
    assigned_by=None,
    now: datetime | None = None,
) -> list[Assignment]:
    """Assign ``course`` to each of ``users`` (current members of ``organisation``)
    with a due date, enrolling them on it.

    Assigning a course someone already has changes its due date (reminders follow
    the new date). Refuses a draft course and a date in the past; nothing is saved
    then. Returns the assignments, new or changed.
    """
    now = now or timezone.now()
    _assignment_check(course=course, due_on=due_on, today=timezone.localdate(now))
    user_ids = {user.pk for user in users}
    members = set(
        organisation.memberships.filter(
            status=MembershipStatus.ACTIVE, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    if user_ids - members:
        raise ValidationError(
            "Courses can be assigned only to people in your organisation."
        )
    if not user_ids:
        raise ValidationError("Choose at least one person to assign the course to.")
    existing = {
        a.user_id: a
        for a in Assignment.objects.select_for_update().filter(
            course=course, user_id__in=user_ids
        )
    }
    result = []
    for user_id in sorted(user_ids):
        assignment = existing.get(user_id)
        if assignment is None:
            assignment = Assignment(user_id=user_id, course=course, assigned_at=now)
        assignment.organisation = organisation
        assignment.due_on = due_on
        assignment.assigned_by = assigned_by
        result.append(assignment)
    Assignment.objects.bulk_create([a for a in result if a.pk is None], batch_size=500)
    Assignment.objects.bulk_update(
        [a for a in result if a.user_id in existing],
        ["organisation", "due_on", "assigned_by"],
        batch_size=500,
    )
    enrolled = set(
        Enrolment.objects.filter(course=course, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(user_id=user_id, course=course, enrolled_at=now)
            for user_id in sorted(user_ids - enrolled)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    learner_pages_changed(user_ids)
    return result


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment) -> None:
    """The manager no longer requires the course. The learner stays enrolled and
    keeps their progress."""
    assignment.delete()


def assignments_move(*, source, target) -> None:
    """``training.signals.organisation_merged``: assignments follow the merge."""
    Assignment.objects.filter(organisation=source).update(organisation=target)
    everyone_pages_changed()


@transaction.atomic
def assignment_reminder_record(
    *, assignment: Assignment, kind: str
) -> tuple[AssignmentReminder, bool]:
    """Record that a reminder of ``kind`` is due for the assignment's current due
    date; ``created`` is False if one was already recorded (so it is sent once)."""
    return AssignmentReminder.objects.get_or_create(
        assignment=assignment, kind=kind, due_on=assignment.due_on
    )
