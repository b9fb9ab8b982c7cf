"""Completing a course is one event, however many requests race to it (PostgreSQL)."""

from functools import partial

import pytest

from courses.models import CourseCompletion, Enrolment, LessonPage, StepCompletion
from courses.services import course_completion_check, lesson_complete
from courses.signals import course_completed
from tests.concurrency import ON_POSTGRES, run_together
from tests.factories import UserFactory, make_course, make_home

pytestmark = ON_POSTGRES


@pytest.fixture
def learner_on_course():
    course = make_course(home=make_home(), modules=2, lessons_per_module=2)
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    return (
        learner,
        course,
        list(LessonPage.objects.descendant_of(course).order_by("path")),
    )


@pytest.fixture
def completions_sent():
    sent = []

    def receiver(sender, completion, **kwargs):
        sent.append(completion.pk)

    course_completed.connect(receiver, dispatch_uid="test-completions-sent")
    yield sent
    course_completed.disconnect(dispatch_uid="test-completions-sent")


def test_last_lessons_completed_at_once_record_one_completion(
    learner_on_course, completions_sent
):
    learner, course, lessons = learner_on_course
    for lesson in lessons[:-2]:
        lesson_complete(user=learner, lesson=lesson)
    _, errors = run_together(
        *[
            partial(lesson_complete, user=learner, lesson=lesson)
            for lesson in lessons[-2:]
        ]
    )
    assert errors == []
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1
    assert len(completions_sent) == 1


def test_double_click_on_the_last_lesson_records_it_once(
    learner_on_course, completions_sent
):
    learner, course, lessons = learner_on_course
    for lesson in lessons[:-1]:
        lesson_complete(user=learner, lesson=lesson)
    results, errors = run_together(
        *[partial(lesson_complete, user=learner, lesson=lessons[-1])] * 6
    )
    assert errors == []
    assert sum(result.created for result in results) == 1
    assert sum(result.course_completed_now for result in results) == 1
    assert StepCompletion.objects.filter(user=learner, page=lessons[-1]).count() == 1
    assert len(completions_sent) == 1


def test_many_completion_checks_at_once_send_one_event(
    learner_on_course, completions_sent
):
    learner, course, lessons = learner_on_course
    StepCompletion.objects.bulk_create(
        StepCompletion(user=learner, page=lesson) for lesson in lessons
    )
    results, errors = run_together(
        *[partial(course_completion_check, user=learner, course=course)] * 8
    )
    assert errors == []
    assert sum(created for _, created in results) == 1
    assert len(completions_sent) == 1
