"""With learners' own pages kept in the cache (as in production), a real browser
gets them again from the cache, and what it sends from a cached page works and
shows at once: the CSRF token, the reading-time token, the new progress."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, LessonPage, StepCompletion
from tests.factories import UserFactory, make_course
from training.learnercache import HIT_HEADER

PASSWORD = "a-long-passphrase-7"


@pytest.fixture
def course_for(live_home, settings):
    settings.PAGE_CACHE_SECONDS = 300
    course = make_course(home=live_home, modules=1, lessons_per_module=2)
    learner = UserFactory(email="cached@example.org", password=PASSWORD)
    Enrolment.objects.create(user=learner, course=course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    return learner, course, lessons


def _cached(response) -> bool:
    return response.headers.get(HIT_HEADER.lower()) == "hit"


def test_a_cached_lesson_page_marks_complete_and_my_learning_follows(
    browse, course_for
):
    learner, course, (first, second) = course_for
    first_url, second_title, course_title = first.url, second.title, course.title

    def flow(page):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("cached@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        assert _cached(page.reload())
        expect(page.get_by_text("0%").first).to_be_visible()

        page.goto(first_url)
        assert _cached(page.goto(first_url))  # no script: no reading-time report
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("heading", name=second_title, level=1)).to_be_visible()

        response = page.goto("/my-learning/")
        assert not _cached(response)
        card = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=course_title)
        )
        expect(card.get_by_text("50%")).to_be_visible()

    browse(flow, javascript=False)
    assert StepCompletion.objects.filter(user=learner, page=first).exists()
