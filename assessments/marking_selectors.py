"""Reads for written answers and their marking: the marking queue (Reports >
Marking), the marking screen, a learner's marks and feedback, and the written
questions' figures in quiz statistics.

Each runs a fixed number of queries, however many attempts wait or criteria there
are; ``tests/assessments/test_marking_queue.py`` asserts it for the queue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.safestring import SafeString

from courses.models import CoursePage
from training.sanitiser import safe_answer_html, safe_html

from .marking import markable_quizzes, released_marks_json
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

# --- the queue -------------------------------------------------------------------


def _course_title() -> Subquery:
    return Subquery(
        CoursePage.objects.filter(
            path=Left(
                OuterRef("quiz__path"), (OuterRef("quiz__depth") - 2) * QuizPage.steplen
            )
        ).values("title")[:1]
    )


def marking_queue(*, user) -> QuerySet[Attempt]:
    """Attempts awaiting marking at the quizzes ``user`` may mark, oldest first,
    with their course title, their marking row and how many written answers each
    has (``written_count``); one query for a page of them."""
    written = AttemptQuestion.objects.filter(
        attempt=OuterRef("pk"), question_type__in=_marked_types()
    ).exclude(response__isnull=True)
    return (
        Attempt.objects.filter(
            marking_state=MarkingState.AWAITING,
            status=AttemptStatus.SUBMITTED,
            quiz__in=markable_quizzes(user=user),
        )
        .select_related("quiz", "user", "marking__marker", "marking__draft_by")
        .annotate(
            course_title=_course_title(),
            written_count=Subquery(
                written.order_by()
                .values("attempt")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("submitted_at", "pk")
    )


def _marked_types() -> list[str]:
    from .models import QUESTION_TYPES

    return [name for name, cls in QUESTION_TYPES.items() if cls.needs_marking]


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    overdue: int
    being_marked: int


def queue_counts(queue: QuerySet[Attempt], *, now=None) -> QueueCounts:
    """How many attempts of ``queue`` wait, are past the date learners were
    given, and have a draft or a trainer on them (one query)."""
    now = now or timezone.now()
    counts = queue.order_by().aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(marking_due__lt=now)),
        being_marked=Count(
            "pk",
            filter=Q(marking__marker__isnull=False)
            | Q(marking__draft_by__isnull=False),
        ),
    )
    return QueueCounts(**counts)


def queue_organisations(*, user) -> list[str]:
    """The organisations of learners with attempts awaiting marking (for a filter)."""
    return list(
        marking_queue(user=user)
        .exclude(user__organisation="")
        .order_by("user__organisation")
        .values_list("user__organisation", flat=True)
        .distinct()
    )


# --- the marking screen ------------------------------------------------------------


@dataclass
class CriterionRow:
    id: str
    number: int
    description: str
    max_marks: int
    marks: str = ""
    feedback: str = ""
    released_marks: str = ""

    def field(self, position: int) -> str:
        return f"m-{position}-{self.id}"


@dataclass
class WrittenItem:
    """One written answer on the marking screen."""

    number: int
    position: int
    points: int
    stem: SafeString
    scenario: dict | None
    answer: SafeString | str
    rich: bool
    words: int
    word_limit: int | None
    guidance: SafeString
    model_answer: SafeString
    criteria: list[CriterionRow] = field(default_factory=list)
    question_deleted: bool = False

    @property
    def subtotal(self) -> Decimal | None:
        try:
            return sum((Decimal(c.marks) for c in self.criteria), Decimal("0"))
        except ArithmeticError:
            return None


@dataclass
class MarkingScreen:
    attempt: Attempt
    marking: AttemptMarking
    items: list[WrittenItem]
    auto_score: Decimal
    auto_max: int
    changes: list[MarkChange]
    scenarios: list[dict]

    @property
    def released(self) -> bool:
        return self.marking.released


def marking_screen(
    *, attempt: Attempt, marking: AttemptMarking, entered: dict | None = None
) -> MarkingScreen:
    """What the marking screen shows for ``attempt``: each written answer with its
    frozen rubric, guidance and model answer, and the marks in it now (``entered``
    from a refused form, else the draft, else the released marks)."""
    from training.sanitiser import word_count

    items = list(attempt.items.order_by("position").select_related("question"))
    current = entered or marking.draft or released_marks_json(marking)
    released = released_marks_json(marking) if marking.released else {}
    written, auto_score, auto_max, scenarios, seen = [], Decimal("0"), 0, [], set()
    number = 0
    for item in items:
        cls = item.question_class
        if not (cls.needs_marking and cls.is_answered(item.response)):
            if not cls.needs_marking:
                auto_score += item.score or Decimal("0")
                auto_max += item.points
            continue
        number += 1
        key = item.answer_key
        scenario = item.presented.get("scenario")
        if scenario and scenario["key"] not in seen:
            seen.add(scenario["key"])
            scenarios.append({**scenario, "text": safe_html(scenario["text"])})
        rich = item.presented.get("format") == "rich"
        row = WrittenItem(
            number=number,
            position=item.position,
            points=item.points,
            stem=safe_html(item.presented.get("stem")),
            scenario=scenario,
            answer=safe_answer_html(item.response) if rich else item.response,
            rich=rich,
            words=word_count(item.response),
            word_limit=item.presented.get("word_limit"),
            guidance=safe_html(key.get("guidance")),
            model_answer=safe_html(key.get("model_answer")),
            question_deleted=item.question_id is None,
        )
        for index, criterion in enumerate(key.get("criteria", []), start=1):
            ref = f"{item.position}:{criterion['id']}"
            value = current.get(ref, {})
            row.criteria.append(
                CriterionRow(
                    id=criterion["id"],
                    number=index,
                    description=criterion["description"],
                    max_marks=criterion["max_marks"],
                    marks=str(value.get("marks", "")),
                    feedback=value.get("feedback", ""),
                    released_marks=released.get(ref, {}).get("marks", ""),
                )
            )
        written.append(row)
    return MarkingScreen(
        attempt=attempt,
        marking=marking,
        items=written,
        auto_score=auto_score,
        auto_max=auto_max,
        changes=list(marking.changes.select_related("changed_by")),
        scenarios=scenarios,
    )


# --- the learner's view of their marks -----------------------------------------------


def review_marks(*, attempt: Attempt, sheet) -> None:
    """Put the released marks and feedback (or "awaiting marking") into the
    written questions of an attempt's review sheet (one query)."""
    views = [q for q in sheet.questions if q.written is not None]
    if not views:
        return
    awaiting = attempt.marking_state == MarkingState.AWAITING
    marks: dict[int, dict[str, CriterionMark]] = defaultdict(dict)
    if not awaiting:
        for mark in CriterionMark.objects.filter(item__attempt=attempt).select_related(
            "item"
        ):
            marks[mark.item.position][mark.criterion] = mark
    for view in views:
        if not view.answered:
            continue
        view.written.awaiting = awaiting
        given = marks.get(view.position, {})
        view.written.marks = [
            {
                "description": c["description"],
                "max": c["max"],
                "marks": given[c["id"]].marks,
                "feedback": given[c["id"]].feedback,
            }
            for c in view.written.criteria
            if c["id"] in given
        ]


