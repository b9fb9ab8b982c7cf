"""A written answer from the learner's keyboard to the trainer's and back: the
learner answers and submits, a trainer marks it from Reports > Marking with the
keyboard only, and the learner sees the feedback and their certificate."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.models import Enrolment, ModulePage
from tests.e2e.conftest import tab_to
from tests.factories import (
    ScenarioFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    WrittenAnswerQuestionFactory,
    make_course,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"
ANSWER = "I would thank him for telling me, ask about his partner's safety."


@pytest.fixture
def quiz(live_home, settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    settings.CERTIFICATE_SIGNING_KEY = ""
    course = make_course(
        home=live_home, modules=1, lessons_per_module=0, title="Foundation"
    )
    module = ModulePage.objects.child_of(course).get()
    written = WrittenAnswerQuestionFactory(
        scenario=ScenarioFactory(title="Dan after a disclosure"), word_limit=60
    )
    quiz = make_quiz(
        module=module,
        questions=[SingleChoiceQuestionFactory(), written],
        title="Final assessment",
        pass_mark=60,
    )
    learner = UserFactory(email="writer@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    trainer = UserFactory(
        email="marker@example.org", password=PASSWORD, full_name="Mo Marker"
    )
    trainer.groups.add(Group.objects.get(name="Trainers"))
    return quiz


def sign_in(page, email, path="/accounts/login/"):
    page.goto(path)
    page.get_by_label("Email address").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_written_answer_marked_with_the_keyboard(browse, quiz):
    quiz_url = quiz.url

    def learner_answers(page):
        sign_in(page, "writer@example.org")
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        page.goto(quiz_url)
        tab_to(page, page.get_by_role("button", name="Start the quiz"))
        page.keyboard.press("Enter")
        tab_to(page, page.get_by_role("radio", name="A").first)
        page.keyboard.press("Space")
        box = page.get_by_label("Your answer to question 2")
        tab_to(page, box)
        page.keyboard.type(ANSWER)
        expect(page.get_by_text("12 of 60 words")).to_be_visible()
        expect(page.locator("#autosave-status")).to_contain_text("question 2 saved")
        tab_to(page, page.get_by_role("button", name="Review and submit"))
        page.keyboard.press("Enter")
        tab_to(page, page.get_by_role("button", name="Submit for marking"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Awaiting marking").first).to_be_visible()
        expect(page.get_by_text("expect your result by")).to_be_visible()

    def trainer_marks(page):
        sign_in(page, "marker@example.org", path="/admin/login/")
        page.wait_for_url("**/admin/")
        page.goto("/admin/reports/marking/")
        expect(page.get_by_text("1 attempt awaiting marking")).to_be_visible()
        mark = page.get_by_role("link", name="Mark Candidate")
        tab_to(page, mark, limit=150)
        page.keyboard.press("Enter")
        expect(page.get_by_text("Case study: Dan after a disclosure")).to_be_visible()
        expect(page.get_by_text(ANSWER)).to_be_visible()
        first = page.get_by_label("Marks for criterion 1 of answer 1")
        tab_to(page, first, limit=150)
        page.keyboard.type("2")
        page.keyboard.press("Tab")
        page.keyboard.type("You put her safety first.")
        page.keyboard.press("Tab")
        page.keyboard.type("1.5")
        page.keyboard.press("Tab")
        page.keyboard.type("Say how you would record it.")
        tab_to(page, page.get_by_role("button", name="Release marks to the learner"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Marks released for Candidate")).to_be_visible()
        expect(page.get_by_text("0 attempts awaiting marking")).to_be_visible()

    def learner_sees(page):
        sign_in(page, "writer@example.org")
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        page.goto(quiz_url)
        tab_to(page, page.get_by_role("link", name="See result of attempt 1"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("You scored 4.50 out of 5 (90%).")).to_be_visible()
        expect(page.get_by_text("Say how you would record it.")).to_be_visible()
        expect(page.get_by_text("You put her safety first.")).to_be_visible()
        page.goto("/my-learning/")
        certificate = page.get_by_role("link", name="Download certificate (PDF)")
        expect(certificate).to_be_visible()

    browse(learner_answers)
    browse(trainer_marks)
    browse(learner_sees)
