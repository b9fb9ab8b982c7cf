"""Enrolling, opening lessons, marking them complete, reflections, the dashboard."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import (
    CourseCompletion,
    Enrolment,
    LessonPage,
    ReflectionAnswer,
    StepCompletion,
)
from tests.factories import LessonPageFactory, ModulePageFactory, UserFactory

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def test_course_page_offers_enrol_button(learner_client, course):
    html = learner_client.get(course.url).content.decode()
    assert "Enrol on this course" in html


def test_anonymous_visitor_is_asked_to_sign_in(client, course):
    html = client.get(course.url).content.decode()
    assert "Sign in to enrol" in html


def test_enrol_once_even_when_clicked_twice(learner_client, learner, course):
    url = reverse("course_enrol", args=[course.pk])
    first = learner_client.post(url, follow=True)
    second = learner_client.post(url, follow=True)
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1
    assert "You are enrolled" in first.content.decode()
    assert "already enrolled" in second.content.decode()
    assert "Continue" in second.content.decode()


def test_enrol_needs_post_and_a_real_course(learner_client, course):
    assert (
        learner_client.get(reverse("course_enrol", args=[course.pk])).status_code == 405
    )
    assert (
        learner_client.post(reverse("course_enrol", args=[999999])).status_code == 404
    )


def test_enrol_without_csrf_is_refused(learner, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("course_enrol", args=[course.pk]))
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_unpublished_course_cannot_be_enrolled(learner_client, course):
    course.unpublish()
    response = learner_client.post(reverse("course_enrol", args=[course.pk]))
    assert response.status_code == 404


def test_lesson_access(client, learner, course):
    lesson = lessons(course)[0]
    assert client.get(lesson.url).status_code == 302  # anonymous: sign in first
    client.force_login(learner)
    refused = client.get(lesson.url)
    assert refused.status_code == 403
    assert "Enrol on this course" in refused.content.decode()
    Enrolment.objects.create(user=learner, course=course)
    assert client.get(lesson.url).status_code == 200


def test_missing_lesson_is_404(enrolled_client):
    assert enrolled_client.get("/no-such-course/nope/").status_code == 404
    url = reverse("lesson_complete", args=[424242])
    assert enrolled_client.post(url).status_code == 404


def test_marking_complete_records_once_and_moves_on(enrolled_client, enrolled, course):
    first, second = lessons(course)[:2]
    url = reverse("lesson_complete", args=[first.pk])
    response = enrolled_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == second.url
    enrolled_client.post(url)
    completions = StepCompletion.objects.filter(user=enrolled, page=first)
    assert completions.count() == 1
    assert completions.get().completed_at is not None
    html = enrolled_client.get(first.url).content.decode()
    assert "You completed this lesson" in html


def test_not_enrolled_cannot_complete_a_lesson(learner_client, learner, course):
    lesson = lessons(course)[0]
    learner_client.post(reverse("lesson_complete", args=[lesson.pk]))
    assert not StepCompletion.objects.filter(user=learner).exists()


def test_completing_every_lesson_completes_the_course(
    enrolled_client, enrolled, course
):
    for lesson in lessons(course):
        response = enrolled_client.post(
            reverse("lesson_complete", args=[lesson.pk]), follow=True
        )
    # The last lesson lands on the completion page.
    assert response.redirect_chain[-1][0] == f"/courses/{course.pk}/completed/"
    assert f"You have completed {course.title}" in response.content.decode()
    completion = CourseCompletion.objects.get(user=enrolled, course=course)
    assert completion.completed_at
    html = enrolled_client.get(course.url).content.decode()
    assert "You completed this course on" in html
    assert f'href="/courses/{course.pk}/completed/">See your certificate' in html


def test_the_completion_page_is_only_for_a_completed_course(enrolled_client, course):
    response = enrolled_client.get(f"/courses/{course.pk}/completed/")
    assert response.status_code == 302 and response["Location"] == course.url


def _reflective_lesson(course):
    module = course.get_children().first()
    return LessonPageFactory(
        parent=module,
        body=[{"type": "reflection", "value": {"prompt": "What stops you asking?"}}],
    )


def test_reflection_is_saved_privately(enrolled_client, enrolled, course):
    lesson = _reflective_lesson(course)
    block_id = lesson.body[0].id
    url = reverse("reflection_save", args=[lesson.pk, block_id])
    enrolled_client.post(url, {"text": "Time, mostly."})
    enrolled_client.post(url, {"text": "Time, and fear of making it worse."})
    answer = ReflectionAnswer.objects.get(user=enrolled)
    assert answer.text == "Time, and fear of making it worse."
    assert "fear of making it worse" in enrolled_client.get(lesson.url).content.decode()

    other = UserFactory()
    Enrolment.objects.create(user=other, course=course)
    enrolled_client.force_login(other)
    assert (
        "fear of making it worse"
        not in enrolled_client.get(lesson.url).content.decode()
    )


def test_reflection_problems_keep_the_text(enrolled_client, course):
    lesson = _reflective_lesson(course)
    too_long = "x" * 10_001
    url = reverse("reflection_save", args=[lesson.pk, lesson.body[0].id])
    response = enrolled_client.post(url, {"text": too_long})
    assert response.status_code == 400
    assert too_long in response.content.decode()
    bogus = reverse("reflection_save", args=[lesson.pk, "not-a-block"])
    assert enrolled_client.post(bogus, {"text": "hi"}).status_code == 400
    assert not ReflectionAnswer.objects.exists()


def test_dashboard_shows_progress_and_continue(enrolled_client, enrolled, course):
    all_lessons = lessons(course)
    for lesson in all_lessons[:3]:
        StepCompletion.objects.create(user=enrolled, page=lesson)
    html = enrolled_client.get(reverse("dashboard")).content.decode()
    assert course.title in html
    assert "75% complete" in html
    assert "3 of 4 lessons complete" in html
    assert f'href="{all_lessons[3].url}"' in html
    assert "Continue" in html


def test_dashboard_without_enrolments_points_to_catalogue(learner_client):
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "not enrolled on any course" in html


def test_sequential_course_locks_later_modules(enrolled_client, enrolled, course):
    course.sequential = True
    course.save_revision().publish()
    first_module_lessons = lessons(course)[:2]
    locked_lesson = lessons(course)[2]
    response = enrolled_client.get(locked_lesson.url)
    assert response.status_code == 403
    assert "Complete “" in response.content.decode()
    for lesson in first_module_lessons:
        enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    assert enrolled_client.get(locked_lesson.url).status_code == 200


def test_optional_module_is_not_needed(enrolled_client, enrolled, course):
    extra = ModulePageFactory(parent=course, optional=True)
    LessonPageFactory(parent=extra)
    for lesson in lessons(course):
        if lesson.get_parent().pk != extra.pk:
            enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    assert CourseCompletion.objects.filter(user=enrolled, course=course).exists()


def test_completion_stays_after_the_course_grows(enrolled_client, enrolled, course):
    for lesson in lessons(course):
        enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    LessonPageFactory(parent=course.get_children().first())
    html = enrolled_client.get(course.url).content.decode()
    assert "You completed this course on" in html
    assert CourseCompletion.objects.filter(user=enrolled).count() == 1


def test_locked_module_names_the_module_just_before_it(enrolled, home):
    from courses.selectors import course_progress
    from tests.factories import make_course

    course = make_course(home=home, modules=3, lessons_per_module=1, sequential=True)
    progress = course_progress(course=course, user=enrolled)
    first, second, third = progress.modules
    assert not first.locked
    assert second.locked and second.blocked_by.pk == first.page.pk
    assert third.locked and third.blocked_by.pk == second.page.pk
    assert progress.next_step.page.pk == first.steps[0].page.pk


@pytest.mark.parametrize(
    "url",
    [
        "/courses/9223372036854775808/enrol/",
        "/lessons/100000000000000000000000000000/complete/",
        "/quizzes/9223372036854775808/start/",
    ],
)
def test_absurd_ids_are_not_found(enrolled_client, url):
    assert enrolled_client.post(url).status_code == 404


def test_a_reflection_is_never_erased_by_a_request_without_text(
    enrolled_client, enrolled, course
):
    lesson = _reflective_lesson(course)
    url = reverse("reflection_save", args=[lesson.pk, lesson.body[0].id])
    enrolled_client.post(url, {"text": "Something I want to keep."})
    response = enrolled_client.post(
        url, data='{"text": "j"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert enrolled_client.post(url, {}).status_code == 400
    assert enrolled_client.post(url, {"text": "a\x00b"}).status_code == 400
    assert (
        ReflectionAnswer.objects.get(user=enrolled).text == "Something I want to keep."
    )


def _completing_queries(home, *, modules: int, lessons_per_module: int):
    """Queries of the request that marks a course's last lesson complete, and
    where it leads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_course

    course = make_course(
        home=home, modules=modules, lessons_per_module=lessons_per_module
    )
    user = UserFactory()
    Enrolment.objects.create(user=user, course=course)
    *earlier, last = lessons(course)
    StepCompletion.objects.bulk_create(
        StepCompletion(user=user, page=lesson) for lesson in earlier
    )
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.post(reverse("lesson_complete", args=[last.pk]))
    assert response["Location"] == f"/courses/{course.pk}/completed/"
    assert CourseCompletion.objects.filter(user=user, course=course).exists()
    return len(context.captured_queries)


def test_completing_a_course_costs_the_same_queries_however_large_it_is(home):
    # The first completion also records the site's issuer settings, once.
    _completing_queries(home, modules=1, lessons_per_module=1)
    small = _completing_queries(home, modules=1, lessons_per_module=1)
    large = _completing_queries(home, modules=4, lessons_per_module=5)
    assert large == small
