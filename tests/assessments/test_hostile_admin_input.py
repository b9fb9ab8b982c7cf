"""Hostile text typed by a trainer into the question bank, quizzes and marking
reaches learners' and trainers' pages only as text (issue 10, hostile-input pass)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from assessments import services
from assessments.models import (
    AttemptMarking,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    WrittenAnswerQuestion,
)
from assessments.selectors import model_answers
from tests.assessments.conftest import form_data
from tests.factories import QuestionCategoryFactory, make_quiz
from tests.hostile import JS_URL, assert_inert, hostile

pytestmark = pytest.mark.django_db

STEM_HTML = (
    f'<p>Stem <a href="{JS_URL}">see this</a> '
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>"
)


def _common(category, key, **extra):
    return {
        "stem": rich_text(STEM_HTML),
        # What Draftail never sends: raw HTML instead of its JSON.
        "explanation": hostile("Explanation"),
        "category": category.pk,
        "capability": "knowledge",
        "points": 1,
        "key": key,
        "scenario": "",
        **extra,
    }


def _options(*correct):
    return inline_formset(
        [
            {
                "text": hostile(f"Option {n}", limit=500),
                "is_correct": is_correct,
                "feedback": hostile(f"Feedback {n}"),
            }
            for n, is_correct in enumerate(correct)
        ]
    )


def _forms():
    return {
        SingleChoiceQuestion: {"options": _options(True, False)},
        MultipleResponseQuestion: {"options": _options(True, True, False)},
        TrueFalseQuestion: {
            "correct_answer": "on",
            "feedback_true": hostile("True feedback"),
            "feedback_false": hostile("False feedback"),
        },
        OrderingQuestion: {
            "items": inline_formset(
                [{"text": hostile(f"Step {n}", limit=300)} for n in range(3)]
            )
        },
        MatchingQuestion: {
            "pairs": inline_formset(
                [
                    {
                        "left": hostile(f"Prompt {n}", limit=300),
                        "right": hostile(f"Match {n}", limit=300),
                    }
                    for n in range(2)
                ]
            ),
            "distractors": inline_formset([{"text": hostile("Other", limit=300)}]),
        },
    }


def _written(category):
    return {
        **_common(category, "hostile-written", points=2),
        "answer_format": "plain",
        "word_limit": "100",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-description": hostile("Criterion"),
        "criteria-0-max_marks": "2",
        "criteria-0-ORDER": "1",
        "marking_guidance": rich_text(f'<p>Guide <a href="{JS_URL}">x</a></p>'),
        "suggested_answer": hostile("Model answer"),
    }


def test_hostile_questions_are_saved_and_shown_only_as_text(
    trainer_client, trainer, enrolled, module
):
    category = QuestionCategoryFactory(slug="risk", name=hostile("Category")[:100])
    for model, extra in _forms().items():
        url = reverse(model.snippet_viewset.get_url_name("add"))
        data = nested_form_data(
            _common(category, f"hostile-{model.type_name}", **extra)
        )
        response = trainer_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
    url = reverse(WrittenAnswerQuestion.snippet_viewset.get_url_name("add"))
    response = trainer_client.post(url, _written(category))
    assert response.status_code == 302, response.context["form"].errors
    questions = list(Question.objects.order_by("pk"))
    assert len(questions) == 6
    for question in questions:
        assert JS_URL not in question.stem
        assert "<script" not in question.explanation  # kept, escaped, as text
        assert "Explanation" in question.explanation

    # The trainer's own screens: listing, each edit form, each preview.
    pages = [reverse("wagtailsnippets_assessments_question:list")]
    for question in questions:
        viewset = type(question).snippet_viewset
        pages.append(reverse(viewset.get_url_name("edit"), args=[question.pk]))
        pages.append(
            reverse(viewset.get_url_name("preview_on_edit"), args=[question.pk])
        )
    for url in pages:
        response = trainer_client.get(url)
        assert response.status_code < 400, url
        assert_inert(response.content.decode(), where=url)

    # The learner's pages: taking the quiz, then the review with every feedback.
    quiz = make_quiz(
        module=module,
        questions=questions,
        max_attempts=3,
        show_answers="after_attempt",
        title=hostile("Quiz", limit=255),
    )
    client = Client()
    client.force_login(enrolled)
    attempt = services.attempt_start(user=enrolled, quiz=quiz).attempt
    take = reverse("assessments:attempt", args=[attempt.pk])
    html = client.get(take).content.decode()
    assert "Option 0" in html and "Step 1" in html and "Prompt 1" in html
    assert_inert(html, where="on the quiz")
    answers = model_answers(attempt)
    response = client.post(take, {**form_data(attempt, answers), "action": "submit"})
    assert response.status_code == 302
    result = reverse("assessments:result", args=[attempt.pk])
    html = client.get(result).content.decode()
    assert "Feedback 0" in html and "Explanation" in html
    assert_inert(html, where="on the result")

    # Marking: the trainer's feedback reaches the learner as text.
    attempt.refresh_from_db()
    mark = reverse("marking:mark", args=[attempt.pk])
    html = trainer_client.get(mark).content.decode()
    assert "Model answer" in html
    assert_inert(html, where="on the marking screen")
    row = AttemptMarking.objects.get(attempt=attempt)
    written = attempt.items.get(question_type="written")
    criterion = written.answer_key["criteria"][0]["id"]
    response = trainer_client.post(
        mark,
        {
            "version": row.version,
            "action": "release",
            f"m-{written.position}-{criterion}": "2",
            f"f-{written.position}-{criterion}": hostile("Marker says"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    html = client.get(result).content.decode()
    assert "Marker says" in html and "Model answer" in html
    assert_inert(html, where="on the marked result")
    for url in (
        reverse("quiz_statistics:quiz", args=[quiz.pk]),
        reverse("quiz_statistics:index"),
        reverse("marking:index"),
    ):
        response = trainer_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), where=url)


@pytest.mark.parametrize(
    "value",
    [
        "<p>raw</p><script>window.__pwned=1</script>",
        "not json",
        "[1, 2]",
        '{"blocks": "x"}',
        '{"blocks": [1], "entityMap": {}}',
        json.dumps({"blocks": [{"text": "x", "entityRanges": [{"key": 9}]}]}),
    ],
)
def test_a_rich_text_value_no_editor_sends_is_kept_as_text_not_a_500(
    trainer_client, value
):
    category = QuestionCategoryFactory(slug="risk", name="Risk")
    url = reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("add"))
    data = nested_form_data(
        {
            **_common(category, "raw-stem", **_forms()[SingleChoiceQuestion]),
            "stem": value,
        }
    )
    response = trainer_client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        stem = Question.objects.get().stem
        assert "<script" not in stem
    response = trainer_client.get(
        reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("list"))
    )
    assert_inert(response.content.decode())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pass_mark", "abc"),
        ("pass_mark", "1" * 30),
        ("pass_mark", "-5"),
        ("max_attempts", "99999999999999999999"),
        ("draw_count", "1e9"),
        ("time_limit_minutes", "NaN"),
        ("marking_days", "-1"),
        ("title", "x" * 5000),
        ("intro", "<p>x</p><script>window.__pwned=1</script>"),
    ],
)
def test_hostile_quiz_settings_are_refused_or_kept_as_text(
    trainer_client, module, field, value
):
    question = SingleChoiceQuestion.objects.create(
        key="s", stem="<p>S</p>", category=QuestionCategoryFactory(), points=1
    )
    url = reverse("wagtailadmin_pages:add", args=["assessments", "quizpage", module.pk])
    data = nested_form_data(
        {
            "title": "Check",
            "slug": "check",
            "intro": rich_text("<p>Intro</p>"),
            "quiz_questions": inline_formset([{"question": question.pk}]),
            "draw_count": 0,
            "pass_mark": 80,
            "max_attempts": 3,
            "time_limit_minutes": "",
            "marking_days": 5,
            "show_answers": "after_attempt",
            "action-publish": "publish",
        }
    )
    data[field] = value
    response = trainer_client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not QuizPage.objects.filter(slug="check").exists()
        assert_inert(response.content.decode())
    else:
        quiz = QuizPage.objects.get(slug="check")
        assert "<script" not in quiz.intro
        response = trainer_client.get(quiz.url)
        assert response.status_code == 200
        assert_inert(response.content.decode())
