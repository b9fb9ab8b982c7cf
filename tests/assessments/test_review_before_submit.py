"""Review before submit, and ordering answers that give a position twice."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import AttemptStatus
from assessments.selectors import model_answers
from tests.assessments.conftest import form_data


@pytest.fixture
def attempt(enrolled, quiz):
    return services.attempt_start(user=enrolled, quiz=quiz).attempt


def _take(attempt):
    return reverse("assessments:attempt", args=[attempt.pk])


def _review(attempt):
    return reverse("assessments:review", args=[attempt.pk])


def test_review_lists_the_blank_questions_and_submits_nothing(enrolled_client, attempt):
    answers = model_answers(attempt)
    blank = attempt.items.order_by("position").last().position
    del answers[blank]
    response = enrolled_client.post(
        _take(attempt), {**form_data(attempt, answers), "action": "review"}
    )
    assert response["Location"] == _review(attempt)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    html = enrolled_client.get(_review(attempt)).content.decode()
    assert "You have answered 4 of 5 questions." in html
    assert "1 question not answered" in html
    assert f'href="{_take(attempt)}#question-{blank}">Answer question 5</a>' in html
    assert html.count("Answer question") == 1

    response = enrolled_client.post(_take(attempt), {"action": "submit"})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score == 4  # the saved answers, the blank scoring nothing


def test_review_of_a_closed_attempt_goes_back(enrolled_client, enrolled, attempt):
    services.attempt_submit(user=enrolled, attempt=attempt, answers={})
    response = enrolled_client.get(_review(attempt))
    assert response.status_code == 302


def test_review_is_only_for_the_learners_own_attempt(
    client, attempt, django_user_model
):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(_review(attempt)).status_code == 404


def _ordering(attempt):
    return attempt.items.get(question_type="ordering")


def test_an_ordering_answer_giving_a_position_twice_is_refused_next_to_it(
    enrolled_client, attempt
):
    answers = model_answers(attempt)
    item = _ordering(attempt)
    first, second = item.answer_key["order"][:2]
    answers[item.position] = {**answers[item.position], second: 1}
    for action in ("save", "review", "submit"):
        response = enrolled_client.post(
            _take(attempt), {**form_data(attempt, answers), "action": action}
        )
        assert response.status_code == 400, action
        html = response.content.decode()
        assert "Use each position once: position 1 is given to" in html
        assert f'href="#question-{item.position}"' in html
        # The message is inside the question's own fieldset, with what was sent.
        fieldset = html.split(f'id="question-{item.position}"')[1].split("</fieldset>")[
            0
        ]
        assert "Use each position once" in fieldset
        assert fieldset.count('<option value="1" selected>') == 2
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    item.refresh_from_db()
    assert item.response is None  # the refused answer was not saved
    # The other answers were.
    assert attempt.items.exclude(response=None).count() == 4


def test_autosave_refuses_a_repeated_position_with_the_same_words(
    enrolled_client, attempt
):
    item = _ordering(attempt)
    order = item.answer_key["order"]
    data = {"question": item.position}
    for step in order:
        data[f"q{item.position}-{step}"] = "1"
    response = enrolled_client.post(
        reverse("assessments:answer_save", args=[attempt.pk]), data
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Use each position once")
