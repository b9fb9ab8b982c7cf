"""Reads about quizzes and attempts: pass checks, a learner's attempts, the question
sheet for an attempt, its review, and a learner's data for export.

Everything here runs a fixed number of queries however many questions, attempts or
learners there are. Question sheets are built from an attempt's frozen snapshots,
never from the live question bank.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum, prefetch_related_objects
from django.utils import timezone

from training.sanitiser import safe_html

from .models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CapabilitySharing,
    Question,
    QuizPage,
    SelfAssessment,
    SelfAssessmentStage,
    ShowAnswers,
)
from .sheet import QuestionView, Sheet

# --- pass checks ---------------------------------------------------------------


def passed_quiz_ids(user, quiz_ids: Iterable[int]) -> set[int]:
    """Ids of those quizzes ``user`` has passed (one query).

    Progress reads ``courses.StepCompletion``, which a first pass records.
    """
    if not (user and user.is_authenticated):
        return set()
    return set(
        Attempt.objects.filter(user=user, quiz_id__in=list(quiz_ids), passed=True)
        .values_list("quiz_id", flat=True)
        .distinct()
    )


def has_passed(user, quiz: QuizPage) -> bool:
    """Whether ``user`` has passed ``quiz`` in any submitted attempt."""
    return quiz.pk in passed_quiz_ids(user, [quiz.pk])


def question_type_label(question: Question) -> str:
    """A question's type for listings, without fetching its subclass row."""
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(question.polymorphic_ctype_id).model_class()
    return getattr(model, "type_label", "Question")


# --- a learner's attempts --------------------------------------------------------


@dataclass
class QuizOverview:
    """A learner's attempts at one quiz, and what they may do next."""

    quiz: QuizPage
    attempts: list[Attempt]
    now: Any = None

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.status == AttemptStatus.SUBMITTED]

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def open_attempt_expired(self) -> bool:
        attempt = self.open_attempt
        return attempt is not None and attempt.is_expired(self.now)

    @property
    def best(self) -> Attempt | None:
        """The submitted attempt with the highest percentage (earliest if tied)."""
        submitted = self.submitted
        if not submitted:
            return None
        return max(submitted, key=lambda a: (a.percent or 0, -a.number))

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.max_attempts is None:
            return None
        return max(0, self.quiz.max_attempts - self.attempts_used)

    @property
    def can_resume(self) -> bool:
        return self.open_attempt is not None and not self.open_attempt_expired

    @property
    def awaiting(self) -> Attempt | None:
        """An attempt waiting for a trainer's mark; no new one starts meanwhile."""
        return next((a for a in self.attempts if a.awaiting_marking), None)

    @property
    def can_start(self) -> bool:
        if self.can_resume or self.awaiting is not None:
            return False
        left = self.attempts_left
        return left is None or left > 0

    @property
    def answers_visible(self) -> bool:
        return answers_visible(quiz=self.quiz, passed=self.passed)


def quiz_attempts(*, user, quiz: QuizPage) -> list[Attempt]:
    """A learner's attempts at a quiz, first first (one query)."""
    if not (user and user.is_authenticated) or quiz.pk is None:
        return []  # nobody, or a quiz previewed before it is first saved
    return list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))


def quiz_overview(*, user, quiz: QuizPage, now=None) -> QuizOverview:
    """What the quiz page shows a learner: attempts, best score, Start or Resume."""
    return QuizOverview(
        quiz=quiz,
        attempts=quiz_attempts(user=user, quiz=quiz),
        now=now or timezone.now(),
    )


def best_score(*, user, quiz: QuizPage) -> Decimal | None:
    """The learner's best percentage on a quiz, or None before a submitted attempt."""
    best = quiz_overview(user=user, quiz=quiz).best
    return best.percent if best else None


def attempt_for(*, user, attempt_id: int) -> Attempt:
    """One of ``user``'s own attempts, with its quiz. Raises Attempt.DoesNotExist
    for anyone else's, so views answer 404."""
    return Attempt.objects.select_related("quiz").get(pk=attempt_id, user=user)


