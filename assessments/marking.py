"""Writes with rules for written answers: an attempt waiting for a trainer, a
trainer opening it, saving a draft, releasing marks and re-marking.

The states: submitted -> awaiting marking (``attempt_await_marking``, from
``services._grade``) -> marked (``marking_save(release=True)``) -> re-marked (any
later release, which needs a reason and is recorded in ``MarkChange``). Pass/fail
is decided on release; a pass may complete the course, and a re-mark that turns the
only pass into a fail withdraws the completion (and so its certificate) once a
trainer has confirmed it.

Locks are taken in the order the learner's services use: the learner's enrolment,
then the attempt, then its marking row. Every save carries the ``version`` the
trainer's screen was built from; a save from an older version is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import CourseCompletion, Enrolment
from courses.services import step_complete, step_withdraw

from .models import (
    Attempt,
    AttemptMarking,
    AttemptQuestion,
    AttemptStatus,
    CriterionMark,
    MarkChange,
    MarkingState,
    QuizPage,
)

MARK_PERMISSION = "assessments.mark_attempt"
#: Someone who opened an attempt this recently is "marking it" for others.
MARKER_HOLD = timedelta(minutes=30)
FEEDBACK_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 1_000


class MarkingError(ValidationError):
    """Marks that cannot be saved as sent; nothing was changed."""


class StaleMarking(MarkingError):
    """Someone saved or released marks since this screen was opened."""


class RevocationNeedsConfirmation(MarkingError):
    """The re-mark turns the learner's pass into a fail and would withdraw their
    course completion and certificate: a trainer must confirm it."""


@dataclass(frozen=True)
class CriterionInput:
    """What a trainer typed for one criterion: marks (as typed) and feedback."""

    marks: str | Decimal | None
    feedback: str = ""


@dataclass(frozen=True)
class MarkingResult:
    attempt: Attempt
    marking: AttemptMarking
    released: bool
    remarked: bool = False
    course_completed_now: bool = False
    completion_withdrawn: bool = False


# --- who may mark what -----------------------------------------------------------


def markable_quizzes(*, user):
    """The quizzes ``user`` may mark: they need "Can mark written answers" and
    edit rights on the quiz's pages (what they can see in the page tree)."""
    if not (user and user.is_authenticated and user.has_perm(MARK_PERMISSION)):
        return QuizPage.objects.none()
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["change", "publish"]
    )
    return QuizPage.objects.filter(pk__in=pages.values("pk"))


def can_mark(*, user, quiz: QuizPage) -> bool:
    return markable_quizzes(user=user).filter(pk=quiz.pk).exists()


def _require_can_mark(*, user, attempt: Attempt) -> None:
    if not can_mark(user=user, quiz=attempt.quiz):
        raise PermissionDenied("You may not mark attempts at this quiz.")


# --- the learner's side: waiting ---------------------------------------------------


def attempt_await_marking(*, attempt: Attempt, auto_score: Decimal, now: datetime):
    """Close a submitted attempt that has written answers as "awaiting marking".

    Called from ``services._grade`` inside its transaction. The auto-marked part is
    kept in ``score``; percent and pass wait for the trainer.
    """
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    attempt.score = auto_score
    attempt.percent = None
    attempt.passed = False
    attempt.marking_state = MarkingState.AWAITING
    days = attempt.quiz.marking_days
    attempt.marking_due = now + timedelta(days=days) if days else None
    attempt.save(
        update_fields=[
            "score",
            "max_score",
            "percent",
            "passed",
            "status",
            "submitted_at",
            "marking_state",
            "marking_due",
        ]
    )
    AttemptMarking.objects.get_or_create(attempt=attempt)


def written_items(attempt: Attempt) -> list[AttemptQuestion]:
    """The answered written questions of an attempt: what a trainer marks."""
    return [
        item
        for item in attempt.items.order_by("position")
        if item.question_class.needs_marking
        and item.question_class.is_answered(item.response)
    ]


# --- the trainer's side ------------------------------------------------------------


def _marking_for(attempt: Attempt) -> AttemptMarking:
    marking, _ = AttemptMarking.objects.get_or_create(attempt=attempt)
    return marking


@transaction.atomic
def marking_open(
    *, attempt: Attempt, trainer, now: datetime | None = None
) -> tuple[AttemptMarking, object | None]:
    """A trainer opens an attempt to mark it.

    Returns the marking and, if another trainer opened it in the last
    ``MARKER_HOLD`` and has not released it, that trainer (to warn the second).
    The first trainer keeps the attempt; opening it again renews their hold.
    """
    now = now or timezone.now()
    _require_can_mark(user=trainer, attempt=attempt)
    if attempt.marking_state == MarkingState.NONE:
        raise MarkingError("This attempt has no written answers to mark.")
    marking = (
        AttemptMarking.objects.select_for_update(of=("self",))
        .select_related("marker")
        .filter(attempt=attempt)
        .first()
    ) or _marking_for(attempt)
    other = marking.marker
    held = (
        other is not None
        and other.pk != trainer.pk
        and marking.opened_at is not None
        and now - marking.opened_at < MARKER_HOLD
        and not (marking.released and attempt.marking_state != MarkingState.AWAITING)
    )
    if held:
        return marking, other
    marking.marker = trainer
    marking.opened_at = now
    marking.save(update_fields=["marker", "opened_at"])
    return marking, None


