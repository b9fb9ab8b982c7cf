"""Hostile text typed by a trainer reaches learners and admins as text in a real
browser: no payload runs on the quiz, its review and result, or the admin's edit
form of the question (issue 10, hostile-input pass)."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, ModulePage
from tests.factories import (
    SingleChoiceQuestionFactory,
    UserFactory,
    make_course,
    make_quiz,
)
from tests.hostile import hostile

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def hostile_quiz(live_home):
    course = make_course(home=live_home, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).get()
    question = SingleChoiceQuestionFactory(
        options=[
            (hostile("Right", limit=500), True),
            (hostile("Wrong", limit=500), False),
        ]
    )
    question.options.update(feedback=hostile("Because"))
    quiz = make_quiz(module=module, questions=[question], title="Check")
    learner = UserFactory(email="learner@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    UserFactory(
        email="admin@example.org", password=PASSWORD, is_superuser=True, is_staff=True
    )
    return quiz, question


def sign_in(page, email, path):
    page.goto(path)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def not_run(page):
    assert page.evaluate("typeof window.__pwned") == "undefined", page.url
    # <style>body{display:none}</style> as markup would hide the page.
    expect(page.locator("body")).to_be_visible()


def test_hostile_question_text_runs_nowhere(browse, hostile_quiz):
    quiz, question = hostile_quiz
    quiz_url = quiz.url
    edit_url = f"/admin/snippets/assessments/singlechoicequestion/edit/{question.pk}/"

    def learner(page):
        sign_in(page, "learner@example.org", "/accounts/login/")
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        page.goto(quiz_url)
        page.get_by_role("button", name="Start the quiz").click()
        right = page.get_by_role("radio", name="Right", exact=False)
        expect(right).to_be_visible()
        expect(
            page.get_by_text("<script>window.__pwned=1</script>").first
        ).to_be_visible()
        not_run(page)
        right.check()
        page.get_by_role("button", name="Review and submit").click()
        not_run(page)
        page.get_by_role("button", name="Submit for marking").click()
        expect(page.get_by_role("heading", name="You have completed")).to_be_visible()
        not_run(page)

    def admin(page):
        sign_in(page, "admin@example.org", "/admin/login/")
        page.wait_for_url("**/admin/")
        page.goto(edit_url)
        expect(page.get_by_role("textbox").first).to_be_visible()
        not_run(page)

    browse(learner)
    browse(admin)
