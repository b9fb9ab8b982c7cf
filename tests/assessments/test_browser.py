"""A learner takes a quiz with every question type using only the keyboard, in a
real browser (headless Chromium via Playwright), with autosave running.

The browser runs in a thread of its own: Playwright's sync API refuses to start in
a thread where another sync session (tests/e2e keeps one for the whole run) has its
event loop, and this way the two never meet, whichever runs first.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect, sync_playwright

from courses.models import Enrolment, ModulePage
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    make_course,
    make_home,
    make_quiz,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def quiz(live_server):
    from wagtail.models import Site

    home = make_home()
    Site.objects.filter(is_default_site=True).update(
        hostname=live_server.url.split("//")[1].split(":")[0],
        port=int(live_server.url.rsplit(":", 1)[1]),
    )
    course = make_course(home=home, modules=1, lessons_per_module=0)
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


def in_browser(base_url: str, flow) -> None:
    """Run ``flow(page)`` in headless Chromium, in a thread of its own."""

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(
                    base_url=base_url, viewport={"width": 1200, "height": 900}
                )
                page = context.new_page()
                page.set_default_timeout(10_000)
                flow(page)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def tab_to(tab, locator, limit=60):
    """Press Tab until ``locator`` has focus (as a keyboard user would)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"Could not reach {locator} with Tab")


def test_keyboard_only_quiz(live_server, quiz):
    url = quiz.url  # the ORM is not for the browser's thread (it runs a loop)
    in_browser(live_server.url, lambda page: take_quiz(page, url))


def take_quiz(page, quiz_url):
    page.goto("/accounts/login/")
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

    submit = page.get_by_role("button", name="Submit for marking")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You scored 5 out of 5 (100%).")).to_be_visible()
    expect(page.get_by_text("Passed").first).to_be_visible()