def _decimal(value, *, label: str, maximum: int) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise MarkingError(f"Give a mark for {label}.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise MarkingError(f"The mark for {label} must be a number.") from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise MarkingError(f"The mark for {label} must be between 0 and {maximum}.")
    if (number * 2) % 1:
        raise MarkingError(f"The mark for {label} must be a whole or half mark.")
    return number.quantize(Decimal("0.01"))


def _clean_marks(
    *,
    items: list[AttemptQuestion],
    marks: Mapping[tuple[int, str], CriterionInput],
    complete: bool,
) -> dict[tuple[int, str], tuple[Decimal | None, str]]:
    """Check every mark against its criterion's range; unknown ones are refused.

    ``complete`` (release) needs a mark for every criterion of every answer; a
    draft may leave some blank.
    """
    criteria = {
        (item.position, criterion["id"]): (number, index, criterion)
        for number, item in enumerate(items, start=1)
        for index, criterion in enumerate(item.answer_key.get("criteria", []), start=1)
    }
    unknown = set(marks) - set(criteria)
    if unknown:
        raise MarkingError("Some marks are for criteria that are not in this attempt.")
    clean = {}
    for ref, (number, index, criterion) in criteria.items():
        given = marks.get(ref, CriterionInput(marks=None))
        label = f"criterion {index} of written answer {number}"
        feedback = (given.feedback or "").replace("\x00", "").strip()
        if len(feedback) > FEEDBACK_MAX_LENGTH:
            raise MarkingError(
                f"Please keep the feedback on {label} under "
                f"{FEEDBACK_MAX_LENGTH:,} characters."
            )
        blank = given.marks is None or str(given.marks).strip() == ""
        if blank and not complete:
            clean[ref] = (None, feedback)
            continue
        clean[ref] = (
            _decimal(given.marks, label=label, maximum=criterion["max_marks"]),
            feedback,
        )
    return clean


def _as_json(clean: Mapping[tuple[int, str], tuple[Decimal | None, str]]) -> dict:
    return {
        f"{position}:{criterion}": {
            "marks": str(value) if value is not None else "",
            "feedback": feedback,
        }
        for (position, criterion), (value, feedback) in clean.items()
    }


def released_marks_json(marking: AttemptMarking) -> dict:
    """The released marks of an attempt in the form a draft is kept."""
    return {
        f"{mark.item.position}:{mark.criterion}": {
            "marks": str(mark.marks),
            "feedback": mark.feedback,
        }
        for mark in marking.marks.select_related("item")
    }


def _lock(*, attempt: Attempt) -> tuple[Attempt, AttemptMarking]:
    # The learner's services lock the enrolment first; so does marking.
    list(
        Enrolment.objects.select_for_update()
        .filter(user_id=attempt.user_id, course=attempt.quiz.course())
        .values_list("pk", flat=True)
    )
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "user")
        .get(pk=attempt.pk)
    )
    _marking_for(locked)
    marking = AttemptMarking.objects.select_for_update().get(attempt=locked)
    return locked, marking


def _other_pass(*, attempt: Attempt) -> bool:
    return (
        Attempt.objects.filter(user_id=attempt.user_id, quiz=attempt.quiz, passed=True)
        .exclude(pk=attempt.pk)
        .exists()
    )


def _completion_would_go(*, attempt: Attempt) -> CourseCompletion | None:
    """The completion a fail on this attempt could undo, if any: the course is
    complete and no other attempt at this quiz passed."""
    if _other_pass(attempt=attempt):
        return None
    return CourseCompletion.objects.filter(
        user_id=attempt.user_id, course=attempt.quiz.course()
    ).first()


