import pytest

from courses.models import ModulePage
from tests.factories import make_questions, make_quiz


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


@pytest.fixture
def questions(db):
    """One question of each type, one mark each."""
    return make_questions(5)


@pytest.fixture
def quiz(module, questions):
    return make_quiz(module=module, questions=questions, max_attempts=3)


def wrong_answers(attempt) -> dict[int, object]:
    """A zero-mark response for every question of an attempt."""
    answers = {}
    for item in attempt.items.order_by("position"):
        key, presented, kind = item.answer_key, item.presented, item.question_type
        if kind in {"single_choice", "true_false", "multiple_response"}:
            wrong = [
                o["id"] for o in presented["options"] if o["id"] not in key["correct"]
            ]
            answers[item.position] = wrong if kind == "multiple_response" else wrong[0]
        elif kind == "ordering":
            # Every step one place on (the last to 1): each position once, none
            # right.
            order = key["order"]
            answers[item.position] = {
                item_id: (index + 1) % len(order) + 1
                for index, item_id in enumerate(order)
            }
        elif kind == "matching":
            rights = [r["id"] for r in presented["rights"]]
            answers[item.position] = {
                left: next(r for r in rights if r != right)
                for left, right in key["pairs"].items()
            }
    return answers


def form_data(attempt, answers: dict[int, object]) -> dict:
    """The POST data the quiz form sends for ``answers``."""
    data = {"questions": [str(p) for p in answers]}
    items = {item.position: item for item in attempt.items.all()}
    for position, response in answers.items():
        name = f"q{position}"
        kind = items[position].question_type
        if kind in {"ordering", "matching"}:
            for sub, value in response.items():
                data[f"{name}-{sub}"] = str(value)
        else:
            data[name] = response
    return data
