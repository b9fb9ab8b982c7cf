"""Learners in a real browser: review before submit with a blank, an ordering
answer giving a position twice, and the completion page with the certificate."""

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, ModulePage
from tests.e2e.conftest import tab_to
from tests.factories import (
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    make_course,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"
SUMMARY_LINK = re.compile("Question 2: Use each position once")


pytestmark = pytest.mark.usefixtures("signing_key")


@pytest.fixture
def quiz(live_home):
    course = make_course(home=live_home, modules=1, lessons_per_module=0,
                         title="Foundation: IPV-P and substance use")  # fmt: skip
    make_course(home=live_home, modules=1, lessons_per_module=1,
                title="ADVANCE-D group facilitator training")  # fmt: skip
    module = ModulePage.objects.child_of(course).get()
    questions = [SingleChoiceQuestionFactory(), OrderingQuestionFactory()]
    quiz = make_quiz(
        module=module, questions=questions, title="Check your learning", pass_mark=50
    )
    learner = UserFactory(
        email="quiz@example.org", password=PASSWORD, full_name="Zoë Adeyemi"
    )
    Enrolment.objects.create(user=learner, course=course)
    return quiz


def sign_in_and_start(page, quiz_url):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("quiz@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(quiz_url)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="Check your learning")).to_be_visible()


def order(page, positions):
    question = page.get_by_role("group", name="Question 2")
    for step, position in positions.items():
        question.get_by_label(step).select_option(position)


def test_review_before_submit_with_a_blank(browse, quiz):
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        page.get_by_role("group", name="Question 1").get_by_label("A").check()
        page.get_by_role("button", name="Review and submit").click()
        expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
        expect(page.get_by_text("You have answered 1 of 2 questions.")).to_be_visible()
        expect(page.get_by_text("1 question not answered")).to_be_visible()
        # Back to the blank question by its link, answer it, review again.
        page.get_by_role("link", name="Answer question 2").click()
        expect(page).to_have_url(re.compile(r"#question-\d+$"))
        order(page, {"First": "1", "Second": "2", "Third": "3", "Fourth": "4"})
        page.get_by_role("button", name="Review and submit").click()
        expect(page.get_by_text("You have answered 2 of 2 questions.")).to_be_visible()
        expect(page.get_by_text("not answered")).to_have_count(0)
        page.get_by_role("button", name="Submit for marking").click()
        expect(page.get_by_role("heading", name="You have completed")).to_be_visible()

    browse(flow)


def steps_as_shown(question, wanted):
    """The steps among ``wanted`` in the order the page shows them: each attempt
    shows the steps of an ordering question in a random order of its own."""
    shown = question.locator("select").evaluate_all(
        "els => els.map(el => el.labels[0].textContent.trim())"
    )
    return [step for step in shown if step in wanted]


def clash_message(question):
    first, second = steps_as_shown(question, {"First", "Second"})
    return f"position 1 is given to “{first}” and “{second}”", first


def test_duplicate_ordering_positions_are_refused(browse, quiz):
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        question = page.get_by_role("group", name="Question 2")
        message, first_shown = clash_message(question)
        order(page, {"First": "1", "Second": "1"})
        # In the page, as it happens, announced as an alert and describing both steps.
        alert = question.get_by_role("alert")
        expect(alert).to_contain_text("Use each position once")
        expect(alert).to_contain_text(message)
        for step in ("First", "Second"):
            expect(question.get_by_label(step)).to_have_attribute(
                "aria-invalid", "true"
            )
            expect(question.get_by_label(step)).to_have_accessible_description(
                re.compile("Use each position once")
            )
        expect(question.get_by_label("Third")).not_to_have_attribute(
            "aria-invalid", "true"
        )
        expect(page.get_by_role("status")).to_have_text(
            "Question 2 is not saved yet: use each position once."
        )
        # Saving stays on the page, with focus on the first step that clashes.
        page.get_by_role("button", name="Save answers").click()
        expect(question.get_by_label(first_shown)).to_be_focused()
        expect(page.get_by_role("heading", name="There is a problem")).to_have_count(0)
        order(page, {"Second": "2", "Third": "3", "Fourth": "4"})
        expect(question.get_by_text("Use each position once")).to_be_hidden()
        expect(question.get_by_label("First")).not_to_have_attribute(
            "aria-invalid", "true"
        )
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    browse(flow)


def test_duplicate_ordering_positions_by_keyboard(browse, quiz):
    """Keyboard only: type a position into each select, Tab on, Enter to save."""
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        question = page.get_by_role("group", name="Question 2")
        selects = question.locator("select")
        tab_to(page, selects.first)
        page.keyboard.type("1")
        page.keyboard.press("Tab")
        page.keyboard.type("1")
        expect(question.get_by_role("alert")).to_contain_text("Use each position once")
        save = page.get_by_role("button", name="Save answers")
        tab_to(page, save)
        page.keyboard.press("Enter")
        shown = steps_as_shown(question, {"First", "Second", "Third", "Fourth"})
        expect(question.get_by_label(shown[0])).to_be_focused()
        # Put it right from there: the second step gets position 2, and so on.
        page.keyboard.press("Tab")
        for position in "234":
            page.keyboard.type(position)
            page.keyboard.press("Tab")
        expect(question.get_by_role("alert")).to_have_count(0)
        tab_to(page, save)
        page.keyboard.press("Enter")
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    browse(flow)


def test_duplicate_ordering_positions_refused_by_the_server(browse, quiz):
    """A form that reaches the server with a clash (here the page's time-limit
    submit, which skips the in-page check) is refused; the summary takes focus and
    its link leads to the first step that clashes."""
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        question = page.get_by_role("group", name="Question 2")
        message, first_shown = clash_message(question)
        order(page, {"First": "1", "Second": "1", "Third": "3"})
        page.evaluate(
            """() => {
              const form = document.querySelector("form.quiz-sheet");
              const action = document.createElement("input");
              action.type = "hidden"; action.name = "action"; action.value = "save";
              form.appendChild(action);
              form.submit();
            }"""
        )
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_focused()
        expect(question.get_by_text(message)).to_be_visible()
        expect(question.get_by_label("Second")).to_have_value("1")
        expect(question.get_by_label("Third")).to_have_value("3")
        expect(question.get_by_label("Third")).not_to_have_attribute(
            "aria-invalid", "true"
        )
        page.get_by_role("link", name=SUMMARY_LINK).click()
        expect(question.get_by_label(first_shown)).to_be_focused()

    browse(flow)


def test_duplicate_ordering_positions_without_javascript(browse, quiz):
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        question = page.get_by_role("group", name="Question 2")
        message, _ = clash_message(question)
        order(page, {"First": "1", "Second": "1"})
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(question.get_by_text(message)).to_be_visible()
        expect(question.get_by_label("Second")).to_have_value("1")
        expect(question.get_by_label("Second")).to_have_accessible_description(
            re.compile("Use each position once")
        )
        link = page.get_by_role("link", name=SUMMARY_LINK)
        expect(link).to_have_attribute("href", re.compile(r"^#question-\d+$"))
        order(page, {"Second": "2", "Third": "3", "Fourth": "4"})
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()
        expect(question.get_by_text("Use each position once")).to_have_count(0)

    browse(flow, javascript=False)


def test_completion_page_with_certificate_and_linkedin(browse, quiz):
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        page.get_by_role("group", name="Question 1").get_by_label("A").check()
        order(page, {"First": "1", "Second": "2", "Third": "3", "Fourth": "4"})
        page.get_by_role("button", name="Review and submit").click()
        page.get_by_role("button", name="Submit for marking").click()
        expect(
            page.get_by_role("heading", name="You have completed Foundation")
        ).to_be_visible()
        expect(
            page.get_by_role("link", name="Download certificate (PDF)")
        ).to_be_visible()
        link = page.get_by_label("Link for employers to verify it")
        verify_url = link.input_value()
        assert "/verify/" in verify_url
        linkedin = page.get_by_role("link", name="Add to LinkedIn profile")
        href = linkedin.get_attribute("href")
        assert href.startswith("https://www.linkedin.com/profile/add?")
        assert "startTask=CERTIFICATION_NAME" in href
        assert "name=Foundation%3A+IPV-P+and+substance+use" in href
        assert "certUrl=" + quote_plus(verify_url) in href
        page.get_by_role("button", name="Copy link").click()
        expect(page.get_by_text(re.compile("copied", re.I))).to_be_visible()
        # What to take next.
        expect(
            page.get_by_role("link", name="ADVANCE-D group facilitator training")
        ).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download certificate (PDF)").click()
        assert download.value.suggested_filename.endswith(".pdf")

    browse(flow)
