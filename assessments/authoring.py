"""Authoring checks: warnings that tell a trainer when a question or a quiz gives
its answers away through length or wording rather than knowledge.

They are warnings, never errors: a trainer may have a good reason, and saving is
never blocked. Each has a one-line reason and how to fix it.

Checks about one question belong to its type (``Question.authoring_warnings()``,
built from the helpers here); checks that need a whole quiz are ``quiz_warnings``.
Trainers see both in the admin: on a question's edit form, and in Question bank >
Questions (a "Checks" column and the quiz-level warnings above the list).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from training.sanitiser import plain_text

# Correct option this much longer than the longest other option (and at least
# LONGEST_MIN_CHARS longer) reads as "the careful, qualified one is right".
LONGEST_RATIO = 1.25
LONGEST_MIN_CHARS = 12
# Share of single-choice items whose correct option is the longest above which a
# learner who always picks the longest option does well.
LONGEST_SHARE = 1 / 3
# Share of multiple-response items with the same "k of n" above which the count
# itself becomes a cue.
SAME_COUNT_SHARE = 0.4

# "All of the above" anywhere, or an option that is only "both of these" and the like.
CATCH_ALL = re.compile(
    r"\b(all|none|both|neither)\s+of\s+the\s+(above|options)\b"
    r"|^\W*(all|none|both|neither)(\s+of\s+(these|them|those))?\W*$",
    re.IGNORECASE,
)
ABSOLUTE = re.compile(
    r"\b(always|never|all|none|only|every|everyone|nobody|no\s+one|nothing|"
    r"completely|entirely|totally|guaranteed?|certainly|definitely|impossible|"
    r"cannot|can't|must)\b",
    re.IGNORECASE,
)
NEGATIVE_QUESTION = re.compile(
    r"\b(which|what|who)\b[^?.]*\b(not|except|least|isn't|aren't|wouldn't|"
    r"shouldn't)\b[^?.]*\?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AuthoringWarning:
    """One cue a learner could use instead of knowledge, and how to remove it."""

    code: str
    reason: str
    fix: str
    #: What it is about, for quiz-level warnings ("Quiz: the link").
    subject: str = ""

    def __str__(self) -> str:
        prefix = f"{self.subject}: " if self.subject else ""
        return f"{prefix}{self.reason} {self.fix}"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", plain_text(text)).strip().lower()


# --- helpers the question types use ------------------------------------------------


def negative_stem(stem: str) -> list[AuthoringWarning]:
    if NEGATIVE_QUESTION.search(plain_text(stem)):
        return [
            AuthoringWarning(
                "negative-stem",
                "The question is asked in the negative (not, except, least), which "
                "tests careful reading more than practice.",
                "Ask it the positive way, e.g. 'Which is the safest response?'",
            )
        ]
    return []


def absolute_words(statement: str) -> list[AuthoringWarning]:
    found = ABSOLUTE.finditer(plain_text(statement))
    words = sorted({match.group(0).lower() for match in found})
    if not words:
        return []
    return [
        AuthoringWarning(
            "absolute-words",
            f"The statement uses {', '.join(repr(w) for w in words)}; absolute words "
            "usually mark a true-or-false statement as false.",
            "Reword it without absolutes, or make it a scenario question.",
        )
    ]


def catch_all_options(texts: Iterable[str]) -> list[AuthoringWarning]:
    found = [text for text in texts if CATCH_ALL.search(plain_text(text))]
    if not found:
        return []
    return [
        AuthoringWarning(
            "catch-all-option",
            f"'{found[0]}' can be answered from two options alone, without the "
            "knowledge asked for.",
            "Replace it with a real practice mistake.",
        )
    ]


def duplicates(texts: Iterable[str], what: str) -> list[AuthoringWarning]:
    counts = Counter(_norm(text) for text in texts if _norm(text))
    repeated = [text for text, n in counts.items() if n > 1]
    if not repeated:
        return []
    return [
        AuthoringWarning(
            "duplicate",
            f"Two {what} read the same ('{repeated[0]}').",
            f"Delete one, or make each of the {what} different.",
        )
    ]


def correct_is_longest(options: Sequence[tuple[str, bool]]) -> bool:
    """Whether the (only or every) correct option is strictly the longest."""
    right = [len(plain_text(t)) for t, ok in options if ok]
    wrong = [len(plain_text(t)) for t, ok in options if not ok]
    return bool(right and wrong) and min(right) > max(wrong)


def longest_correct(options: Sequence[tuple[str, bool]]) -> list[AuthoringWarning]:
    right = [len(plain_text(t)) for t, ok in options if ok]
    wrong = [len(plain_text(t)) for t, ok in options if not ok]
    if not (right and wrong):
        return []
    shortest_right, longest_wrong = min(right), max(wrong)
    if (
        shortest_right >= longest_wrong * LONGEST_RATIO
        and shortest_right - longest_wrong >= LONGEST_MIN_CHARS
    ):
        what = "correct option is" if len(right) == 1 else "correct options are"
        return [
            AuthoringWarning(
                "longest-correct",
                f"The {what} much the longest ({shortest_right} characters against "
                f"{longest_wrong}); learners pick the longest, most qualified option.",
                "Shorten it, or give the distractors the same detail and hedging.",
            )
        ]
    return []


def correct_count(options: Sequence[tuple[str, bool]]) -> list[AuthoringWarning]:
    right = sum(1 for _, ok in options if ok)
    if right == 0:
        return [
            AuthoringWarning(
                "no-correct",
                "No option is marked correct, so nobody can score.",
                "Tick 'correct' on the right option(s).",
            )
        ]
    if len(options) > 1 and right == len(options):
        return [
            AuthoringWarning(
                "all-correct",
                "Every option is marked correct, so ticking everything scores.",
                "Add distractors that are real practice mistakes.",
            )
        ]
    return []


def missing_explanation(explanation: str) -> list[AuthoringWarning]:
    if plain_text(explanation).strip():
        return []
    return [
        AuthoringWarning(
            "no-explanation",
            "There is no explanation, so learners who got it wrong learn nothing.",
            "Say why the answer is right, about the question asked.",
        )
    ]


# --- quiz-level checks -------------------------------------------------------------


def quiz_warnings(
    *,
    title: str,
    draw_count: int,
    fixed: Sequence,
    pool: Sequence,
    shows_answers: bool,
) -> list[AuthoringWarning]:
    """Warnings for one quiz, given its fixed questions and the questions it can
    draw from (specific instances, the fixed ones excluded from ``pool``)."""
    subject = f"Quiz '{title}'"
    warnings = []
    if draw_count:
        if len(pool) < draw_count:
            warnings.append(
                AuthoringWarning(
                    "category-too-small",
                    f"It draws {draw_count} questions but its categories hold only "
                    f"{len(pool)} it does not already ask.",
                    "Add questions to the category, or draw fewer.",
                    subject,
                )
            )
        elif len(pool) < 2 * draw_count:
            warnings.append(
                AuthoringWarning(
                    "category-too-small",
                    f"It draws {draw_count} questions from only {len(pool)}, so "
                    "attempts mostly repeat the same questions.",
                    f"Give the category at least {2 * draw_count} questions beyond "
                    "the fixed ones, or draw fewer.",
                    subject,
                )
            )
    if shows_answers and fixed and len(fixed) > draw_count:
        warnings.append(
            AuthoringWarning(
                "fixed-with-answers",
                f"{len(fixed)} questions are asked in every attempt and answers are "
                "shown after each, so a second attempt tests memory.",
                "Draw the questions from a category instead of fixing them.",
                subject,
            )
        )
    asked = [*fixed, *pool]
    counts = [
        q.correct_option_count() for q in asked if hasattr(q, "correct_option_count")
    ]
    if len(counts) >= 2 and len(set(counts)) == 1:
        warnings.append(
            AuthoringWarning(
                "same-correct-count",
                f"All {len(counts)} of its multiple-response questions have exactly "
                f"{counts[0]} correct answers, so the count is a cue.",
                "Vary how many options are correct from question to question.",
                subject,
            )
        )
    singles = [
        q.correct_is_longest() for q in asked if hasattr(q, "correct_is_longest")
    ]
    if len(singles) >= 4 and sum(singles) / len(singles) > 0.5:
        warnings.append(
            AuthoringWarning(
                "longest-share",
                f"In {sum(singles)} of its {len(singles)} single-choice questions the "
                "correct option is the longest, so always picking the longest pays.",
                "Make the correct option shorter than a distractor in more of them.",
                subject,
            )
        )
    return warnings


# --- reading the bank (admin pages and the demo-bank test) ------------------------


def bank_warnings(questions: Sequence) -> list[AuthoringWarning]:
    """Patterns across the whole bank that a learner could learn to exploit."""
    subject = "Question bank"
    warnings = []
    counts = Counter(
        q.correct_option_count()
        for q in questions
        if hasattr(q, "correct_option_count")
    )
    total = sum(counts.values())
    if total >= 5:
        count, n = counts.most_common(1)[0]
        if n / total > SAME_COUNT_SHARE:
            warnings.append(
                AuthoringWarning(
                    "same-correct-count",
                    f"{n} of the {total} multiple-response questions have exactly "
                    f"{count} correct answers, so guessing {count} pays.",
                    "Vary how many options are correct from question to question.",
                    subject,
                )
            )
    singles = [
        q.correct_is_longest() for q in questions if hasattr(q, "correct_is_longest")
    ]
    if len(singles) >= 6 and sum(singles) / len(singles) > LONGEST_SHARE:
        warnings.append(
            AuthoringWarning(
                "longest-share",
                f"In {sum(singles)} of the {len(singles)} single-choice questions the "
                "correct option is the longest (more than 1 in 3).",
                "Make the correct option shorter than a distractor in more of them.",
                subject,
            )
        )
    return warnings


def question_warnings(questions: Iterable) -> dict[int, list[AuthoringWarning]]:
    """Each question's own warnings, by id; the questions come from
    ``selectors.load_questions`` so this costs no further queries."""
    return {question.pk: question.authoring_warnings() for question in questions}


def bank_quiz_warnings() -> list[AuthoringWarning]:
    """Quiz-level warnings for every quiz, live or draft, and patterns across the
    questions those quizzes can ask.

    A fixed number of queries: the quizzes with their fixed questions and draw
    categories, then every question those quizzes can ask, by type.
    """
    from .models import Question, QuizPage, ShowAnswers
    from .selectors import load_questions

    quizzes = list(
        QuizPage.objects.order_by("path").prefetch_related(
            "quiz_questions", "draw_categories"
        )
    )
    category_ids = {c.pk for quiz in quizzes for c in quiz.draw_categories.all()}
    fixed_ids = {qq.question_id for quiz in quizzes for qq in quiz.quiz_questions.all()}
    in_categories = dict(
        Question.objects.non_polymorphic()
        .filter(category__in=category_ids)
        .values_list("pk", "category_id")
    )
    by_id = {q.pk: q for q in load_questions(sorted(fixed_ids | set(in_categories)))}
    warnings = bank_warnings(list(by_id.values()))
    for quiz in quizzes:
        fixed = [
            by_id[qq.question_id]
            for qq in quiz.quiz_questions.all()
            if qq.question_id in by_id
        ]
        fixed_set = {q.pk for q in fixed}
        drawn_from = {c.pk for c in quiz.draw_categories.all()}
        pool = [
            by_id[pk]
            for pk, category in in_categories.items()
            if category in drawn_from and pk not in fixed_set and pk in by_id
        ]
        warnings += quiz_warnings(
            title=quiz.title,
            draw_count=quiz.draw_count if drawn_from else 0,
            fixed=fixed,
            pool=pool,
            shows_answers=quiz.show_answers == ShowAnswers.AFTER_ATTEMPT,
        )
    return warnings
