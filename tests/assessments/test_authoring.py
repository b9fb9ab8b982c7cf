"""Authoring checks: what a trainer is warned about, on the question form and in
the question bank listing, and that clean questions are left alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import authoring
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    make_quiz,
)

pytestmark = pytest.mark.django_db

LISTING = "wagtailsnippets_assessments_question:list"


def codes(question):
    return {warning.code for warning in question.authoring_warnings()}


def test_a_balanced_question_has_no_warnings():
    question = SingleChoiceQuestionFactory(
        stem="<p>Which response is safest?</p>",
        options=[
            ("Consult the safeguarding lead today", True),
            ("Wait and see what happens at the weekend before acting", False),
            ("Ask him for her number to check on her", False),
        ],
    )
    assert question.authoring_warnings() == []


def test_correct_option_much_the_longest_is_flagged_with_reason_and_fix():
    question = SingleChoiceQuestionFactory(
        options=[
            ("Consult the safeguarding lead the same day and record why", True),
            ("Wait", False),
            ("Do nothing", False),
        ]
    )
    (warning,) = question.authoring_warnings()
    assert warning.code == "longest-correct"
    assert "characters" in warning.reason and warning.fix


def test_catch_all_and_duplicate_options_are_flagged():
    question = SingleChoiceQuestionFactory(
        options=[("Call 999", False), ("call  999", False), ("All of the above", True)]
    )
    assert {"catch-all-option", "duplicate"} <= codes(question)


def test_absolute_words_in_a_true_false_statement_are_flagged():
    flagged = TrueFalseQuestionFactory(stem="<p>Sobriety always means safety.</p>")
    clean = TrueFalseQuestionFactory(stem="<p>Sobriety can remove some risks.</p>")
    (warning,) = flagged.authoring_warnings()
    assert warning.code == "absolute-words" and "'always'" in warning.reason
    assert clean.authoring_warnings() == []


def test_negative_stems_are_flagged():
    question = SingleChoiceQuestionFactory(
        stem="<p>Which of these is NOT a risk marker?</p>"
    )
    assert "negative-stem" in codes(question)


def test_duplicate_steps_and_matching_answers_are_flagged():
    ordering = OrderingQuestionFactory(items=["Listen", "Record", "listen"])
    matching = MatchingQuestionFactory(
        pairs=[("Checking her phone", "Stalking"), ("Following her", "Control")]
    )  # the factory adds the distractor "Stalking", which is also an answer
    assert "duplicate" in codes(ordering)
    assert "duplicate" in codes(matching)


def _draws_from(quiz, category):
    quiz.draw_categories.add(category)
    quiz.save()
    return quiz


def _multi(correct: int, total: int, **fields):
    return MultipleResponseQuestionFactory(
        options=[(f"Option {i}", i < correct) for i in range(total)], **fields
    )


def test_quiz_level_checks_same_count_small_category_and_fixed_with_answers(module):
    category = QuestionCategoryFactory()
    fixed = [_multi(2, 5) for _ in range(3)]
    quiz = make_quiz(module=module, questions=fixed, draw_count=2)
    _draws_from(quiz, category)
    _multi(2, 5, category=category)
    found = {w.code: w for w in authoring.bank_quiz_warnings()}
    assert {"same-correct-count", "category-too-small", "fixed-with-answers"} <= set(
        found
    )
    assert quiz.title in str(found["category-too-small"])
    assert "only 1" in found["category-too-small"].reason


def test_a_quiz_drawing_from_a_large_varied_category_has_no_warnings(module):
    category = QuestionCategoryFactory()
    for correct, total in [(1, 4), (2, 5), (3, 6), (2, 6), (4, 6), (1, 5)]:
        _multi(correct, total, category=category)
    quiz = make_quiz(module=module, draw_count=3)
    _draws_from(quiz, category)
    assert authoring.bank_quiz_warnings() == []


def test_listing_shows_each_questions_checks_and_the_quiz_checks(
    trainer_client, module
):
    cued = TrueFalseQuestionFactory(stem="<p>Men never disclose.</p>")
    clean = TrueFalseQuestionFactory(stem="<p>Men may disclose when asked.</p>")
    make_quiz(module=module, questions=[_multi(2, 5), _multi(2, 5)], title="Quiz A")
    html = trainer_client.get(reverse(LISTING)).content.decode()
    assert "Authoring checks across quizzes" in html
    assert "Quiz A" in html and "exactly 2 correct answers" in html
    assert "absolute words usually mark" in html
    assert html.count("No cues found") >= 1
    assert cued.key in html and clean.key in html


def test_edit_form_shows_the_questions_warnings(trainer_client):
    question = SingleChoiceQuestionFactory(
        options=[("Both of these", True), ("Yes", False), ("No", False)]
    )
    url = reverse(
        type(question).snippet_viewset.get_url_name("edit"), args=[question.pk]
    )
    html = trainer_client.get(url).content.decode()
    assert "Authoring checks: this question may give its answer away" in html
    assert "Replace it with a real practice mistake." in html


def _listing_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(LISTING)).status_code == 200
    return len(queries)


def test_listing_queries_do_not_grow_with_the_bank(trainer_client, module):
    category = QuestionCategoryFactory()
    quiz = make_quiz(module=module, draw_count=1)
    _draws_from(quiz, category)
    factories = [
        SingleChoiceQuestionFactory,
        MultipleResponseQuestionFactory,
        TrueFalseQuestionFactory,
        OrderingQuestionFactory,
        MatchingQuestionFactory,
    ]
    for factory in factories:
        factory(category=category)
    trainer_client.get(reverse(LISTING))  # warm caches
    small = _listing_queries(trainer_client)
    for factory in factories * 4:
        factory(category=category)
    _draws_from(make_quiz(module=module, draw_count=2), category)
    assert _listing_queries(trainer_client) == small
