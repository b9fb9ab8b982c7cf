"""Option, step and prompt ids on a learner's page say nothing about the answer,
even to someone who knows the settings' secret key (the demo's is public)."""

import re

from django.urls import reverse

from assessments import services
from assessments.models import (
    ChoiceOption,
    MatchingDistractor,
    MatchingPair,
    OrderingItem,
    entry_id,
)
from assessments.statistics import quiz_statistics
from courses.models import Enrolment
from tests.factories import UserFactory

ROW_KINDS = [
    (ChoiceOption, ["o"]),
    (OrderingItem, ["s"]),
    (MatchingPair, ["l", "p"]),
    (MatchingDistractor, ["d"]),
]


def _computable_ids() -> set[str]:
    """Every id someone holding SECRET_KEY could compute for the bank's rows."""
    return {
        entry_id(kind, row)
        for model, kinds in ROW_KINDS
        for row in model.objects.all()
        for kind in kinds
    }


def _page_ids(html: str) -> set[str]:
    return set(re.findall(r'(?:value|id)="(?:q\d+-)?([a-z][0-9a-f]{12})"', html))


def test_attempt_page_ids_cannot_be_computed_and_differ_per_attempt(
    client, course, quiz
):
    pages = []
    for _ in range(2):
        learner = UserFactory()
        Enrolment.objects.create(user=learner, course=course)
        client.force_login(learner)
        attempt = services.attempt_start(user=learner, quiz=quiz).attempt
        html = client.get(reverse("assessments:attempt", args=[attempt.pk])).content
        pages.append(_page_ids(html.decode()))
    first, second = pages
    assert len(first) >= 10  # options, steps, prompts and answers all named
    assert not (first | second) & _computable_ids()
    assert not first & second


def test_statistics_count_the_same_option_across_attempts(course, quiz):
    from assessments.selectors import model_answers

    for _ in range(3):
        learner = UserFactory()
        Enrolment.objects.create(user=learner, course=course)
        attempt = services.attempt_start(user=learner, quiz=quiz).attempt
        services.answers_save(attempt=attempt, answers=model_answers(attempt))
        services.attempt_submit(user=learner, attempt=attempt)
    for question in quiz_statistics(quiz=quiz).questions:
        assert question.facility == 1
        if question.options:
            assert sorted(o.count for o in question.options if o.correct)[-1] == 3
        for placement in question.placements:
            assert placement.right == 3
