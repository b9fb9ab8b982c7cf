"""Reads for trainers' quiz statistics (Reports > Quiz statistics). Best scores for
the course progress report and a learner's record are in ``records.py``.

Everything here aggregates in the database and runs a fixed number of queries,
however many attempts or learners there are; ``tests/assessments/test_statistics.py``
asserts it. The figures are Moodle's quiz statistics:

- *facility index*: the share of the available marks learners obtained on a question
  (mean score / maximum score);
- *discrimination index*: the Pearson correlation between the score on a question and
  the score on the rest of the attempt (the attempt's total minus that question), so
  a question the stronger learners do better on scores near 1;
- how often each option was chosen (choice questions), or how often each step or
  prompt was placed or matched correctly (ordering and matching questions).

Questions are grouped as they were frozen into attempts: by question id, or by the
frozen key once a question has been deleted from the bank. Only submitted attempts
count.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Left, Round, RowNumber
from django.utils.text import Truncator
from wagtail.models import Page

from training.sanitiser import plain_text

from .models import (
    QUESTION_TYPES,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    MarkingState,
    Question,
    QuizPage,
    QuizQuestion,
)

#: Rows a trainer should look at (Moodle's rules of thumb).
FACILITY_LOW = 0.2
FACILITY_HIGH = 0.95
DISCRIMINATION_LOW = 0.1

# Entry refs are a letter and hex digits ("o3fa9c01b2e4d"); only such refs are used
# as JSON keys in a query (nothing that could read as a lookup, like "in").
_SAFE_ID = re.compile(r"^[A-Za-z0-9]{1,40}$")


def _types_where(flag) -> list[str]:
    """The names of the question types for which ``flag(type)`` holds."""
    return [name for name, cls in QUESTION_TYPES.items() if flag(cls)]


def percent_text(value: Decimal | float | None) -> str:
    """A percentage for a report cell: "85%", "66.67%", or "—" for none."""
    if value is None:
        return "—"
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{value:f}".rstrip("0").rstrip(".")
    return f"{text}%"


# --- the attempts that count ----------------------------------------------------------


def submitted_attempts(*, quiz_ids: Iterable[int] | None = None, first_only=False):
    """Submitted attempts (of some quizzes), or only each learner's first attempt.

    Attempts still awaiting a trainer's mark have no result yet, so they wait too.
    """
    attempts = Attempt.objects.filter(status=AttemptStatus.SUBMITTED).exclude(
        marking_state=MarkingState.AWAITING
    )
    if quiz_ids is not None:
        attempts = attempts.filter(quiz_id__in=list(quiz_ids))
    if first_only:
        attempts = attempts.filter(number=1)
    return attempts


def median_percents(attempts: QuerySet[Attempt]) -> dict[int, float]:
    """The median percentage of each quiz's ``attempts``, by quiz id (one query).

    Ranks each quiz's attempts by percentage in the database and fetches only the
    middle one or two, so it reads two rows per quiz however many attempts there are.
    """
    middle = (
        attempts.order_by()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("quiz_id")],
                order_by=[F("percent").asc(), F("pk").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("quiz_id")]),
        )
        # Integer division: ranks (n + 1) // 2 to (n + 2) // 2 are the middle.
        .filter(rank__gte=(F("total") + 1) / 2, rank__lte=(F("total") + 2) / 2)
        .values_list("quiz_id", "percent")
    )
    values: dict[int, list[float]] = defaultdict(list)
    for quiz_id, percent in middle:
        values[quiz_id].append(float(percent))
    return {quiz_id: sum(pair) / len(pair) for quiz_id, pair in values.items()}


# --- the list of quizzes --------------------------------------------------------------


def _ancestor_title(levels_up: int) -> Subquery:
    """The title of the page ``levels_up`` above each row's page, as a subquery."""
    return Subquery(
        Page.objects.filter(
            path=Left(OuterRef("path"), (OuterRef("depth") - levels_up) * Page.steplen)
        ).values("title")[:1]
    )


def quiz_statistics_queryset() -> QuerySet[QuizPage]:
    """Every quiz with its course and module titles and, over submitted attempts:
    ``attempt_count``, ``passed_count`` and ``mean_percent`` (one query)."""
    submitted = Q(attempts__status=AttemptStatus.SUBMITTED) & ~Q(
        attempts__marking_state=MarkingState.AWAITING
    )
    return QuizPage.objects.annotate(
        course_title=_ancestor_title(2),
        module_title=_ancestor_title(1),
        attempt_count=Count("attempts", filter=submitted),
        passed_count=Count("attempts", filter=submitted & Q(attempts__passed=True)),
        mean_percent=Avg("attempts__percent", filter=submitted),
    ).order_by("path")