@transaction.atomic
def marking_save(
    *,
    attempt: Attempt,
    trainer,
    version: int,
    marks: Mapping[tuple[int, str], CriterionInput],
    release: bool,
    reason: str = "",
    confirm_withdrawal: bool = False,
    now: datetime | None = None,
) -> MarkingResult:
    """Save a trainer's marks for an attempt's written answers, as a draft or
    released to the learner.

    Refused (nothing changes) when: the trainer may not mark this quiz
    (PermissionDenied); ``version`` is not the current one (StaleMarking: someone
    else saved or released since); a mark is missing (on release), out of its
    criterion's range or not a half-mark step; a re-mark has no reason; or a
    re-mark would fail a learner whose course is complete, unless
    ``confirm_withdrawal`` (RevocationNeedsConfirmation).
    """
    now = now or timezone.now()
    _require_can_mark(user=trainer, attempt=attempt)
    attempt, marking = _lock(attempt=attempt)
    if attempt.marking_state == MarkingState.NONE:
        raise MarkingError("This attempt has no written answers to mark.")
    if version != marking.version:
        who = marking.released_by if marking.released else marking.draft_by
        name = who.full_name if who else "another trainer"
        raise StaleMarking(
            f"These marks were changed by {name} after you opened this attempt, so "
            "yours were not saved. Reload to see the current marks, then mark again."
        )
    items = written_items(attempt)
    clean = _clean_marks(items=items, marks=marks, complete=release)
    remark = marking.released
    reason = " ".join((reason or "").replace("\x00", "").split())
    if release and remark and not reason:
        raise MarkingError(
            "Give a reason for changing marks that were already released."
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise MarkingError(
            f"Please keep the reason under {REASON_MAX_LENGTH:,} characters."
        )
    marking.version += 1
    if not release:
        marking.draft = _as_json(clean)
        marking.draft_by = trainer
        marking.draft_saved_at = now
        marking.marker = trainer
        marking.opened_at = now
        marking.save()
        return MarkingResult(attempt, marking, released=False)
    return _release(
        attempt=attempt,
        marking=marking,
        items=items,
        clean=clean,
        trainer=trainer,
        reason=reason,
        confirm_withdrawal=confirm_withdrawal,
        now=now,
    )


def _release(
    *, attempt, marking, items, clean, trainer, reason, confirm_withdrawal, now
) -> MarkingResult:
    remark = marking.released
    old_marks = released_marks_json(marking) if remark else {}
    old_score, old_passed = attempt.score or Decimal("0"), attempt.passed
    by_item: dict[int, Decimal] = {}
    rows = []
    for item in items:
        for index, criterion in enumerate(item.answer_key.get("criteria", []), 1):
            value, feedback = clean[(item.position, criterion["id"])]
            by_item[item.pk] = by_item.get(item.pk, Decimal("0")) + value
            rows.append(
                CriterionMark(
                    marking=marking,
                    item=item,
                    criterion=criterion["id"],
                    position=index,
                    marks=value,
                    feedback=feedback,
                )
            )
    for item in items:
        item.score = min(by_item.get(item.pk, Decimal("0")), Decimal(item.points))
    AttemptQuestion.objects.bulk_update(items, ["score"])
    total = sum(
        (i.score for i in attempt.items.all() if i.score is not None), Decimal("0")
    )
    max_score = attempt.max_score
    passed = bool(max_score) and total * 100 >= attempt.pass_mark * max_score
    withdraw = None
    if old_passed and not passed:
        withdraw = _completion_would_go(attempt=attempt)
        if withdraw is not None and not confirm_withdrawal:
            raise RevocationNeedsConfirmation(
                "With these marks the learner no longer passes, so their course "
                "completion and certificate would be withdrawn. Tick the box to "
                "confirm, or change the marks."
            )
    marking.marks.all().delete()
    CriterionMark.objects.bulk_create(rows)
    attempt.score = total
    attempt.percent = (
        (total * 100 / max_score).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        if max_score
        else Decimal("0.00")
    )
    attempt.passed = passed
    attempt.marking_state = MarkingState.REMARKED if remark else MarkingState.MARKED
    attempt.save(update_fields=["score", "percent", "passed", "marking_state"])
    new_marks = _as_json(clean)
    if remark:
        MarkChange.objects.create(
            marking=marking,
            changed_by=trainer,
            changed_at=now,
            reason=reason,
            old_score=old_score,
            new_score=total,
            old_passed=old_passed,
            new_passed=passed,
            old_marks=old_marks,
            new_marks=new_marks,
        )
    marking.released_by = trainer
    marking.released_at = now
    marking.draft = {}
    marking.draft_by = None
    marking.draft_saved_at = None
    marking.marker = None
    marking.opened_at = None
    marking.save()
    completed_now = False
    withdrawn = False
    course = attempt.quiz.course()
    if passed:
        completed_now = step_complete(
            user=attempt.user, page=attempt.quiz, course=course, now=now
        ).course_completed_now
    elif old_passed and not _other_pass(attempt=attempt):
        withdrawn = step_withdraw(
            user=attempt.user,
            page=attempt.quiz,
            course=course,
            by=trainer,
            reason=f"Re-marked: {attempt.quiz.title} no longer passed. {reason}",
        )
    from .tasks import attempt_marked_notify

    attempt_id, again = attempt.pk, remark
    transaction.on_commit(
        lambda: attempt_marked_notify.enqueue(attempt_id=attempt_id, remarked=again)
    )
    return MarkingResult(
        attempt,
        marking,
        released=True,
        remarked=remark,
        course_completed_now=completed_now,
        completion_withdrawn=withdrawn,
    )
