"""Trainers in a real browser: add an existing question to a quiz by typing part
of its text into the quiz editor's chooser."""

import pytest
from playwright.sync_api import expect

from assessments.models import QuizQuestion
from courses.models import ModulePage
from tests.factories import (
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    make_course,
    make_questions,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def quiz(live_home):
    from django.contrib.auth.models import Group

    course = make_course(home=live_home, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).get()
    first, *_ = make_questions(30)  # a bank too long to page through
    category = QuestionCategoryFactory(name="After disclosure")
    SingleChoiceQuestionFactory(
        stem="<p>Kerry tells you Dan pushed her into the door frame.</p>",
        key="kerry-door-frame",
        category=category,
    )
    trainer = UserFactory(email="trainer@example.org", password=PASSWORD)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    return make_quiz(module=module, questions=[first], title="Check your learning")


def test_trainer_adds_an_existing_question_by_typing_part_of_it(browse, quiz):
    edit_url = f"/admin/pages/{quiz.pk}/edit/"

    def flow(page):
        page.goto("/admin/login/")
        page.get_by_label("Email address").fill("trainer@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/admin/")
        page.goto(edit_url)
        page.get_by_role("button", name="Add question").click()
        page.get_by_role("button", name="Choose question").last.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Search questions").press_sequentially("door fra")
        result = dialog.get_by_role("link", name="Kerry tells you Dan pushed")
        expect(result).to_be_visible()
        result.click()
        chosen = page.locator("[data-chooser-title]", has_text="Kerry tells you Dan")
        expect(chosen.last).to_be_visible()
        page.get_by_role("button", name="More actions").click()
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("has been published")).to_be_visible()

    browse(flow)
    keys = list(
        QuizQuestion.objects.filter(page__pk=quiz.pk)
        .order_by("sort_order")
        .values_list("question__key", flat=True)
    )
    assert keys[-1] == "kerry-door-frame" and len(keys) == 2