# --- one quiz -------------------------------------------------------------------------


@dataclass
class Band:
    label: str
    low: int
    high: int
    count: int


@dataclass
class QuizSummary:
    """Attempts at a quiz and how they went."""

    attempts: int
    passed: int
    learners: int
    learners_passed: int
    mean_percent: float | None
    median_percent: float | None
    bands: list[Band]

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None

    @property
    def distribution_text(self) -> str:
        """The score distribution in words, for people who cannot see the chart."""
        if not self.attempts:
            return "Score distribution: no submitted attempts yet."
        bands = "; ".join(f"{b.label}: {b.count}" for b in self.bands if b.count)
        return f"Score distribution of {self.attempts} attempts: {bands}."


def _bands() -> list[tuple[str, int, int]]:
    bands = [(f"{low}–{low + 9}%", low, low + 10) for low in range(0, 90, 10)]
    return [*bands, ("90–100%", 90, 101)]


def quiz_summary(*, attempts: QuerySet[Attempt]) -> QuizSummary:
    """Counts, mean, median and a 10%-band distribution of ``attempts`` (two
    queries: the aggregates, and the median)."""
    bands = _bands()
    passed = Q(passed=True)
    # Aliases must not be field names ("passed"), or Django reads them as aggregates.
    figures = attempts.order_by().aggregate(
        n_attempts=Count("pk"),
        n_passed=Count("pk", filter=passed),
        n_learners=Count("user", distinct=True),
        n_learners_passed=Count("user", distinct=True, filter=passed),
        mean=Avg("percent"),
        **{
            f"band{index}": Count("pk", filter=Q(percent__gte=low, percent__lt=high))
            for index, (_, low, high) in enumerate(bands)
        },
    )
    medians = median_percents(attempts) if figures["n_attempts"] else {}
    return QuizSummary(
        attempts=figures["n_attempts"],
        passed=figures["n_passed"],
        learners=figures["n_learners"],
        learners_passed=figures["n_learners_passed"],
        mean_percent=float(figures["mean"]) if figures["mean"] is not None else None,
        median_percent=next(iter(medians.values()), None),
        bands=[
            Band(label, low, min(high, 100), figures[f"band{index}"])
            for index, (label, low, high) in enumerate(bands)
        ],
    )


@dataclass
class OptionCount:
    """How often one option was chosen."""

    text: str
    count: int
    share: float
    correct: bool = False


@dataclass
class Placement:
    """How often a step was put in its right place, or a prompt matched rightly."""

    text: str
    right: int
    share: float
    answer: str = ""


@dataclass(frozen=True)
class Flag:
    """A reason to look at a question: a short title and the figures behind it."""

    title: str
    detail: str

    def __str__(self):
        return f"{self.title}: {self.detail}"


@dataclass
class QuestionStats:
    """One question's figures over the attempts that asked it."""

    question_id: int | None
    key: str
    type_name: str
    stem: str
    attempts: int
    mean_score: float
    max_points: float
    facility: float
    discrimination: float | None
    options: list[OptionCount] = field(default_factory=list)
    no_answer: int = 0
    placements: list[Placement] = field(default_factory=list)
    #: Set by the view for questions still in the bank.
    edit_url: str = ""

    @property
    def type_label(self) -> str:
        try:
            return Question.type_for(self.type_name).type_label
        except ValidationError:  # a type since removed still gets its row
            return self.type_name

    @property
    def placement_heading(self) -> str:
        return self._type_attribute("placement_heading")

    @property
    def placement_answer_prefix(self) -> str:
        return self._type_attribute("placement_answer_prefix")

    def _type_attribute(self, name: str) -> str:
        try:
            return getattr(Question.type_for(self.type_name), name)
        except ValidationError:
            return ""

    @property
    def deleted(self) -> bool:
        return self.question_id is None

    @property
    def no_answer_share(self) -> float:
        return self.no_answer / self.attempts if self.attempts else 0.0

    @property
    def flags(self) -> list[Flag]:
        """Why a trainer should look at this question, in words."""
        flags = []
        if self.facility < FACILITY_LOW:
            flags.append(
                Flag(
                    "Very hard",
                    f"learners got {self.facility:.0%} of the marks (below "
                    f"{FACILITY_LOW:.0%}). Check the answer key and the wording.",
                )
            )
        elif self.facility > FACILITY_HIGH:
            flags.append(
                Flag(
                    "Very easy",
                    f"learners got {self.facility:.0%} of the marks (above "
                    f"{FACILITY_HIGH:.0%}), so it tells learners apart very little.",
                )
            )
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(
                Flag(
                    "Negative discrimination",
                    f"{self.discrimination:.2f}: learners who did well on the rest of "
                    "the quiz did worse on this question. Check the answer key.",
                )
            )
        elif (
            self.discrimination is not None and self.discrimination < DISCRIMINATION_LOW
        ):
            flags.append(
                Flag(
                    "Weak discrimination",
                    f"{self.discrimination:.2f}, below {DISCRIMINATION_LOW:.2f}: how "
                    "learners did on it hardly follows how they did on the rest of "
                    "the quiz.",
                )
            )
        return flags


