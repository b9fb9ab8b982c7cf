"""Writes with rules: starting an attempt, saving answers, submitting for marking.

Views and other apps call these; nothing else writes attempts. Every write that
could race locks rows in one order: the learner's enrolment first, then the
attempt. Starting and submitting lock the enrolment, so two tabs or a double click
can never start more attempts than the quiz allows or mark one twice.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from courses.models import Enrolment
from courses.selectors import course_progress, course_run_started
from courses.services import step_complete

from .marking import attempt_await_marking
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CapabilitySharing,
    QuizPage,
    SelfAssessment,
    SelfAssessmentStage,
    SelfRating,
)
from .selectors import answers_visible, load_questions


class AttemptClosed(ValidationError):
    """The attempt was submitted or its time is up: answers can no longer change."""


def _system_rng() -> random.Random:
    return random.SystemRandom()


def _lock_enrolment(*, user, quiz: QuizPage) -> Enrolment:
    """Lock the learner's enrolment on the quiz's course (the per-learner mutex)."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user=user, course=quiz.course())
        .select_related("course")
        .first()
    )
    if enrolment is None:
        raise PermissionDenied("Enrol on the course to take its quizzes.")
    return enrolment


def _choose_questions(
    *, quiz: QuizPage, rng: random.Random, seen: Mapping[int, int] | None = None
) -> list[int]:
    """The question ids for a new attempt: fixed ones (in order, or shuffled) and
    ``draw_count`` more drawn at random from the quiz's categories.

    ``seen`` maps questions the learner has already been shown the answers to onto
    the number of the latest attempt that asked them. Those are drawn only when the
    unseen ones run out, the longest-ago first, so a retake after the answers were
    shown tests knowledge rather than memory wherever the bank allows.
    """
    fixed = list(
        quiz.quiz_questions.order_by("sort_order").values_list("question_id", flat=True)
    )
    fixed = list(dict.fromkeys(fixed))
    drawn: list[int] = []
    if quiz.draw_count:
        from .models import Question

        pool = sorted(
            Question.objects.non_polymorphic()
            .filter(category__in=quiz.draw_categories.all())
            .exclude(pk__in=fixed)
            .values_list("pk", flat=True)
        )
        seen = seen or {}
        fresh = [pk for pk in pool if pk not in seen]
        drawn = rng.sample(fresh, min(quiz.draw_count, len(fresh)))
        for number in sorted({seen[pk] for pk in pool if pk in seen}):
            wanted = quiz.draw_count - len(drawn)
            if wanted <= 0:
                break
            older = [pk for pk in pool if seen.get(pk) == number]
            drawn += rng.sample(older, min(wanted, len(older)))
    chosen = fixed + drawn
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _answered_and_shown(*, quiz: QuizPage, attempts: list[Attempt]) -> dict[int, int]:
    """Questions whose answers this learner has seen, with the latest attempt each
    was in; empty when the quiz never showed them any answers."""
    passed = any(attempt.passed for attempt in attempts)
    if not attempts or not answers_visible(quiz=quiz, passed=passed):
        return {}
    latest: dict[int, int] = {}
    rows = AttemptQuestion.objects.filter(
        attempt__in=attempts, question_id__isnull=False
    ).values_list("question_id", "attempt__number")
    for question_id, number in rows:
        latest[question_id] = max(number, latest.get(question_id, 0))
    return latest


def _group_scenarios(questions: list) -> list:
    """Keep questions that share a scenario together, where the first of them is,
    so the vignette is shown once above them all."""
    groups: dict[Any, list] = {}
    for question in questions:
        key = ("scenario", question.scenario_id) if question.scenario_id else question
        groups.setdefault(key, []).append(question)
    return [question for group in groups.values() for question in group]


def _require_open_step(*, user, quiz: QuizPage) -> None:
    progress = course_progress(course=quiz.course(), user=user)
    if not progress.enrolled:
        raise PermissionDenied("Enrol on the course to take its quizzes.")
    step = progress.step(quiz.pk)
    if step is None or step.locked:
        raise PermissionDenied("This quiz is not open to you yet.")


@dataclass(frozen=True)
class StartResult:
    attempt: Attempt
    created: bool
    #: An earlier attempt whose time ran out, marked while starting this one.
    expired: Attempt | None = None


def _attempts_this_run(*, user, course, attempts: list[Attempt]) -> int:
    """Attempts in the learner's current run of the course: a refresher taken again
    in a later recertification window starts its attempt limits afresh."""
    started = course_run_started(user=user, course=course)
    if started is None:
        return len(attempts)
    return sum(1 for attempt in attempts if attempt.started_at >= started)


