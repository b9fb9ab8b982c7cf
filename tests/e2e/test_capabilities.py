"""A learner rates their capabilities from the course page in a real browser and
sees the ratings beside their quiz results on "My capabilities"."""

import os

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Capability
from assessments.selectors import model_answers
from courses.models import Enrolment, ModulePage
from tests.e2e.conftest import PHONE
from tests.factories import UserFactory, make_course, make_questions, make_quiz

PASSWORD = "a-long-passphrase-7"
SHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.fixture
def course_url(live_home):
    course = make_course(
        home=live_home, title="Foundation course", modules=1, lessons_per_module=2
    )
    module = ModulePage.objects.child_of(course).get()
    quiz = make_quiz(
        module=module,
        questions=make_questions(2, capability=Capability.KNOWLEDGE)
        + make_questions(2, capability=Capability.SKILLS),
        max_attempts=3,
    )
    learner = UserFactory(email="rate@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answers = model_answers(attempt)
    services.answers_save(
        attempt=attempt,
        answers={p: a for p, a in answers.items() if p <= 2},  # knowledge right
    )
    services.attempt_submit(user=learner, attempt=attempt)
    return course.url


def rate_and_review(page, course_url):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("rate@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_role("link", name="My capabilities")).to_be_visible()

    page.goto(course_url)
    page.get_by_role("link", name="Rate your capabilities").click()
    expect(page.get_by_role("heading", name="Rate your capabilities")).to_be_visible()
    # Saving with nothing chosen is refused by the browser (required radios).
    page.get_by_role("radio", name="3. Confident").first.check()
    for name, level in [
        ("Attitudes and values", "2. Developing"),
        ("Ethical practice", "3. Confident"),
        ("Skills", "4. Able to support others"),
        ("Reflection and professional development", "1. Starting out"),
    ]:
        page.get_by_role("group", name=name).get_by_role("radio", name=level).check()
    expect(
        page.get_by_label("Share my ratings with my organisation's manager")
    ).not_to_be_checked()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/rate.png", full_page=True)
    page.get_by_role("button", name="Save my ratings").click()

    expect(page.get_by_text("Your self-assessment is saved.")).to_be_visible()
    table = page.get_by_role("table", name="By area")
    knowledge = table.get_by_role("row", name="Knowledge")
    expect(knowledge).to_contain_text("3 of 4")
    expect(knowledge).to_contain_text("100%")
    skills = table.get_by_role("row", name="Skills")
    expect(skills).to_contain_text("4 of 4")
    expect(skills).to_contain_text("0%")
    expect(page.get_by_role("heading", name="Area to work on: Skills")).to_be_visible()
    expect(page.get_by_role("img", name="self-rating")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/mine.png", full_page=True)

    page.goto(course_url)
    expect(page.get_by_role("link", name="Rate your capabilities")).to_have_count(0)


def test_self_assessment_beside_quiz_results(browse, course_url):
    browse(lambda page: rate_and_review(page, course_url))


def test_my_capabilities_on_a_phone(browse, course_url):
    def flow(page):
        rate_and_review(page, course_url)
        page.goto("/my-capabilities/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/phone.png", full_page=True)

    browse(flow, viewport=PHONE, is_mobile=True)