def answers_visible(*, quiz: QuizPage, passed: bool) -> bool:
    """Whether the quiz's rule lets a learner see answers, explanations, feedback."""
    if quiz.show_answers == ShowAnswers.AFTER_ATTEMPT:
        return True
    return quiz.show_answers == ShowAnswers.AFTER_PASS and passed


# --- question sheets (what a learner sees) -----------------------------------------


def _question_view(
    *,
    number: int,
    position: int,
    type_name: str,
    presented: dict,
    response: Any,
    points: int,
    key: dict | None = None,
    error: str = "",
) -> QuestionView:
    """Build a QuestionView from a snapshot; ``key`` only when answers may show.

    The question's type fills in its own part (``Question.fill_view``)."""
    question_class = Question.type_for(type_name)
    scenario = presented.get("scenario")
    view = QuestionView(
        number=number,
        position=position,
        type=type_name,
        stem=safe_html(presented["stem"]),
        instructions=question_class.instructions,
        points=points,
        template=question_class.template,
        review_template=question_class.review_template,
        scenario=(
            {**scenario, "text": safe_html(scenario["text"])} if scenario else None
        ),
        answered=question_class.is_answered(response) and not error,
        error=error,
    )
    question_class.fill_view(view, presented, response, key or {})
    if key:
        view.reviewed = True
        view.explanation = safe_html(key.get("explanation", ""))
    return view


def _mark_scenarios(views: list[QuestionView]) -> list[QuestionView]:
    """Show a scenario once, above the first of a run of questions sharing it, and
    say which questions it is for."""
    first, first_key = None, None
    for view in views:
        current = view.scenario["key"] if view.scenario else None
        if current is not None and current == first_key:
            first.scenario_last = view.number
            continue
        view.show_scenario = current is not None
        view.scenario_last = view.number
        first, first_key = view, current
    return views


#: What reading or checking a learner's answers needs (never the answer key).
SHEET_FIELDS = ("attempt", "position", "question_type", "presented", "points")


def attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    return list(attempt.items.order_by("position"))


def attempt_sheet(
    *,
    attempt: Attempt,
    errors: Mapping[int, str] | None = None,
    sent: Mapping[int, Any] | None = None,
) -> Sheet:
    """The questions of an attempt as the learner answers them: presented content
    and saved answers only, never the answer key (two queries at most).

    ``errors`` (by position) are shown next to their questions, and ``sent`` shows
    a refused answer as the learner gave it, so they can put it right.
    """
    errors, sent = errors or {}, sent or {}
    views = [
        _question_view(
            number=number,
            position=item.position,
            type_name=item.question_type,
            presented=item.presented,
            response=sent.get(item.position, item.response),
            points=item.points,
            error=errors.get(item.position, ""),
        )
        for number, item in enumerate(
            # The answer key is not even loaded for the page a learner answers on.
            attempt.items.order_by("position").only(*SHEET_FIELDS, "response"),
            start=1,
        )
    ]
    return Sheet(_mark_scenarios(views))


def attempt_review(*, attempt: Attempt, show_answers: bool) -> Sheet:
    """A submitted attempt for its result page. The answer key, explanation and
    feedback are included only if ``show_answers``; scores only then too."""
    views = []
    for number, item in enumerate(attempt_items(attempt=attempt), start=1):
        view = _question_view(
            number=number,
            position=item.position,
            type_name=item.question_type,
            presented=item.presented,
            response=item.response,
            points=item.points,
            key=item.answer_key if show_answers else None,
        )
        if show_answers:
            view.score = item.score
        views.append(view)
    return Sheet(_mark_scenarios(views))


def load_questions(ids: list[int]) -> list[Question]:
    """Questions by id, as their own types, with what a snapshot needs prefetched.

    The number of queries depends on how many question *types* are involved, not on
    how many questions.
    """
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    questions = [by_id[pk] for pk in ids if pk in by_id]
    prefetch_related_objects(questions, "scenario")
    by_type: dict[type, list[Question]] = defaultdict(list)
    for question in questions:
        by_type[type(question)].append(question)
    for question_class, group in by_type.items():
        if question_class.prefetch:
            prefetch_related_objects(group, *question_class.prefetch)
    return questions