def attach_written_marks(attempts: list[Attempt]) -> None:
    """Add each written answer's marks and feedback to a learner's record rows
    (``row.criteria``), and the marking state to each attempt (one query)."""
    by_item: dict[tuple[int, int], list[dict]] = defaultdict(list)
    marks = CriterionMark.objects.filter(
        item__attempt__in=[a.pk for a in attempts]
    ).values("item__attempt_id", "item__position", "position", "marks", "feedback")
    for mark in marks.order_by("item__attempt_id", "item__position", "position"):
        by_item[(mark["item__attempt_id"], mark["item__position"])].append(mark)
    for attempt in attempts:
        for row in attempt.answer_rows:
            # Rows are numbered by position (positions run 1, 2, ... in order).
            row.criteria = by_item.get((attempt.pk, row.number), [])


# --- statistics ---------------------------------------------------------------------


@dataclass
class CriterionStats:
    number: int
    description: str
    max_marks: int
    mean: float | None
    count: int


@dataclass
class WrittenQuestionStats:
    question: str
    criteria: list[CriterionStats]


@dataclass
class MarkerStats:
    name: str
    attempts: int
    mean_percent: float | None


@dataclass
class WrittenStatistics:
    questions: list[WrittenQuestionStats]
    markers: list[MarkerStats]
    awaiting: int


def written_statistics(*, quiz: QuizPage) -> WrittenStatistics:
    """Written questions of a quiz: mean mark per criterion, and how many attempts
    each trainer released with the mean share of the written marks they gave
    (four queries, however many attempts)."""
    from training.sanitiser import plain_text

    released = CriterionMark.objects.filter(
        item__attempt__quiz=quiz, marking__released_at__isnull=False
    )
    per_criterion = {
        (row["item__question_key"], row["criterion"]): row
        for row in released.values("item__question_key", "criterion").annotate(
            mean=Avg("marks"), count=Count("pk")
        )
    }
    # The rubric as frozen in the latest attempt that asked each written question.
    latest = (
        AttemptQuestion.objects.filter(
            attempt__quiz=quiz, question_type__in=_marked_types()
        )
        .order_by("question_key", "-attempt__started_at")
        .values("question_key", "presented", "answer_key")
    )
    questions, seen = [], set()
    for row in latest:
        if row["question_key"] in seen:
            continue
        seen.add(row["question_key"])
        criteria = []
        for index, criterion in enumerate(row["answer_key"].get("criteria", []), 1):
            stats = per_criterion.get((row["question_key"], criterion["id"]), {})
            mean = stats.get("mean")
            criteria.append(
                CriterionStats(
                    number=index,
                    description=criterion["description"],
                    max_marks=criterion["max_marks"],
                    mean=float(mean) if mean is not None else None,
                    count=stats.get("count", 0),
                )
            )
        questions.append(
            WrittenQuestionStats(
                question=plain_text(row["presented"].get("stem")).strip(),
                criteria=criteria,
            )
        )
    markers = [
        MarkerStats(
            name=row["attempt__marking__released_by__full_name"] or "Former trainer",
            attempts=row["attempts"],
            mean_percent=(
                float(row["given"]) * 100 / float(row["available"])
                if row["available"]
                else None
            ),
        )
        for row in AttemptQuestion.objects.filter(
            attempt__quiz=quiz,
            question_type__in=_marked_types(),
            attempt__marking__released_at__isnull=False,
            score__isnull=False,
        )
        .exclude(response__isnull=True)
        .values("attempt__marking__released_by__full_name")
        .annotate(
            attempts=Count("attempt", distinct=True),
            given=Sum("score"),
            available=Sum("points"),
        )
        .order_by("attempt__marking__released_by__full_name")
    ]
    awaiting = Attempt.objects.filter(
        quiz=quiz, marking_state=MarkingState.AWAITING
    ).count()
    return WrittenStatistics(questions=questions, markers=markers, awaiting=awaiting)