@transaction.atomic
def attempt_start(
    *,
    user,
    quiz: QuizPage,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> StartResult:
    """Start a new attempt, or resume the learner's open one.

    The questions, their order and their options' order are fixed now, and each
    question is frozen into the attempt. Raises PermissionDenied if the learner may
    not take the quiz and ValidationError if no attempts are left.
    """
    now = now or timezone.now()
    rng = rng or _system_rng()
    if not quiz.live:
        raise PermissionDenied("This quiz is not published.")
    _require_open_step(user=user, quiz=quiz)
    enrolment = _lock_enrolment(user=user, quiz=quiz)
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    expired = None
    open_attempt = next((a for a in attempts if a.is_open), None)
    if open_attempt is not None:
        if not open_attempt.is_expired(now):
            return StartResult(open_attempt, False)
        _grade(attempt=open_attempt, course=enrolment.course, now=now)
        expired = open_attempt
    if any(a.awaiting_marking for a in attempts):
        raise ValidationError(
            "Your last attempt is awaiting marking by a trainer. You can start "
            "another once it is marked."
        )
    if (
        quiz.max_attempts is not None
        and _attempts_this_run(user=user, course=enrolment.course, attempts=attempts)
        >= quiz.max_attempts
    ):
        raise ValidationError(
            f"You have used all {quiz.max_attempts} attempts at this quiz."
        )
    ids = _choose_questions(
        quiz=quiz, rng=rng, seen=_answered_and_shown(quiz=quiz, attempts=attempts)
    )
    questions = _group_scenarios(load_questions(ids))
    if not questions:
        raise ValidationError("This quiz has no questions yet. Please try later.")
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=(attempts[-1].number + 1) if attempts else 1,
        started_at=now,
        deadline=(
            now + timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None
        ),
        pass_mark=quiz.pass_mark,
        max_score=sum(q.points for q in questions),
    )
    items = []
    for position, question in enumerate(questions, start=1):
        presented, key = question.snapshot(
            shuffle_options=quiz.shuffle_options, rng=rng, random_ids=True
        )
        items.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question=question,
                question_key=question.key,
                question_type=question.type_name,
                points=question.points,
                presented=presented,
                answer_key=key,
            )
        )
    AttemptQuestion.objects.bulk_create(items)
    return StartResult(attempt, True, expired)


def _locked_open_attempt(*, attempt: Attempt, now: datetime) -> Attempt:
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        raise AttemptClosed("This attempt has been submitted; answers can't change.")
    if locked.is_expired(now):
        raise AttemptClosed(
            "The time for this attempt is up, so answers can no longer be saved. "
            "Answers saved before then will be marked."
        )
    return locked


def _clean_answers(
    *, items: dict[int, AttemptQuestion], answers: Mapping[int, Any]
) -> dict[int, Any]:
    clean = {}
    for position, response in answers.items():
        item = items.get(position)
        if item is None:
            raise ValidationError(f"There is no question {position} in this attempt.")
        try:
            clean[position] = item.question_class.clean_response(
                item.presented, response
            )
        except ValidationError as error:
            raise ValidationError(
                f"Question {position}: {' '.join(error.messages)}"
            ) from None
    return clean


def _store(
    *, items: dict[int, AttemptQuestion], clean: dict[int, Any], now: datetime
) -> list[AttemptQuestion]:
    changed = []
    for position, response in clean.items():
        item = items[position]
        item.response = response
        item.saved_at = now
        changed.append(item)
    if changed:
        AttemptQuestion.objects.bulk_update(changed, ["response", "saved_at"])
    return changed


@transaction.atomic
def answer_save(
    *, attempt: Attempt, position: int, response: Any, now: datetime | None = None
) -> AttemptQuestion:
    """Save (autosave) the learner's answer to one question of an open attempt.

    Raises AttemptClosed once the attempt is submitted or its time is up, and
    ValidationError for a question not in the attempt or an answer of the wrong
    shape. Answers saved earlier are never touched by a refused save.
    """
    now = now or timezone.now()
    locked = _locked_open_attempt(attempt=attempt, now=now)
    item = locked.items.filter(position=position).first()
    if item is None:
        raise ValidationError(f"There is no question {position} in this attempt.")
    items = {position: item}
    clean = _clean_answers(items=items, answers={position: response})
    _store(items=items, clean=clean, now=now)
    return item


@transaction.atomic
def answers_save(
    *, attempt: Attempt, answers: Mapping[int, Any], now: datetime | None = None
) -> int:
    """Save several answers at once (the Save button without JavaScript).

    All or nothing: if any answer is refused, none of these is saved (earlier
    answers stay as they were). Returns how many were saved.
    """
    now = now or timezone.now()
    locked = _locked_open_attempt(attempt=attempt, now=now)
    items = {item.position: item for item in locked.items.all()}
    clean = _clean_answers(items=items, answers=answers)
    return len(_store(items=items, clean=clean, now=now))


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    #: False when the attempt had already been submitted (a double submit).
    graded_now: bool
    #: The deadline had passed: only answers saved by then were marked.
    late: bool = False
    course_completed_now: bool = False


