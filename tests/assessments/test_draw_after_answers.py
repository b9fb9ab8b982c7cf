"""When a quiz has shown a learner the answers, their next attempt draws questions
they have not seen, as far as the bank allows."""

import random

import pytest

from assessments import services
from assessments.models import Attempt, ShowAnswers
from tests.factories import (
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
    make_quiz,
)

pytestmark = pytest.mark.django_db


def _quiz(module, *, pool_size, draw, show_answers=ShowAnswers.AFTER_ATTEMPT):
    bank = QuestionCategoryFactory()
    pool = [SingleChoiceQuestionFactory(category=bank) for _ in range(pool_size)]
    quiz = make_quiz(module=module, draw_count=draw, show_answers=show_answers)
    quiz.draw_categories.set([bank])
    quiz.save()
    return quiz, {q.pk for q in pool}


def _take(user, quiz, seed) -> set[int]:
    attempt = services.attempt_start(
        user=user, quiz=quiz, rng=random.Random(seed)
    ).attempt
    services.attempt_submit(user=user, attempt=attempt)
    return set(attempt.items.values_list("question_id", flat=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_retake_asks_questions_not_yet_seen(enrolled, module, seed):
    quiz, pool = _quiz(module, pool_size=6, draw=3)
    first = _take(enrolled, quiz, seed)
    second = _take(enrolled, quiz, seed)
    assert not first & second
    assert first | second == pool
    # Nothing new is left: the third attempt repeats the ones seen longest ago.
    assert _take(enrolled, quiz, seed) == first


def test_a_small_bank_asks_every_unseen_question_before_repeating(enrolled, module):
    quiz, pool = _quiz(module, pool_size=4, draw=3)
    first = _take(enrolled, quiz, 5)
    second = _take(enrolled, quiz, 5)
    assert pool - first <= second
    assert len(second) == 3


def test_answers_never_shown_means_no_memory_of_earlier_draws(enrolled, module):
    quiz, _ = _quiz(module, pool_size=6, draw=3, show_answers=ShowAnswers.NEVER)
    _take(enrolled, quiz, 1)
    attempts = list(Attempt.objects.filter(quiz=quiz))
    assert attempts and services._answered_and_shown(quiz=quiz, attempts=attempts) == {}
    # The same seed draws the same questions again: earlier draws do not matter.
    assert _take(enrolled, quiz, 1) == _take(enrolled, quiz, 1)


def test_quiz_settings_tell_the_trainer(trainer_client, module):
    quiz, _ = _quiz(module, pool_size=2, draw=1)
    html = trainer_client.get(f"/admin/pages/{quiz.pk}/edit/").content.decode()
    assert "the next attempt draws questions the learner has not seen yet" in html
