"""What a learner sees and can do on the quiz pages, and what bad input gets."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, ShowAnswers
from assessments.selectors import model_answers
from tests.assessments.conftest import form_data, wrong_answers
from tests.factories import UserFactory, make_questions, make_quiz


@pytest.fixture
def attempt(enrolled, quiz):
    return services.attempt_start(user=enrolled, quiz=quiz).attempt


def take_url(attempt):
    return reverse("assessments:attempt", args=[attempt.pk])


def save_url(attempt):
    return reverse("assessments:answer_save", args=[attempt.pk])


def result_url(attempt):
    return reverse("assessments:result", args=[attempt.pk])


def test_quiz_page_start_take_submit_review(enrolled_client, quiz):
    html = enrolled_client.get(quiz.url).content.decode()
    assert "Start the quiz" in html and "Pass mark" in html
    start = reverse("assessments:attempt_start", args=[quiz.pk])
    response = enrolled_client.post(start)
    attempt = Attempt.objects.get()
    assert response["Location"] == take_url(attempt)

    response = enrolled_client.post(
        take_url(attempt),
        {**form_data(attempt, model_answers(attempt)), "action": "submit"},
    )
    assert response["Location"] == result_url(attempt)
    html = enrolled_client.get(result_url(attempt)).content.decode()
    assert "You scored <strong>5 out of 5</strong> (100%)" in html
    assert "Passed" in html and "Correct answer" in html
    assert "Because the research says so." in html  # explanation
    assert "Feedback on A" in html

    html = enrolled_client.get(quiz.url).content.decode()
    assert "Your attempts" in html and "See result" in html
    assert "Start attempt 2" in html and "2 attempts left" in html


def test_unsubmitted_attempt_page_holds_no_answers(enrolled_client, attempt):
    html = enrolled_client.get(take_url(attempt)).content.decode()
    assert "Question 5" in html
    for secret in (
        "Feedback on",  # per-option feedback
        "Yes, it is true.",  # true/false feedback
        "Because the research says so.",  # explanation
        "Correct answer",
        "quiz-correct",
        "is_correct",
        "is-correct",
        "answer_key",
        "Coercive control</td>",
    ):
        assert secret not in html, secret
    # Ordering steps are not shown in their correct order.
    item = attempt.items.get(question_type="ordering")
    shown = re.findall(rf'name="q{item.position}-(s[0-9a-f]+)"', html)
    assert sorted(shown) == sorted(item.answer_key["order"])
    assert shown != item.answer_key["order"]


def test_ids_on_the_page_give_no_answer_away(enrolled_client, attempt):
    """Database ids would: steps are stored in their right order, and a matching
    prompt and its answer share a row (so a number)."""
    html = enrolled_client.get(take_url(attempt)).content.decode()
    ordering = attempt.items.get(question_type="ordering")
    steps = ordering.question.items.order_by("sort_order")
    for step in steps:
        assert f"s{step.pk}" not in re.findall(r'-(s\w+)"', html)
    matching = attempt.items.get(question_type="matching")
    lefts = [left["id"] for left in matching.presented["lefts"]]
    rights = [right["id"] for right in matching.presented["rights"]]
    assert all(right.startswith("r") for right in rights)  # answers and distractors
    assert not {left[1:] for left in lefts} & {right[1:] for right in rights}
    for value in re.findall(r'<option value="(\w+)"', html):
        assert not value.startswith(("p", "d")), value


def test_form_is_accessible_without_javascript(enrolled_client, attempt):
    html = enrolled_client.get(take_url(attempt)).content.decode()
    assert html.count("<fieldset") == 5 and html.count("<legend") == 5
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert ids
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id
    assert 'value="save"' in html and 'value="review"' in html
    assert 'role="status"' in html and 'aria-live="polite"' in html


def test_save_without_javascript_then_resume(enrolled_client, attempt, quiz):
    answers = model_answers(attempt)
    response = enrolled_client.post(
        take_url(attempt), {**form_data(attempt, answers), "action": "save"}
    )
    assert response.status_code == 302
    assert {i.position: i.response for i in attempt.items.all()} == answers
    html = enrolled_client.get(quiz.url).content.decode()
    assert "Continue attempt 1" in html
    enrolled_client.post(reverse("assessments:attempt_start", args=[quiz.pk]))
    assert Attempt.objects.count() == 1
    html = enrolled_client.get(take_url(attempt)).content.decode()
    assert html.count(" checked") >= 2 and " selected" in html


def test_autosave_json(enrolled_client, attempt):
    answers = model_answers(attempt)
    data = form_data(attempt, {2: answers[2]})
    data["question"] = "2"
    response = enrolled_client.post(save_url(attempt), data)
    assert response.status_code == 200
    assert response.json()["saved"] and "question 2 saved" in response.json()["message"]
    assert attempt.items.get(position=2).response == answers[2]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "Say which question"),
        ({"question": "x"}, 400, "Say which question"),
        ({"question": "99", "q99": "o1"}, 400, "no question 99"),
        ({"question": "1", "q1": "o999999"}, 400, "not part of this question"),
        ({"question": "1", "q1": ["o1", "o2"]}, 400, "only one"),
    ],
)
def test_autosave_bad_input(enrolled_client, attempt, data, status, message):
    services.answer_save(
        attempt=attempt, position=1, response=model_answers(attempt)[1]
    )
    response = enrolled_client.post(save_url(attempt), data)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert attempt.items.get(position=1).response == model_answers(attempt)[1]


def test_autosave_ordering_bad_position(enrolled_client, attempt):
    item = attempt.items.get(question_type="ordering")
    step = item.answer_key["order"][0]
    for value in ("abc", "99", "0"):
        response = enrolled_client.post(
            save_url(attempt),
            {"question": item.position, f"q{item.position}-{step}": value},
        )
        assert response.status_code == 400


def test_option_from_another_question_refused_in_form(enrolled_client, attempt):
    items = {i.question_type: i for i in attempt.items.all()}
    single, multi = items["single_choice"], items["multiple_response"]
    foreign = multi.presented["options"][0]["id"]
    response = enrolled_client.post(
        take_url(attempt),
        {"questions": [single.position], f"q{single.position}": foreign},
    )
    assert response.status_code == 400
    assert "not part of this question" in response.content.decode()
    assert attempt.items.get(pk=single.pk).response is None


def test_closed_attempt_refuses_changes(enrolled_client, attempt):
    services.attempt_submit(user=attempt.user, attempt=attempt)
    response = enrolled_client.post(save_url(attempt), {"question": "3", "q3": "true"})
    assert response.status_code == 409
    response = enrolled_client.post(
        take_url(attempt), {"questions": ["3"], "q3": "true", "action": "save"}
    )
    assert response.status_code == 302  # to the result: nothing to change
    assert attempt.items.get(position=3).response is None


def test_double_submit_returns_the_same_result(enrolled_client, attempt):
    data = {**form_data(attempt, model_answers(attempt)), "action": "submit"}
    first = enrolled_client.post(take_url(attempt), data)
    second = enrolled_client.post(
        take_url(attempt),
        {**form_data(attempt, wrong_answers(attempt)), "action": "submit"},
    )
    assert first["Location"] == second["Location"] == result_url(attempt)
    attempt.refresh_from_db()
    assert attempt.score == 5


def test_missing_csrf_token_is_refused(enrolled, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    assert client.post(save_url(attempt), {"question": "3"}).status_code == 403
    response = client.post(take_url(attempt), {"action": "submit"})
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.is_open


def test_huge_payload_is_refused(enrolled_client, attempt):
    services.answer_save(attempt=attempt, position=3, response="true")
    big = {"question": "3", "q3": "true", "padding": "x" * 400_000}
    assert enrolled_client.post(save_url(attempt), big).status_code == 413
    response = enrolled_client.post(take_url(attempt), {**big, "action": "submit"})
    assert response.status_code == 413
    many = {f"f{i}": "1" for i in range(20_000)}
    assert enrolled_client.post(save_url(attempt), many).status_code in {400, 413}
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempt.items.get(position=3).response == "true"


@pytest.mark.parametrize("name", ["attempt", "answer_save", "result"])
def test_another_learners_attempt_is_404(client, attempt, name):
    intruder = UserFactory()
    client.force_login(intruder)
    url = reverse(f"assessments:{name}", args=[attempt.pk])
    assert client.get(url).status_code in {404, 405}
    assert client.post(url, {"question": "1", "action": "submit"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_anonymous_is_sent_to_sign_in(client, attempt, quiz):
    response = client.get(take_url(attempt))
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(reverse("assessments:attempt_start", args=[quiz.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_not_enrolled_learner_cannot_start(learner_client, quiz):
    response = learner_client.post(reverse("assessments:attempt_start", args=[quiz.pk]))
    assert response.status_code == 403
    assert "Enrol" in response.content.decode()
    assert learner_client.get(quiz.url).status_code == 403


def test_no_attempts_left(enrolled_client, enrolled, module):
    quiz = make_quiz(module=module, questions=make_questions(1), max_attempts=1)
    attempt = services.attempt_start(user=enrolled, quiz=quiz).attempt
    services.attempt_submit(user=enrolled, attempt=attempt)
    html = enrolled_client.get(quiz.url).content.decode()
    assert "used all your attempts" in html
    response = enrolled_client.post(
        reverse("assessments:attempt_start", args=[quiz.pk])
    )
    assert response.status_code == 409
    assert "all 1 attempts" in response.content.decode()


@pytest.mark.parametrize(
    ("rule", "shown"),
    [
        (ShowAnswers.AFTER_ATTEMPT, True),
        (ShowAnswers.AFTER_PASS, False),
        (ShowAnswers.NEVER, False),
    ],
)
def test_review_follows_show_answers(enrolled_client, enrolled, module, rule, shown):
    quiz = make_quiz(module=module, questions=make_questions(5), show_answers=rule)
    attempt = services.attempt_start(user=enrolled, quiz=quiz).attempt
    services.attempt_submit(
        user=enrolled, attempt=attempt, answers=wrong_answers(attempt)
    )
    html = enrolled_client.get(result_url(attempt)).content.decode()
    assert "You scored" in html and "Not passed" in html
    for secret in ("Correct answer", "Feedback on", "Because the research"):
        assert (secret in html) is shown, secret
    assert "Your answer" in html


def test_expired_attempt_page_shows_the_result(enrolled_client, enrolled, module):
    from datetime import timedelta

    from django.utils import timezone

    quiz = make_quiz(module=module, questions=make_questions(2), time_limit_minutes=1)
    attempt = services.attempt_start(
        user=enrolled, quiz=quiz, now=timezone.now() - timedelta(minutes=2)
    ).attempt
    response = enrolled_client.get(take_url(attempt))
    assert response["Location"] == result_url(attempt)
    attempt.refresh_from_db()
    assert not attempt.is_open
    response = enrolled_client.post(save_url(attempt), {"question": "1"})
    assert response.status_code == 409


def test_scenario_is_shown_once_above_its_questions(enrolled_client, enrolled, module):
    from tests.factories import ScenarioFactory, TrueFalseQuestionFactory

    scenario = ScenarioFactory(title="Dan, in withdrawal")
    questions = [TrueFalseQuestionFactory(scenario=scenario) for _ in range(3)]
    quiz = make_quiz(module=module, questions=[TrueFalseQuestionFactory(), *questions])
    attempt = services.attempt_start(user=enrolled, quiz=quiz).attempt
    html = enrolled_client.get(take_url(attempt)).content.decode()
    assert html.count('class="quiz-scenario"') == 1
    assert "Questions 2 to 4 are about this case study." in html
    assert html.index("Dan, in withdrawal") < html.index("Question 2 ")
