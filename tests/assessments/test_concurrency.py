"""Races a learner can cause with two tabs or a double click, on PostgreSQL.

Run with DATABASE_URL=postgres://... ; on SQLite (no row locks) they are skipped.
"""

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Attempt
from assessments.selectors import model_answers
from courses.models import CourseCompletion, Enrolment, LessonPage, ModulePage
from courses.services import lesson_complete
from tests.concurrency import ON_POSTGRES, run_together
from tests.factories import (
    UserFactory,
    make_course,
    make_home,
    make_questions,
    make_quiz,
)

pytestmark = ON_POSTGRES

THREADS = 8


@pytest.fixture
def setup():
    home = make_home()
    course = make_course(home=home, modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    return learner, course, module


def test_concurrent_starts_open_one_attempt(setup):
    learner, _, module = setup
    quiz = make_quiz(module=module, questions=make_questions(5), max_attempts=2)
    results, errors = run_together(
        *[lambda: services.attempt_start(user=learner, quiz=quiz).attempt.pk] * THREADS
    )
    assert not errors
    assert len(set(results)) == 1
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_concurrent_start_and_submit_never_exceed_the_limit(setup):
    learner, _, module = setup
    quiz = make_quiz(module=module, questions=make_questions(3), max_attempts=3)

    def start_and_submit():
        done = 0
        for _ in range(3):
            try:
                attempt = services.attempt_start(user=learner, quiz=quiz).attempt
            except ValidationError:
                break
            services.attempt_submit(user=learner, attempt=attempt)
            done += 1
        return done

    _, errors = run_together(*[start_and_submit] * THREADS)
    assert not errors
    numbers = sorted(
        Attempt.objects.filter(user=learner, quiz=quiz).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]


def test_concurrent_submits_grade_once(setup):
    learner, course, module = setup
    quiz = make_quiz(module=module, questions=make_questions(5))
    lesson_complete(user=learner, lesson=LessonPage.objects.child_of(module).get())
    assert not CourseCompletion.objects.exists()  # the quiz is still to pass
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answers = model_answers(attempt)

    def submit():
        return services.attempt_submit(user=learner, attempt=attempt, answers=answers)

    results, errors = run_together(*[submit] * THREADS)
    assert not errors
    assert sum(result.graded_now for result in results) == 1
    assert {result.attempt.score for result in results} == {5}
    assert {result.attempt.submitted_at for result in results} == {
        Attempt.objects.get(pk=attempt.pk).submitted_at
    }
    assert sum(result.course_completed_now for result in results) == 1
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


def test_autosave_racing_submit_never_changes_a_marked_attempt(setup):
    learner, _, module = setup
    quiz = make_quiz(module=module, questions=make_questions(5))
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answers = model_answers(attempt)
    calls = iter(range(THREADS))

    def save_or_submit():
        if next(calls) == 0:
            return services.attempt_submit(user=learner, attempt=attempt).attempt.score
        try:
            services.answer_save(attempt=attempt, position=1, response=answers[1])
        except services.AttemptClosed:
            return "closed"
        return "saved"

    results, errors = run_together(*[save_or_submit] * THREADS)
    assert not errors
    attempt.refresh_from_db()
    item = attempt.items.get(position=1)
    # Either the save landed before marking (and was marked) or it was refused.
    assert item.score == (1 if item.response is not None else 0)
    assert attempt.score == item.score
