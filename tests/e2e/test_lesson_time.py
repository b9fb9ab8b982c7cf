"""A course asks for a minimum time on each lesson: in a real browser the lesson
says how much longer, holds "Mark as complete", and offers it once the time has
been spent, without a reload."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, LessonPage, LessonTime, StepCompletion
from tests.factories import UserFactory, make_course

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def lessons(live_home):
    # 5% of a one-minute lesson: three seconds, so the test waits only briefly.
    course = make_course(
        home=live_home, modules=1, lessons_per_module=2, lesson_minimum_percent=5
    )
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    for lesson in lessons:
        lesson.minutes = 1
        lesson.save_revision().publish()
    learner = UserFactory(email="reader@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    return learner, lessons


def test_the_lesson_waits_then_offers_mark_as_complete(browse, lessons):
    learner, (first, second) = lessons
    first_url, first_title, second_title = first.url, first.title, second.title

    def flow(page):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("reader@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()

        page.goto(first_url)
        expect(page.get_by_role("heading", name=first_title, level=1)).to_be_visible()
        wait = page.get_by_text(
            "This course asks for at least 3 seconds on this lesson"
        )
        expect(wait).to_be_visible()
        button = page.get_by_role("button", name="Mark as complete")
        # Held, and described by the wait (aria-disabled keeps it focusable).
        expect(button).to_be_disabled()
        expect(button).to_have_accessible_description(
            "This course asks for at least 3 seconds on this lesson before it is "
            "marked complete. You can mark it complete after less than a minute "
            "more of reading."
        )
        page.mouse.wheel(0, 200)  # reading
        expect(button).to_be_enabled(timeout=15_000)
        expect(page.locator("[data-lesson-time-status]")).to_have_text(
            "You can now mark this lesson complete."
        )
        button.click()
        expect(page.get_by_role("heading", name=second_title, level=1)).to_be_visible()

    browse(flow)
    assert StepCompletion.objects.filter(user=learner, page=first).exists()
    assert LessonTime.objects.get(user=learner, lesson=first).seconds >= 3
