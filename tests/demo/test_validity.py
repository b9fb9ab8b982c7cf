"""The demo quizzes measure knowledge: the authoring checks find nothing left
unexplained in the demo bank, and a learner who knows nothing and always picks the
longest option fails every quiz."""

import io
import random
import statistics
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments import authoring
from assessments.models import Question, QuizPage
from assessments.selectors import load_questions
from assessments.services import attempt_start, attempt_submit
from courses.models import CoursePage
from courses.services import enrolment_create
from tests.factories import UserFactory

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
pytestmark = pytest.mark.django_db

# Warnings the demo keeps on purpose, each with the reason. Empty means every
# question and quiz in the demo passes every authoring check.
EXPLAINED: dict[tuple[str, str], str] = {}

# Attempts per quiz for the naive learner (each by a new learner: three attempts
# each are allowed, and the draw differs between attempts).
NAIVE_RUNS = 12


def load_demo():
    call_command("load_demo", force=True, root=DEMO, stdout=io.StringIO())


def test_the_demo_bank_passes_the_authoring_checks():
    load_demo()
    questions = load_questions(list(Question.objects.values_list("pk", flat=True)))
    found = {
        (question.key, warning.code): str(warning)
        for question in questions
        for warning in question.authoring_warnings()
    }
    found |= {
        (warning.subject, warning.code): str(warning)
        for warning in authoring.bank_quiz_warnings()
    }
    unexplained = {key: text for key, text in found.items() if key not in EXPLAINED}
    assert not unexplained, "\n".join(sorted(unexplained.values()))
    assert set(EXPLAINED) <= set(found), "an explained warning no longer occurs"


def _longest(entries: list[dict]) -> dict:
    return max(entries, key=lambda entry: len(entry["text"]))


def naive_answers(attempt) -> dict[int, object]:
    """What a learner who knows nothing but reads length would answer: the longest
    option; for several, the longer half; steps as shown; the longest match."""
    answers = {}
    for item in attempt.items.order_by("position"):
        presented = item.presented
        kind = item.question_type
        if kind in {"single_choice", "true_false"}:
            answers[item.position] = _longest(presented["options"])["id"]
        elif kind == "multiple_response":
            options = presented["options"]
            cut = statistics.median(len(option["text"]) for option in options)
            answers[item.position] = [o["id"] for o in options if len(o["text"]) > cut]
        elif kind == "ordering":
            answers[item.position] = {
                step["id"]: index
                for index, step in enumerate(presented["items"], start=1)
            }
        elif kind == "matching":
            right = _longest(presented["rights"])["id"]
            answers[item.position] = {left["id"]: right for left in presented["lefts"]}
    return answers


def naive_scores() -> dict[str, list[float]]:
    """Percentages the naive learner scores on every live quiz, NAIVE_RUNS each."""
    rng = random.Random(2026)
    for course in CoursePage.objects.all():
        course.sequential = False  # reach every quiz without the lessons
        course.save(update_fields=["sequential"])
    scores: dict[str, list[float]] = {}
    quizzes = list(QuizPage.objects.live().order_by("path"))
    for _ in range(NAIVE_RUNS):
        learner = UserFactory()
        for course in CoursePage.objects.all():
            enrolment_create(user=learner, course=course)
        for quiz in quizzes:
            attempt = attempt_start(user=learner, quiz=quiz, rng=rng).attempt
            result = attempt_submit(
                user=learner, attempt=attempt, answers=naive_answers(attempt)
            )
            scores.setdefault(quiz.title, []).append(float(result.attempt.percent))
    return scores


def test_picking_the_longest_option_fails_every_demo_quiz():
    load_demo()
    pass_marks = dict(QuizPage.objects.live().values_list("title", "pass_mark"))
    scores = naive_scores()
    report = {
        title: (round(statistics.mean(runs)), max(runs), pass_marks[title])
        for title, runs in scores.items()
    }
    passing = {
        title: numbers
        for title, numbers in report.items()
        if numbers[0] >= numbers[2] * 0.75 or numbers[1] >= numbers[2]
    }
    # Mean well under the pass mark, and no single run passes.
    assert not passing, f"(mean, best, pass mark) per quiz: {report}"