def preview_sheet(*, questions: list[Question], with_answers: bool = False) -> Sheet:
    """Live questions as a learner would see them (for trainers' previews)."""
    views = []
    for number, question in enumerate(questions, start=1):
        # Random ids: a preview a visitor can open names options as an attempt does.
        presented, key = question.snapshot(random_ids=True)
        views.append(
            _question_view(
                number=number,
                position=number,
                type_name=question.type_name,
                presented=presented,
                response=None,
                points=question.points,
                key=key if with_answers else None,
            )
        )
    return Sheet(_mark_scenarios(views))


@dataclass
class QuizPreview:
    sheet: Sheet
    draw_count: int
    draw_categories: list


def quiz_preview(*, quiz: QuizPage) -> QuizPreview:
    """A quiz's fixed questions as a learner sees them, and what is drawn at random.

    Works for unsaved page previews too: the page's questions may exist only in
    memory.
    """
    ids = [qq.question_id for qq in quiz.quiz_questions.all() if qq.question_id]
    return QuizPreview(
        sheet=preview_sheet(questions=load_questions(ids)),
        draw_count=quiz.draw_count,
        draw_categories=list(quiz.draw_categories.all()) if quiz.draw_count else [],
    )


# --- data export -----------------------------------------------------------------


def response_text(type_name: str, presented: dict, response: Any) -> str:
    """A learner's answer in words, e.g. for the data export."""
    return Question.type_for(type_name).response_text(presented, response)


def personal_data(*, user, **kwargs) -> dict:
    """A learner's quiz attempts and answers, for the "download my data" export."""
    from training.sanitiser import plain_text

    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .prefetch_related("items")
        .order_by("started_at")
    )
    return {
        "self_assessments": _self_assessments_export(user),
        "share_self_assessments_with_manager": capability_sharing(user=user),
        "quiz_attempts": [
            {
                "quiz": attempt.quiz.title,
                "attempt": attempt.number,
                "status": attempt.get_status_display(),
                "started_at": attempt.started_at.isoformat(),
                "submitted_at": (
                    attempt.submitted_at.isoformat() if attempt.submitted_at else None
                ),
                "score": str(attempt.score) if attempt.score is not None else None,
                "max_score": str(attempt.max_score),
                "percent": str(attempt.percent)
                if attempt.percent is not None
                else None,
                "passed": attempt.passed,
                "answers": [
                    {
                        "question": plain_text(item.presented.get("stem")).strip(),
                        "answer": response_text(
                            item.question_type, item.presented, item.response
                        ),
                        "saved_at": item.saved_at.isoformat()
                        if item.saved_at
                        else None,
                    }
                    for item in sorted(attempt.items.all(), key=lambda i: i.position)
                ],
            }
            for attempt in attempts
        ],
    }


def model_answers(attempt: Attempt) -> dict[int, Any]:
    """The full-marks response for every question of an attempt, by position.

    Read from the frozen answer keys, so it matches what the learner was shown. Used
    to check that a quiz can be passed, and by the demo to take quizzes.
    """
    return {
        item.position: item.question_class.model_answer(item.answer_key)
        for item in attempt.items.order_by("position")
    }


# --- capabilities self-assessment ---------------------------------------------------


@dataclass(frozen=True)
class AreaResult:
    """One capability area on "My capabilities": the learner's ratings over time and
    their marks on answered questions tagged with the area."""

    key: str
    label: str
    #: ``(date, level)`` oldest first.
    ratings: list[tuple[Any, int]]
    score: Decimal
    points: Decimal

    @property
    def latest_level(self) -> int | None:
        return self.ratings[-1][1] if self.ratings else None

    @property
    def first_level(self) -> int | None:
        return self.ratings[0][1] if self.ratings else None

    @property
    def quiz_percent(self) -> int | None:
        if not self.points:
            return None
        return int((self.score * 100 / self.points).quantize(Decimal("1")))

    @property
    def self_percent(self) -> int | None:
        level = self.latest_level
        return None if level is None else level * 25