def _grade(*, attempt: Attempt, course, now: datetime) -> bool:
    """Mark an open attempt from its saved answers and close it.

    Returns whether marking it completed the course."""
    items = list(attempt.items.all())
    total = Decimal("0.00")
    for item in items:
        response = item.response
        counted = response is not None and (
            attempt.deadline is None
            or (item.saved_at is not None and item.saved_at <= attempt.deadline)
        )
        try:
            item.score = (
                item.question_class.score(
                    item.presented, item.answer_key, response, item.points
                )
                if counted
                else Decimal("0.00")
            )
        except (ValidationError, KeyError, TypeError, ValueError):
            # A stored answer that no longer fits (it cannot, but never 500).
            item.score = Decimal("0.00")
        item.response_refs = item.question_class.response_refs(
            item.answer_key, response
        )
        if item.score is not None:
            total += item.score
    if items:
        AttemptQuestion.objects.bulk_update(items, ["score", "response_refs"])
    max_score = sum((Decimal(item.points) for item in items), Decimal("0"))
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    if any(item.score is None for item in items):
        # Written answers wait for a trainer; the result waits with them.
        attempt_await_marking(attempt=attempt, auto_score=total, now=now)
        return False
    attempt.score = total
    attempt.max_score = max_score
    attempt.percent = (
        (total * 100 / max_score).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        if max_score
        else Decimal("0.00")
    )
    # Compared exactly, not on the rounded percentage.
    attempt.passed = bool(max_score) and total * 100 >= attempt.pass_mark * max_score
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    attempt.save(
        update_fields=[
            "score",
            "max_score",
            "percent",
            "passed",
            "status",
            "submitted_at",
        ]
    )
    if attempt.passed:
        # The quiz is a done step of its module from its first pass.
        return step_complete(
            user=attempt.user, page=attempt.quiz, course=course, now=now
        ).course_completed_now
    return False


@transaction.atomic
def attempt_submit(
    *,
    user,
    attempt: Attempt,
    answers: Mapping[int, Any] | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Submit an attempt for marking, once.

    ``answers`` (from the form's Submit button) are saved first if the attempt is
    still open and in time. Submitting again returns the same result without
    marking again. After the deadline, only answers saved by the deadline count.
    A pass may complete the course (``courses.services.course_completion_check``).
    """
    now = now or timezone.now()
    if attempt.user_id != user.pk:
        raise PermissionDenied("This is not your attempt.")
    enrolment = _lock_enrolment(user=user, quiz=attempt.quiz)
    locked = (
        Attempt.objects.select_for_update().select_related("user").get(pk=attempt.pk)
    )
    if not locked.is_open:
        return SubmitResult(locked, graded_now=False)
    late = locked.is_expired(now)
    if answers and not late:
        items = {item.position: item for item in locked.items.all()}
        _store(items=items, clean=_clean_answers(items=items, answers=answers), now=now)
    completed_now = _grade(attempt=locked, course=enrolment.course, now=now)
    return SubmitResult(
        locked, graded_now=True, late=late, course_completed_now=completed_now
    )


@transaction.atomic
def attempt_expire(*, user, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Mark an attempt whose time is up (on what was saved by the deadline).

    Does nothing to an attempt still in time or already submitted.
    """
    now = now or timezone.now()
    if attempt.is_open and attempt.is_expired(now):
        return attempt_submit(user=user, attempt=attempt, now=now).attempt
    return attempt


# --- capabilities self-assessment ---------------------------------------------------


def self_assessment_record(
    *,
    user,
    ratings: Mapping[str, Any],
    stage: str,
    course=None,
    now: datetime | None = None,
) -> SelfAssessment:
    """Save a learner's self-ratings, one level (1-4) for every capability area.

    Raises ``ValidationError`` (nothing saved) when an area is missing or a level is
    not 1 to 4, or the stage is unknown.
    """
    from .capabilities import AREAS, LEVELS

    if stage not in SelfAssessmentStage.values:
        raise ValidationError("Choose when you are rating yourself.")
    levels: dict[str, int] = {}
    missing = []
    for area in AREAS:
        raw = ratings.get(area.key)
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = None
        if level not in LEVELS:
            missing.append(area.label)
        else:
            levels[area.key] = level
    if missing:
        raise ValidationError(
            "Choose a level for each area: " + ", ".join(missing) + "."
        )
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            user=user, course=course, stage=stage, created_at=now or timezone.now()
        )
        SelfRating.objects.bulk_create(
            SelfRating(assessment=assessment, capability=key, level=level)
            for key, level in levels.items()
        )
    return assessment


@transaction.atomic
def capability_sharing_set(
    *, user, share: bool, now: datetime | None = None
) -> CapabilitySharing:
    """Record the learner's choice to share (or stop sharing) their self-ratings with
    their organisation's manager."""
    sharing, _ = CapabilitySharing.objects.update_or_create(
        user=user,
        defaults={"share_with_manager": share, "changed_at": now or timezone.now()},
    )
    return sharing
