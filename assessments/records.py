"""Reads about learners' quiz records for trainers: best quiz scores for the course
progress report, and a learner's attempts for their record (Reports > Course
progress > a learner). A fixed number of queries however many attempts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Left

from courses.models import CoursePage
from training.sanitiser import plain_text

from .models import Attempt, AttemptQuestion, AttemptStatus, QuizPage
from .selectors import response_text


def course_quizzes(*, course: CoursePage) -> list[QuizPage]:
    """The live quizzes of a course, in course order (one query)."""
    return list(QuizPage.objects.live().descendant_of(course).order_by("path"))


def best_percent_field(quiz: QuizPage) -> str:
    return f"best_quiz_{quiz.pk}"


def best_percent_annotations(quizzes: Iterable[QuizPage], user_ref) -> dict:
    """For each quiz, an expression for the learner's best percentage over their
    submitted attempts (None before any), keyed by ``best_percent_field``."""
    return {
        best_percent_field(quiz): Subquery(
            Attempt.objects.filter(
                user_id=user_ref, quiz_id=quiz.pk, status=AttemptStatus.SUBMITTED
            )
            .order_by("-percent")
            .values("percent")[:1]
        )
        for quiz in quizzes
    }


@dataclass
class AnswerRow:
    number: int
    question: str
    answer: str
    score: Decimal | None
    points: int


def learner_attempts(*, user) -> list[Attempt]:
    """Every attempt of a learner, newest first, with the quiz, its course's title
    (``course_title``) and the questions and answers as frozen (two queries)."""
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .annotate(
            course_title=Subquery(
                CoursePage.objects.filter(
                    path=Left(
                        OuterRef("quiz__path"),
                        (OuterRef("quiz__depth") - 2) * QuizPage.steplen,
                    )
                ).values("title")[:1]
            )
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AttemptQuestion.objects.order_by("position").only(
                    "attempt_id",
                    "position",
                    "question_type",
                    "presented",
                    "response",
                    "score",
                    "points",
                ),
            )
        )
        .order_by("-started_at", "-pk")
    )
    for attempt in attempts:
        attempt.answer_rows = [
            AnswerRow(
                number=number,
                question=plain_text(item.presented.get("stem")).strip(),
                answer=response_text(item.question_type, item.presented, item.response),
                score=item.score,
                points=item.points,
            )
            for number, item in enumerate(attempt.items.all(), start=1)
        ]
    return attempts