@dataclass(frozen=True)
class CapabilityOverview:
    assessments: list[SelfAssessment]
    areas: list[AreaResult]
    sharing: bool
    weakest: AreaResult | None
    suggested_lessons: list


def capability_sharing(*, user) -> bool:
    """Whether the learner agreed to share their self-ratings with their manager."""
    return CapabilitySharing.objects.filter(user=user, share_with_manager=True).exists()


def _weakest(areas: list[AreaResult]) -> AreaResult | None:
    """The area to work on next: the lowest quiz result where there are marks, else
    the lowest latest self-rating."""
    marked = [area for area in areas if area.quiz_percent is not None]
    if marked:
        return min(marked, key=lambda area: area.quiz_percent)
    rated = [area for area in areas if area.latest_level is not None]
    if rated:
        return min(rated, key=lambda area: area.latest_level)
    return None


def lessons_for_capability(*, capability: str, limit: int = 5) -> list:
    """Live lessons in the modules whose quizzes ask questions in ``capability``
    (two queries)."""
    from courses.models import LessonPage

    module_paths = {
        path[: -QuizPage.steplen]
        for path in QuizPage.objects.live()
        .filter(quiz_questions__question__capability=capability)
        .values_list("path", flat=True)
        .distinct()
    }
    if not module_paths:
        return []
    within = Q()
    for path in sorted(module_paths):
        within |= Q(path__startswith=path)
    return list(LessonPage.objects.live().filter(within).order_by("path")[:limit])


def capability_overview(*, user) -> CapabilityOverview:
    """Everything "My capabilities" shows, in a fixed number of queries: the
    learner's self-assessments with their ratings, their quiz marks per area, their
    sharing choice and lessons for the weakest area."""
    from .capabilities import AREAS

    assessments = list(
        SelfAssessment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("ratings")
        .order_by("created_at", "pk")
    )
    marks = {
        row["question__capability"]: row
        for row in AttemptQuestion.objects.filter(
            attempt__user=user,
            attempt__status=AttemptStatus.SUBMITTED,
            score__isnull=False,
            question__isnull=False,
        )
        .values("question__capability")
        .annotate(total=Sum("score"), possible=Sum("points"))
    }
    areas = []
    for area in AREAS:
        ratings = [
            (assessment.created_at, rating.level)
            for assessment in assessments
            for rating in assessment.ratings.all()
            if rating.capability == area.key
        ]
        row = marks.get(area.key, {})
        areas.append(
            AreaResult(
                key=area.key,
                label=area.label,
                ratings=ratings,
                score=Decimal(row.get("total") or 0),
                points=Decimal(row.get("possible") or 0),
            )
        )
    weakest = _weakest(areas)
    return CapabilityOverview(
        assessments=assessments,
        areas=areas,
        sharing=capability_sharing(user=user),
        weakest=weakest,
        suggested_lessons=(
            lessons_for_capability(capability=weakest.key) if weakest else []
        ),
    )


def self_assessment_due(*, user, course, complete: bool) -> str | None:
    """The self-assessment stage the learner has not done yet for ``course``: "start"
    once enrolled, "end" once complete; None when done (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    done = set(
        SelfAssessment.objects.filter(user=user, course=course).values_list(
            "stage", flat=True
        )
    )
    if complete:
        return None if SelfAssessmentStage.END in done else SelfAssessmentStage.END
    return None if SelfAssessmentStage.START in done else SelfAssessmentStage.START


def _self_assessments_export(user) -> list[dict]:
    from .capabilities import AREA_BY_KEY

    return [
        {
            "date": assessment.created_at.isoformat(),
            "stage": assessment.get_stage_display(),
            "course": assessment.course.title if assessment.course else None,
            "ratings": {
                AREA_BY_KEY[rating.capability].label: rating.level
                for rating in assessment.ratings.all()
                if rating.capability in AREA_BY_KEY
            },
        }
        for assessment in SelfAssessment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("ratings")
    ]
