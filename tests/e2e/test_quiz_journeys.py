"""Learners in a real browser: review before submit with a blank, an ordering
answer giving a position twice, and the completion page with the certificate."""

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, ModulePage
from tests.factories import (
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    make_course,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"


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


@pytest.mark.xfail(
    reason="Known defect since the branches merged: the in-page message for a "
    "repeated position does not always appear (issue 9 note); the server refusal "
    "is covered in tests/assessments.",
    strict=False,
)
def test_duplicate_ordering_positions_are_refused(browse, quiz):
    url = quiz.url

    def flow(page):
        sign_in_and_start(page, url)
        question = page.get_by_role("group", name="Question 2")
        order(page, {"First": "1", "Second": "1"})
        # In the page, as it happens (JavaScript)...
        expect(question.get_by_text("Use each position once")).to_be_visible()
        expect(
            question.get_by_text("position 1 is given to “First” and “Second”")
        ).to_be_visible(timeout=15_000)
        # ...and by the server, without JavaScript's help.
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(question.get_by_text("Use each position once")).to_be_visible()
        expect(question.get_by_label("Second")).to_have_value("1")
        order(page, {"Second": "2", "Third": "3", "Fourth": "4"})
        expect(question.get_by_text("Use each position once")).to_be_hidden()
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    browse(flow)


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
