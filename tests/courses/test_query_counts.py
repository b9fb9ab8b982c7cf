"""Pages run the same number of queries however big the course is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment, LessonPage, StepCompletion
from tests.factories import make_course

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # warm caches that are shared across requests (site root paths)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def small_and_large(home, learner):
    small = make_course(home=home, modules=3, lessons_per_module=2, sequential=True)
    large = make_course(home=home, modules=30, lessons_per_module=3, sequential=True)
    for course in (small, large):
        Enrolment.objects.create(user=learner, course=course)
        first = LessonPage.objects.descendant_of(course).order_by("path").first()
        StepCompletion.objects.create(user=learner, page=first)
    return small, large


def first_lesson(course):
    return LessonPage.objects.descendant_of(course).order_by("path").first()


def test_course_page(learner_client, small_and_large):
    small, large = small_and_large
    assert count_queries(learner_client, small.url) == count_queries(
        learner_client, large.url
    )


def test_module_page(learner_client, small_and_large):
    small, large = small_and_large
    assert count_queries(
        learner_client, small.get_children().first().url
    ) == count_queries(learner_client, large.get_children().first().url)


def test_lesson_page(learner_client, small_and_large):
    small, large = small_and_large
    assert count_queries(learner_client, first_lesson(small).url) == count_queries(
        learner_client, first_lesson(large).url
    )


def test_dashboard(client, home, learner, small_and_large, django_assert_num_queries):
    client.force_login(learner)
    with_two = count_queries(client, reverse("dashboard"))
    for _ in range(3):
        Enrolment.objects.create(user=learner, course=make_course(home=home, modules=5))
    assert count_queries(client, reverse("dashboard")) == with_two


def test_catalogue(client, home, small_and_large):
    before = count_queries(client, home.url)
    make_course(home=home, modules=4)
    assert count_queries(client, home.url) == before
