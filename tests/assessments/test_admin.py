"""Trainers build the question bank and quizzes in the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from assessments.models import (
    AttemptQuestion,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from assessments.services import attempt_start, attempt_submit
from tests.factories import (
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
)


@pytest.fixture
def category(db):
    return QuestionCategoryFactory(slug="risk", name="Risk")


def _common(category, **extra):
    return {
        "stem": rich_text("<p>Which is a <b>risk</b> factor?</p>"),
        "explanation": rich_text("<p>Because research.</p>"),
        "category": category.pk,
        "capability": "knowledge",
        "points": 2,
        "key": "",
        "scenario": "",
        **extra,
    }


def _options(*specs):
    return inline_formset(
        [
            {"text": text, "is_correct": correct, "feedback": f"About {text}"}
            for text, correct in specs
        ]
    )


TYPE_FORMS = {
    SingleChoiceQuestion: lambda: {
        "options": _options(("Threats", True), ("Hobbies", False))
    },
    MultipleResponseQuestion: lambda: {
        "options": _options(("Threats", True), ("Stalking", True), ("Hobbies", False))
    },
    TrueFalseQuestion: lambda: {
        "correct_answer": "on",
        "feedback_true": "Yes",
        "feedback_false": "No",
    },
    OrderingQuestion: lambda: {
        "items": inline_formset(
            [{"text": "Ask"}, {"text": "Assess"}, {"text": "Refer"}]
        )
    },
    MatchingQuestion: lambda: {
        "pairs": inline_formset(
            [
                {"left": "Checks phone", "right": "Coercive control"},
                {"left": "Takes wages", "right": "Financial abuse"},
            ]
        ),
        "distractors": inline_formset([{"text": "Stalking"}]),
    },
}


def _add_url(model):
    return reverse(f"{model.snippet_viewset.get_url_name('add')}")


@pytest.mark.parametrize("model", list(TYPE_FORMS), ids=lambda m: m.type_name)
def test_trainer_creates_each_question_type(trainer_client, category, model):
    response = trainer_client.get(_add_url(model))
    assert response.status_code == 200
    data = nested_form_data(_common(category, **TYPE_FORMS[model]()))
    response = trainer_client.post(_add_url(model), data)
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get()
    assert type(question) is model
    assert question.key.startswith("risk-")
    assert question.points == 2
    # It can be answered: its own correct answer scores full marks.
    presented, key = question.snapshot()
    assert question.grade(_full_marks(model.type_name, key)) == 2


def _full_marks(type_name, key):
    if type_name == "multiple_response":
        return key["correct"]
    if type_name in {"single_choice", "true_false"}:
        return key["correct"][0]
    if type_name == "ordering":
        return {item: i for i, item in enumerate(key["order"], start=1)}
    return key["pairs"]


def test_single_choice_needs_exactly_one_correct_option(trainer_client, category):
    data = nested_form_data(
        _common(category, options=_options(("A", True), ("B", True)))
    )
    response = trainer_client.post(_add_url(SingleChoiceQuestion), data)
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert not Question.objects.exists()


def test_add_question_asks_for_the_type_first(trainer_client):
    response = trainer_client.get(reverse("wagtailsnippets_assessments_question:add"))
    assert response.status_code == 200
    html = response.content.decode()
    for model in TYPE_FORMS:
        assert model.type_label in html
        assert _add_url(model) in html


def test_listing_searches_and_filters(trainer_client, category):
    wanted = SingleChoiceQuestionFactory(stem="<p>Ask about strangulation</p>")
    other = SingleChoiceQuestionFactory(stem="<p>Something else</p>", category=category)
    url = reverse("wagtailsnippets_assessments_question:list")
    html = trainer_client.get(url, {"q": "strangulation"}).content.decode()
    assert wanted.key in html and other.key not in html
    html = trainer_client.get(url, {"category": category.pk}).content.decode()
    assert other.key in html and wanted.key not in html
    html = trainer_client.get(url, {"type": "true_false"}).content.decode()
    assert wanted.key not in html and other.key not in html
    html = trainer_client.get(url, {"type": "single_choice"}).content.decode()
    assert wanted.key in html and other.key in html
    html = trainer_client.get(url, {"capability": "skills"}).content.decode()
    assert wanted.key not in html


def test_listing_edit_link_opens_the_questions_own_form(trainer_client):
    question = SingleChoiceQuestionFactory()
    response = trainer_client.get(
        reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    )
    assert response.status_code == 302
    own = reverse(
        "wagtailsnippets_assessments_singlechoicequestion:edit", args=[question.pk]
    )
    assert response["Location"] == own
    response = trainer_client.get(own)
    assert response.status_code == 200
    assert "Feedback on A" in response.content.decode()


def test_copy_makes_a_new_question_with_its_options(trainer_client):
    question = SingleChoiceQuestionFactory()
    url = reverse(
        "wagtailsnippets_assessments_singlechoicequestion:copy", args=[question.pk]
    )
    response = trainer_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = nested_form_data(
        {
            **_common(question.category),
            "options": _options(
                *[(o.text, o.is_correct) for o in question.options.all()]
            ),
        }
    )
    assert "A" in response.content.decode() and form.instance.pk is None
    response = trainer_client.post(url, data)
    assert response.status_code == 302
    copy = SingleChoiceQuestion.objects.exclude(pk=question.pk).get()
    assert copy.options.count() == 3
    assert question.options.count() == 3


def test_preview_shows_the_question_as_learners_see_it(trainer_client, category):
    url = reverse("wagtailsnippets_assessments_singlechoicequestion:preview_on_add")
    data = nested_form_data(
        _common(category, options=_options(("Threats", True), ("Hobbies", False)))
    )
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"]
    html = trainer_client.get(url).content.decode()
    assert 'type="radio"' in html and "Threats" in html


def test_deleting_a_used_question_keeps_the_attempt(
    trainer_client, enrolled, quiz, questions
):
    attempt = attempt_start(user=enrolled, quiz=quiz).attempt
    attempt_submit(user=enrolled, attempt=attempt)
    question = questions[0]
    url = reverse(
        f"{type(question).snippet_viewset.get_url_name('delete')}", args=[question.pk]
    )
    assert trainer_client.get(url).status_code == 200
    response = trainer_client.post(url)
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    item = AttemptQuestion.objects.get(attempt=attempt, question_key=question.key)
    assert item.question is None
    assert item.presented["stem"]
    assert attempt.items.count() == len(questions)


def test_trainer_adds_a_quiz_under_a_module(trainer_client, module, category):
    question = SingleChoiceQuestionFactory(category=category)
    url = reverse("wagtailadmin_pages:add", args=["assessments", "quizpage", module.pk])
    assert trainer_client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Check your understanding",
            "slug": "check",
            "intro": rich_text("<p>Five questions.</p>"),
            "quiz_questions": inline_formset([{"question": question.pk}]),
            "draw_count": 2,
            "pass_mark": 80,
            "max_attempts": 3,
            "time_limit_minutes": "",
            "shuffle_questions": "on",
            "shuffle_options": "on",
            "show_answers": "after_pass",
            "action-publish": "publish",
        }
    )
    data["draw_categories"] = [category.pk]
    response = trainer_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    quiz = QuizPage.objects.get(slug="check")
    assert quiz.live
    assert [qq.question_id for qq in quiz.quiz_questions.all()] == [question.pk]
    assert list(quiz.draw_categories.all()) == [category]


def test_quiz_without_questions_is_refused(trainer_client, module):
    url = reverse("wagtailadmin_pages:add", args=["assessments", "quizpage", module.pk])
    data = nested_form_data(
        {
            "title": "Empty",
            "slug": "empty",
            "intro": rich_text(""),
            "quiz_questions": inline_formset([]),
            "draw_count": 0,
            "pass_mark": 80,
            "show_answers": "after_attempt",
            "action-publish": "publish",
        }
    )
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert "Add at least one question" in response.content.decode()
    assert not QuizPage.objects.exists()


def _quiz_form(question, **extra):
    return nested_form_data(
        {
            "title": "Draft quiz",
            "slug": "draft-quiz",
            "intro": rich_text("<p>Intro.</p>"),
            "quiz_questions": inline_formset([{"question": question.pk}]),
            "draw_count": 0,
            "pass_mark": 80,
            "show_answers": "after_attempt",
            **extra,
        }
    )


def test_quiz_preview_on_add_shows_questions_without_answers(trainer_client, module):
    question = SingleChoiceQuestionFactory(stem="<p>Previewed stem</p>")
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["assessments", "quizpage", module.pk],
    )
    response = trainer_client.post(url, _quiz_form(question))
    assert response.json()["is_valid"], response.json()
    html = trainer_client.get(url).content.decode()
    assert "Previewed stem" in html
    assert "Feedback on A" not in html


def test_quiz_draft_and_preview_on_edit(trainer_client, quiz):
    question = SingleChoiceQuestionFactory(stem="<p>Added in a draft</p>")
    edit = reverse("wagtailadmin_pages:edit", args=[quiz.pk])
    response = trainer_client.post(edit, _quiz_form(question, slug=quiz.slug))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.has_unpublished_changes
    # The live quiz is unchanged until the draft is published.
    assert question.pk not in [qq.question_id for qq in quiz.quiz_questions.all()]
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk])
    response = trainer_client.post(preview, _quiz_form(question, slug=quiz.slug))
    assert response.json()["is_valid"]
    assert "Added in a draft" in trainer_client.get(preview).content.decode()


def test_editor_sees_quiz_page_with_question_preview(trainer_client, quiz):
    html = trainer_client.get(quiz.url).content.decode()
    assert "You are viewing this quiz as an editor" in html
    assert "Feedback on" not in html


def test_question_bank_menu_screens_open_for_trainers(trainer_client):
    for name in ("question", "scenario", "questioncategory"):
        for view in ("list", "add"):
            url = reverse(f"wagtailsnippets_assessments_{name}:{view}")
            assert trainer_client.get(url).status_code == 200, url
    response = trainer_client.post(
        reverse("wagtailsnippets_assessments_scenario:add"),
        {"title": "Dan", "key": "dan", "text": rich_text("<p>Dan is shaky.</p>")},
    )
    assert response.status_code == 302
    html = trainer_client.get("/admin/").content.decode()
    assert "Question bank" in html


def test_learners_cannot_reach_the_question_bank(enrolled_client):
    url = reverse("wagtailsnippets_assessments_question:list")
    assert enrolled_client.get(url).status_code == 302


def test_bulk_delete_from_the_combined_listing(
    trainer_client, enrolled, quiz, questions
):
    attempt = attempt_start(user=enrolled, quiz=quiz).attempt
    attempt_submit(user=enrolled, attempt=attempt)
    ids = [q.pk for q in questions[:2]]
    url = "/admin/bulk/assessments/question/delete/?" + "&".join(f"id={i}" for i in ids)
    assert trainer_client.get(url).status_code == 200
    response = trainer_client.post(url)
    assert response.status_code == 302
    assert not Question.objects.filter(pk__in=ids).exists()
    assert not SingleChoiceQuestion.objects.filter(pk=ids[0]).exists()
    attempt.refresh_from_db()
    assert attempt.items.count() == 5 and attempt.score is not None