@dataclass
class QuizStatistics:
    quiz: QuizPage
    summary: QuizSummary
    questions: list[QuestionStats]
    first_only: bool = False

    @property
    def flagged(self) -> list[QuestionStats]:
        return [question for question in self.questions if question.flags]


def _group_key(question_id: int | None, question_key: str) -> tuple:
    return (question_id, "" if question_id is not None else question_key)


def _group_filter(group: tuple) -> Q:
    question_id, orphan_key = group
    if question_id is not None:
        return Q(question_id=question_id)
    return Q(question_id__isnull=True, question_key=orphan_key)


def _cents(expression) -> Cast:
    # Scores have two decimal places; whole pennies sum exactly on every database.
    return Cast(Round(expression * 100), BigIntegerField())


def _pearson(n: int, sx: int, sy: int, sxx: int, syy: int, sxy: int) -> float | None:
    """Pearson's r from sums (exact integers until the last step); None when either
    variable does not vary, so no correlation can be measured."""
    covariance = n * sxy - sx * sy
    variance_x = n * sxx - sx * sx
    variance_y = n * syy - sy * sy
    if n < 2 or variance_x <= 0 or variance_y <= 0:
        return None
    return covariance / math.sqrt(variance_x * variance_y)


def question_statistics(*, attempts: QuerySet[Attempt]) -> list[QuestionStats]:
    """Per-question figures over ``attempts`` (at most four queries: the sums, one
    frozen copy of each question, chosen options, right placements)."""
    items = AttemptQuestion.objects.filter(
        attempt__in=attempts.order_by().values("pk"), score__isnull=False
    ).annotate(
        orphan_key=Case(
            When(question__isnull=True, then=F("question_key")), default=Value("")
        )
    )
    x = _cents(F("score"))
    y = _cents(F("attempt__score")) - x  # the rest of the attempt
    sums = list(
        items.values("question_id", "orphan_key")
        .annotate(
            n=Count("pk"),
            points=Sum("points"),
            sx=Sum(x),
            sy=Sum(y),
            sxx=Sum(x * x),
            syy=Sum(y * y),
            sxy=Sum(x * y),
            sample=Max("pk"),
        )
        .order_by()
    )
    if not sums:
        return []
    # The most recent frozen copy of each question labels its row and options.
    samples = {
        item.pk: item
        for item in AttemptQuestion.objects.filter(
            pk__in=[row["sample"] for row in sums]
        ).only(
            "question_id", "question_key", "question_type", "presented", "answer_key"
        )
    }
    stats: dict[tuple, QuestionStats] = {}
    by_group: dict[tuple, AttemptQuestion] = {}
    for row in sums:
        group = _group_key(row["question_id"], row["orphan_key"])
        sample = by_group[group] = samples[row["sample"]]
        n = row["n"]
        sx, sy = int(row["sx"]), int(row["sy"])
        mean = sx / 100 / n
        stats[group] = QuestionStats(
            question_id=row["question_id"],
            key=sample.question_key,
            type_name=sample.question_type,
            stem=Truncator(plain_text(sample.presented.get("stem")).strip()).chars(160),
            attempts=n,
            mean_score=mean,
            max_points=row["points"] / n,
            facility=sx / 100 / row["points"] if row["points"] else 0.0,
            discrimination=_pearson(
                n, sx, sy, int(row["sxx"]), int(row["syy"]), int(row["sxy"])
            ),
        )
    _add_option_counts(items, stats, by_group)
    _add_placements(items, stats, by_group)
    return _in_quiz_order(attempts, stats)


