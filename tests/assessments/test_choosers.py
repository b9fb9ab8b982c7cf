"""The quiz editor's question chooser and the category chooser: search as you
type, filters; categories named in words with slugs made for them."""

import pytest
from django.urls import reverse

from assessments.models import QuestionCategory
from tests.factories import (
    OrderingQuestionFactory,
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
)

pytestmark = pytest.mark.django_db
QUESTION_CHOOSER = "wagtailsnippetchoosers_assessments_question:choose_results"
CATEGORY_CHOOSER = "wagtailsnippetchoosers_assessments_questioncategory:choose_results"


@pytest.fixture
def bank():
    risk = QuestionCategoryFactory(name="Risk and safety", slug="risk-and-safety")
    link = QuestionCategoryFactory(name="The link", slug="the-link")
    return {
        "withdrawal": SingleChoiceQuestionFactory(
            stem="<p>Dan blames withdrawal for pushing Kerry.</p>",
            category=risk,
            capability="skills",
        ),
        "drink": SingleChoiceQuestionFactory(
            stem="<p>Marek says it only happens when he drinks.</p>", category=link
        ),
        "steps": OrderingQuestionFactory(
            stem="<p>Put the steps of a risk assessment in order.</p>", category=risk
        ),
        "risk": risk,
    }


def _results(client, name=QUESTION_CHOOSER, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_chooser_has_a_search_box_and_filters(trainer_client, bank):
    response = trainer_client.get(
        reverse("wagtailsnippetchoosers_assessments_question:choose")
    )
    html = response.json()["html"]
    for label in ("Search questions", "Type", "Category", "Capability area"):
        assert label in html
    assert 'id="id_q"' in html  # the field Wagtail searches as you type
    assert html.count("data-chooser-modal-search-filter") == 3


def test_typing_part_of_a_question_finds_it(trainer_client, bank):
    html = _results(trainer_client, q="withdraw")
    assert "Dan blames withdrawal" in html
    assert "Marek" not in html and "risk assessment" not in html


def test_filters_by_type_category_and_capability(trainer_client, bank):
    html = _results(trainer_client, type="ordering")
    assert "risk assessment" in html and "Dan" not in html
    html = _results(trainer_client, category=bank["risk"].pk)
    assert "Dan" in html and "risk assessment" in html and "Marek" not in html
    html = _results(trainer_client, capability="skills")
    assert "Dan" in html and "Marek" not in html


def test_the_category_chooser_searches(trainer_client, bank):
    html = _results(trainer_client, CATEGORY_CHOOSER, q="saf")
    assert "Risk and safety" in html and "The link" not in html


def test_a_new_category_needs_no_hand_typed_slug(trainer_client):
    url = reverse("wagtailsnippets_assessments_questioncategory:add")
    for _ in range(2):
        response = trainer_client.post(url, {"name": "After disclosure", "slug": ""})
        assert response.status_code == 302
    slugs = sorted(QuestionCategory.objects.values_list("slug", flat=True))
    assert slugs == ["after-disclosure", "after-disclosure-2"]


def test_demo_category_names_read_as_words():
    from assessments.demo import category_name

    assert category_name("identifying-ipv-p") == "Identifying IPV-P"
    assert category_name("the-link") == "The link"


def test_a_question_can_be_created_from_the_quiz_editors_chooser(trainer_client, bank):
    from assessments.models import SingleChoiceQuestion

    html = trainer_client.get(
        reverse("wagtailsnippetchoosers_assessments_question:choose")
    ).json()["html"]
    assert "Create a single-choice question" in html
    url = reverse("wagtailsnippetchoosers_assessments_question:create")
    data = {
        "stem": "Who decides whether <b>a partner</b> is safe?",
        "option_1": "The partner, with support",
        "option_2": "The keyworker alone",
        "option_3": "",
        "option_4": "",
        "correct": "1",
        "category": bank["risk"].pk,
        "capability": "knowledge",
    }
    refused = trainer_client.post(url, {**data, "correct": "3"})
    assert "The correct option has no text." in refused.json()["htmlFragment"]
    response = trainer_client.post(url, data)
    assert response.json()["step"] == "chosen"
    question = SingleChoiceQuestion.objects.get(stem__contains="partner")
    assert (
        question.stem
        == "<p>Who decides whether &lt;b&gt;a partner&lt;/b&gt; is safe?</p>"
    )
    assert [
        (o.text, o.is_correct) for o in question.options.order_by("sort_order")
    ] == [
        ("The partner, with support", True),
        ("The keyworker alone", False),
    ]
    assert question.key.startswith("risk-and-safety-")
