"""A learner takes a quiz with every question type using only the keyboard, in a
real browser (headless Chromium via Playwright), with autosave running."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, ModulePage
from tests.e2e.conftest import tab_to
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    make_course,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def quiz(live_home):
    course = make_course(home=live_home, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).get()
    questions = [
        SingleChoiceQuestionFactory(),
        MultipleResponseQuestionFactory(),
        TrueFalseQuestionFactory(),
        OrderingQuestionFactory(),
        MatchingQuestionFactory(),
    ]
    quiz = make_quiz(module=module, questions=questions, title="Check your learning")
    learner = UserFactory(email="quiz@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    return quiz


def test_keyboard_only_quiz(browse, quiz):
    url = quiz.url  # the ORM is not for the browser's thread (it runs a loop)
    browse(lambda page: take_quiz(page, url))


def take_quiz(page, quiz_url):
    page.goto("/accounts/login/")
    expect(page.get_by_label("Email address")).to_be_focused()  # autofocus
    page.keyboard.type("quiz@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()

    page.goto(quiz_url)
    start = page.get_by_role("button", name="Start the quiz")
    tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your learning")).to_be_visible()
    status = page.locator("#autosave-status")
    expect(status).to_have_text("Your answers are saved as you go.")

    # 1 single choice: A is right.
    tab_to(page, page.get_by_role("radio", name="A").first)
    page.keyboard.press("Space")
    expect(status).to_contain_text("question 1 saved")
    # 2 multiple response: A and B are right.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(status).to_contain_text("question 2 saved")
    # 3 true or false: true (past options C and D of question 2).
    tab_to(page, page.get_by_role("radio", name="True"))
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="True")).to_be_checked()
    # 4 ordering: each step gets its position by typing it into the select.
    positions = {"First": "1", "Second": "2", "Third": "3", "Fourth": "4"}
    selects = page.locator("fieldset").nth(3).locator("select")
    tab_to(page, selects.first)
    for index in range(4):
        label = selects.nth(index).evaluate("el => el.labels[0].textContent.trim()")
        page.keyboard.type(positions[label])
        page.keyboard.press("Tab")
    # 5 matching: type the start of each answer.
    answers = {
        "Checking her phone": "Coe",
        "Keeping her bank card": "Fin",
        "Stopping her seeing family": "Coe",
    }
    selects = page.locator("fieldset").nth(4).locator("select")
    for index in range(3):
        label = selects.nth(index).evaluate("el => el.labels[0].textContent.trim()")
        expect(selects.nth(index)).to_be_focused()
        page.keyboard.type(answers[label])
        page.keyboard.press("Tab")
    expect(status).to_contain_text("question 5 saved")

    review = page.get_by_role("button", name="Review and submit")
    tab_to(page, review)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have answered 5 of 5 questions.")).to_be_visible()
    submit = page.get_by_role("button", name="Submit for marking")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    # The quiz was the course's last step: the completion page, with the score.
    expect(page.get_by_role("heading", name="You have completed")).to_be_visible()
    expect(page.get_by_text("you scored 5 out of 5 (100%).")).to_be_visible()