def _add_option_counts(items, stats, by_group) -> None:
    """Counts of each option chosen: one query grouping identical responses (a
    choice question has few distinct responses, however many attempts). Responses
    are compared by their stable refs, so attempts with different random ids count
    together."""
    counting = _types_where(lambda cls: cls.counts_options)
    if not any(s.type_name in counting for s in stats.values()):
        return
    chosen: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unanswered: dict[tuple, int] = defaultdict(int)
    rows = (
        items.filter(question_type__in=counting)
        .values("question_id", "orphan_key", "response_refs")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        group = _group_key(row["question_id"], row["orphan_key"])
        response = row["response_refs"]
        ticked = response if isinstance(response, list) else [response]
        ticked = [value for value in ticked if value not in (None, "")]
        if not ticked:
            unanswered[group] += row["n"]
        for value in ticked:
            chosen[group][str(value)] += row["n"]
    for group, question in stats.items():
        if question.type_name not in counting:
            continue
        sample = by_group[group]
        counts = chosen.get(group, {})
        known = set()
        for ref, text, correct in Question.type_for(
            question.type_name
        ).statistics_options(sample.presented, sample.answer_key):
            known.add(ref)
            count = counts.get(ref, 0)
            question.options.append(
                OptionCount(
                    text=text,
                    count=count,
                    share=count / question.attempts,
                    correct=correct,
                )
            )
        removed = sum(count for value, count in counts.items() if value not in known)
        if removed:
            question.options.append(
                OptionCount(
                    text="An option no longer in the question",
                    count=removed,
                    share=removed / question.attempts,
                )
            )
        question.no_answer = unanswered.get(group, 0)


def _add_placements(items, stats, by_group) -> None:
    """For ordering and matching questions, how often each step went in its right
    place or each prompt got its right answer: one query of conditional counts
    (one per step or prompt), over responses by stable refs.

    A step counts as placed rightly when it was given its right position; marking
    is stricter (a position given to two steps counts for neither), so these shares
    can be a little above what the marks show.
    """
    wanted: list[tuple[tuple, str, str, Any, str]] = []
    for group, question in stats.items():
        sample = by_group[group]
        try:
            question_class = Question.type_for(question.type_name)
        except ValidationError:  # a type since removed
            continue
        for sub_ref, text, right, answer in question_class.statistics_placements(
            sample.presented, sample.answer_key
        ):
            wanted.append((group, sub_ref, text, right, answer))
    wanted = [w for w in wanted if _SAFE_ID.match(w[1])]
    if not wanted:
        return
    placing = sorted({stats[w[0]].type_name for w in wanted})
    counts = items.filter(question_type__in=placing).aggregate(
        **{
            f"p{index}": Count(
                "pk",
                filter=_group_filter(group) & Q(**{f"response_refs__{sub_ref}": right}),
            )
            for index, (group, sub_ref, _, right, _) in enumerate(wanted)
        }
    )
    for index, (group, _, text, _, answer) in enumerate(wanted):
        question = stats[group]
        right = counts[f"p{index}"]
        question.placements.append(
            Placement(
                text=text,
                right=right,
                share=right / question.attempts,
                answer=answer,
            )
        )


def _in_quiz_order(attempts, stats: dict[tuple, QuestionStats]) -> list[QuestionStats]:
    """The quiz's fixed questions in its order, then drawn or removed ones by key."""
    quiz_ids = attempts.order_by().values("quiz_id")
    order = {
        question_id: index
        for index, question_id in enumerate(
            QuizQuestion.objects.filter(page_id__in=quiz_ids)
            .order_by("sort_order", "pk")
            .values_list("question_id", flat=True)
        )
    }
    return sorted(
        stats.values(),
        key=lambda s: (order.get(s.question_id, len(order)), s.key),
    )


def quiz_statistics(*, quiz: QuizPage, first_only: bool = False) -> QuizStatistics:
    """Everything the statistics page of one quiz shows, in a fixed number of
    queries (seven at most) however many attempts there are."""
    attempts = submitted_attempts(quiz_ids=[quiz.pk], first_only=first_only)
    return QuizStatistics(
        quiz=quiz,
        summary=quiz_summary(attempts=attempts),
        questions=question_statistics(attempts=attempts),
        first_only=first_only,
    )
