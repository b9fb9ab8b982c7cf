"""Showing and submitting a quiz cost the same number of queries for 5 questions as
for 50 (the performance budget in DESIGN.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.selectors import model_answers
from tests.assessments.conftest import form_data
from tests.factories import make_questions, make_quiz


@pytest.fixture
def quizzes(module):
    small = make_quiz(module=module, questions=make_questions(5), max_attempts=None)
    large = make_quiz(module=module, questions=make_questions(50), max_attempts=None)
    return small, large


def _count(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {200, 302}, response.status_code
    return len(queries)


def _started(user, quiz):
    attempt = services.attempt_start(user=user, quiz=quiz).attempt
    return attempt


def test_quiz_page_queries_do_not_grow(
    enrolled_client, enrolled, quizzes, django_assert_num_queries
):
    small, large = quizzes
    for quiz in quizzes:  # earlier attempts listed on the page
        attempt = _started(enrolled, quiz)
        services.attempt_submit(user=enrolled, attempt=attempt)
        enrolled_client.get(quiz.url)  # warm caches (site root paths)
    expected = _count(enrolled_client, "get", small.url)
    with django_assert_num_queries(expected):
        enrolled_client.get(large.url)


def test_attempt_page_queries_do_not_grow(
    enrolled_client, enrolled, quizzes, django_assert_num_queries
):
    small, large = (_started(enrolled, quiz) for quiz in quizzes)
    for attempt in (small, large):
        services.answers_save(attempt=attempt, answers=model_answers(attempt))
        enrolled_client.get(reverse("assessments:attempt", args=[attempt.pk]))
    expected = _count(
        enrolled_client, "get", reverse("assessments:attempt", args=[small.pk])
    )
    with django_assert_num_queries(expected):
        response = enrolled_client.get(reverse("assessments:attempt", args=[large.pk]))
    assert response.content.decode().count("<fieldset") == 50


def test_submit_and_result_queries_do_not_grow(
    enrolled_client, enrolled, quizzes, django_assert_num_queries
):
    small, large = (_started(enrolled, quiz) for quiz in quizzes)
    enrolled_client.get(reverse("assessments:attempt", args=[small.pk]))

    def submit(attempt):
        data = {**form_data(attempt, model_answers(attempt)), "action": "submit"}
        return reverse("assessments:attempt", args=[attempt.pk]), data

    url, data = submit(small)
    expected = _count(enrolled_client, "post", url, data)
    url, data = submit(large)
    with django_assert_num_queries(expected):
        response = enrolled_client.post(url, data)
    assert response.status_code == 302
    large.refresh_from_db()
    assert large.score == 50 and large.passed

    expected = _count(
        enrolled_client, "get", reverse("assessments:result", args=[small.pk])
    )
    with django_assert_num_queries(expected):
        enrolled_client.get(reverse("assessments:result", args=[large.pk]))


def test_autosave_queries_do_not_grow(
    enrolled_client, enrolled, quizzes, django_assert_num_queries
):
    small, large = (_started(enrolled, quiz) for quiz in quizzes)

    def autosave(attempt):
        answers = model_answers(attempt)
        return reverse("assessments:answer_save", args=[attempt.pk]), {
            **form_data(attempt, {1: answers[1]}),
            "question": "1",
        }

    expected = _count(enrolled_client, "post", *autosave(small))
    url, data = autosave(large)
    with django_assert_num_queries(expected):
        response = enrolled_client.post(url, data)
    assert response.json()["saved"]


def test_start_queries_depend_on_types_not_questions(
    enrolled, quizzes, django_assert_num_queries
):
    small, large = quizzes
    with CaptureQueriesContext(connection) as queries:
        services.attempt_start(user=enrolled, quiz=small)
    with django_assert_num_queries(len(queries)):
        services.attempt_start(user=enrolled, quiz=large)
