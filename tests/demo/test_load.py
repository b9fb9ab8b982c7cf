"""Loading the demo: everything arrives, twice adds nothing, and the foundation
course can be completed end to end with its quizzes passed."""

import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Attempt, Question, QuizPage
from assessments.selectors import model_answers
from assessments.services import attempt_start, attempt_submit
from certificates.models import Certificate
from courses.models import (
    CourseCompletion,
    CoursePage,
    LessonPage,
    LessonTime,
    ModulePage,
)
from courses.selectors import course_progress
from courses.services import LessonTooSoon, enrolment_create, lesson_complete
from tests.factories import UserFactory
from training.models import User

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", force=True, root=DEMO, stdout=io.StringIO())


def full_marks(attempt):
    """A trainer releases full marks for an attempt's written answers, if any."""
    from assessments.marking import CriterionInput, marking_save, written_items
    from assessments.models import AttemptMarking

    attempt.refresh_from_db()
    if not attempt.awaiting_marking:
        return attempt
    marks = {
        (item.position, c["id"]): CriterionInput(marks=c["max_marks"])
        for item in written_items(attempt)
        for c in item.answer_key["criteria"]
    }
    return marking_save(
        attempt=attempt,
        trainer=User.objects.get(email="trainer@example.org"),
        version=AttemptMarking.objects.get(attempt=attempt).version,
        marks=marks,
        release=True,
    ).attempt


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            CoursePage, ModulePage, LessonPage, QuizPage, Question, User,
            CourseCompletion, Certificate, Attempt,
        )
    }  # fmt: skip


def test_demo_loads_once_and_the_foundation_course_can_be_completed(settings):
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    assert first["CoursePage"] == 3
    assert first["QuizPage"] >= 10
    assert first["Question"] >= 60
    assert first["Certificate"] >= 3
    assert {"learner@example.org", "trainer@example.org", "admin@example.org"} <= set(
        User.objects.values_list("email", flat=True)
    )

    foundation = CoursePage.objects.get(slug="foundation")
    # The foundation course asks for half of each lesson's reading time, and the
    # demo learners' histories include that time.
    assert foundation.lesson_minimum_percent == 50
    assert LessonTime.objects.filter(lesson__path__startswith=foundation.path).exists()
    learner = UserFactory(full_name="Test Learner")
    enrolment_create(user=learner, course=foundation)
    rng = random.Random(7)
    for module in course_progress(course=foundation, user=learner).modules:
        for step in module.steps:
            if isinstance(step.page, LessonPage):
                with pytest.raises(LessonTooSoon):
                    lesson_complete(user=learner, lesson=step.page)
                LessonTime.objects.create(
                    user=learner, lesson=step.page, seconds=step.page.minutes * 30
                )
                lesson_complete(user=learner, lesson=step.page)
            else:
                attempt = attempt_start(user=learner, quiz=step.page, rng=rng).attempt
                attempt_submit(
                    user=learner, attempt=attempt, answers=model_answers(attempt)
                )
                passed = full_marks(attempt).passed
                assert passed, f"{step.page.title} cannot be passed"
    progress = course_progress(course=foundation, user=learner)
    assert progress.complete
    assert Certificate.objects.filter(user=learner, course=foundation).exists()


def test_every_quiz_can_be_passed_with_its_model_answers():
    load_demo()
    learner = UserFactory()
    rng = random.Random(11)
    for course in CoursePage.objects.all():
        enrolment_create(user=learner, course=course)
        course.sequential = False  # reach every quiz without working through lessons
        course.save(update_fields=["sequential"])
    for quiz in QuizPage.objects.live():
        attempt = attempt_start(user=learner, quiz=quiz, rng=rng).attempt
        assert attempt.items.exists(), f"{quiz.title} draws no questions"
        attempt_submit(user=learner, attempt=attempt, answers=model_answers(attempt))
        assert full_marks(attempt).percent >= quiz.pass_mark, quiz.title
