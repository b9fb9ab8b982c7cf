"""The demo loader reads the question-bank format in fixtures/README.md.

These tests write small files of their own; they never load the demo content.
"""

import textwrap

import pytest

from assessments import demo
from assessments.models import (
    MatchingQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    Scenario,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    entry_id,
)
from courses.demo import QuizSpec
from courses.models import ModulePage

BANK = """
scenarios:
  - key: dan
    title: Dan, in withdrawal
    text: "<p>Dan is shaky.</p><script>alert(1)</script>"
questions:
  - key: t-sc
    type: single_choice
    category: the-link
    capability: knowledge
    scenario: dan
    points: 2
    stem: "<p>Which <b>one</b>?</p><img src=x onerror=alert(1)>"
    explanation: "<p>Because.</p>"
    options:
      - {text: Right, correct: true, feedback: "<i>Yes</i>"}
      - {text: Wrong, correct: false, feedback: No}
  - key: t-mr
    type: multiple_response
    category: the-link
    capability: skills
    stem: "<p>Which ones?</p>"
    explanation: "<p>Both.</p>"
    options:
      - {text: A, correct: true}
      - {text: B, correct: true}
      - {text: C, correct: false}
  - key: t-tf
    type: true_false
    category: risk
    capability: attitudes_values
    stem: "<p>True?</p>"
    explanation: "<p>Yes.</p>"
    answer: false
    feedback_true: Not so.
    feedback_false: Right.
  - key: t-or
    type: ordering
    category: risk
    capability: skills
    stem: "<p>Order these.</p>"
    explanation: "<p>This order.</p>"
    items: [one, two, three]
  - key: t-ma
    type: matching
    category: risk
    capability: knowledge
    stem: "<p>Match.</p>"
    explanation: "<p>So.</p>"
    pairs:
      - {left: Checks phone, right: Coercive control}
      - {left: Takes wages, right: Financial abuse}
    distractors: [Stalking]
"""


@pytest.fixture
def root(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "bank.yaml").write_text(textwrap.dedent(BANK))
    return tmp_path


@pytest.fixture
def specs(course):
    first, second = ModulePage.objects.child_of(course).order_by("path")
    base = {
        "intro": "<p>Intro</p>",
        "pass_mark": 80,
        "max_attempts": 3,
        "time_limit_minutes": None,
        "shuffle_questions": True,
        "shuffle_options": True,
        "show_answers": "after_attempt",
    }
    return [
        QuizSpec(
            first,
            {**base, "slug": "q1", "title": "Quiz 1", "questions": ["t-sc", "t-mr"],
             "draw": {"category": "the-link", "count": 0}},
            course.slug,
        ),
        QuizSpec(
            second,
            {**base, "slug": "final", "title": "Final", "questions": [],
             "show_answers": "after_pass", "draw": {"category": None, "count": 3}},
            course.slug,
        ),
    ]  # fmt: skip


def test_load_creates_bank_and_quizzes_then_nothing(root, specs):
    message = demo.load(root=root, quizzes=specs, update=False)
    assert "questions 5 created" in message and "Quizzes: 2 created" in message
    assert Scenario.objects.count() == 1
    kinds = {type(q) for q in Question.objects.all()}
    assert {SingleChoiceQuestion, TrueFalseQuestion, OrderingQuestion} <= kinds
    assert MatchingQuestion.objects.get().distractors.count() == 1

    quiz = QuizPage.objects.get(slug="q1")
    assert quiz.live and quiz.get_parent().pk == specs[0].module.pk
    assert [qq.question.key for qq in quiz.quiz_questions.all()] == ["t-sc", "t-mr"]
    final = QuizPage.objects.get(slug="final")
    # category: null draws from every category the course's quizzes use.
    assert {c.slug for c in final.draw_categories.all()} == {"the-link"}
    assert final.draw_count == 3 and final.show_answers == "after_pass"

    again = demo.load(root=root, quizzes=specs, update=False)
    assert "questions 0 created, 0 updated, 5 already there" in again
    assert "Quizzes: 0 created, 0 updated, 2 already there" in again
    assert Question.objects.count() == 5 and QuizPage.objects.count() == 2


def test_load_sanitises_html(root, specs):
    demo.load(root=root, quizzes=specs, update=False)
    question = SingleChoiceQuestion.objects.get(key="t-sc")
    assert "<img" not in question.stem and "onerror" not in question.stem
    assert "<b>one</b>" in question.stem
    assert "<script>" not in Scenario.objects.get().text
    assert question.options.get(text="Right").feedback == "Yes"
    assert question.grade(entry_id("o", question.options.get(text="Right"))) == 2


def test_update_rewrites_from_the_files(root, specs):
    demo.load(root=root, quizzes=specs, update=False)
    question = TrueFalseQuestion.objects.get(key="t-tf")
    question.correct_answer = True
    question.save()
    demo.load(root=root, quizzes=specs, update=True)
    question.refresh_from_db()
    assert question.correct_answer is False


def test_bad_file_is_refused_with_the_key(root, specs):
    bank = root / "questions" / "bank.yaml"
    bank.write_text(
        bank.read_text().replace("correct: false, feedback: No", "correct: true")
    )
    with pytest.raises(demo.DemoDataError, match="t-sc"):
        demo.load(root=root, quizzes=specs, update=False)
    assert not Question.objects.exists()


def test_unknown_question_key_in_a_quiz(root, specs):
    specs[0].data["questions"] = ["t-sc", "nope"]
    with pytest.raises(demo.DemoDataError, match="nope"):
        demo.load(root=root, quizzes=specs, update=False)
