"""Starting, answering and submitting attempts: the rules the services keep."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, ChoiceOption, Question, ShowAnswers, entry_id
from assessments.selectors import (
    attempt_review,
    best_score,
    has_passed,
    model_answers,
    passed_quiz_ids,
    personal_data,
    quiz_overview,
)
from courses.models import CourseCompletion, Enrolment, LessonPage, ModulePage
from courses.selectors import course_progress
from courses.services import lesson_complete
from tests.assessments.conftest import wrong_answers
from tests.factories import (
    QuestionCategoryFactory,
    ScenarioFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    make_course,
    make_questions,
    make_quiz,
)
from training.services import user_data_export


def start(user, quiz, **kwargs):
    return services.attempt_start(user=user, quiz=quiz, **kwargs).attempt


def test_start_freezes_questions_and_resumes_the_open_attempt(enrolled, quiz):
    first = services.attempt_start(user=enrolled, quiz=quiz)
    assert first.created and first.attempt.number == 1
    assert first.attempt.items.count() == 5
    assert first.attempt.max_score == 5
    again = services.attempt_start(user=enrolled, quiz=quiz)
    assert not again.created and again.attempt.pk == first.attempt.pk


def test_start_needs_enrolment(learner, quiz):
    with pytest.raises(PermissionDenied):
        start(learner, quiz)
    assert not Attempt.objects.exists()


def test_start_refused_while_module_is_locked(home):
    course = make_course(home=home, modules=2, lessons_per_module=1, sequential=True)
    second = ModulePage.objects.child_of(course).order_by("path").last()
    quiz = make_quiz(module=second, questions=make_questions(2))
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    with pytest.raises(PermissionDenied, match="not open"):
        start(learner, quiz)


def test_attempt_limit(enrolled, quiz):
    for _ in range(3):
        attempt = start(enrolled, quiz)
        services.attempt_submit(user=enrolled, attempt=attempt)
    with pytest.raises(ValidationError, match="all 3 attempts"):
        start(enrolled, quiz)
    assert Attempt.objects.filter(user=enrolled).count() == 3


def test_answer_save_keeps_answers_and_refuses_bad_ones(enrolled, quiz):
    attempt = start(enrolled, quiz)
    right = model_answers(attempt)
    services.answer_save(attempt=attempt, position=1, response=right[1])
    with pytest.raises(ValidationError):
        services.answer_save(attempt=attempt, position=1, response=["o999999"])
    with pytest.raises(ValidationError, match="no question 99"):
        services.answer_save(attempt=attempt, position=99, response="x")
    item = attempt.items.get(position=1)
    assert item.response == right[1] and item.saved_at is not None


def test_option_from_another_question_is_refused(enrolled, quiz):
    attempt = start(enrolled, quiz)
    item = attempt.items.get(question_type="single_choice")
    foreign = ChoiceOption.objects.exclude(question=item.question).first()
    with pytest.raises(ValidationError, match="not part of this question"):
        services.answer_save(
            attempt=attempt, position=item.position, response=entry_id("o", foreign)
        )


def test_submit_grades_once(enrolled, quiz):
    attempt = start(enrolled, quiz)
    first = services.attempt_submit(
        user=enrolled, attempt=attempt, answers=model_answers(attempt)
    )
    assert first.graded_now and first.attempt.passed
    assert first.attempt.score == 5 and first.attempt.percent == 100
    second = services.attempt_submit(
        user=enrolled, attempt=attempt, answers=wrong_answers(attempt)
    )
    assert not second.graded_now
    assert second.attempt.score == 5
    assert second.attempt.submitted_at == first.attempt.submitted_at
    with pytest.raises(services.AttemptClosed):
        services.answer_save(attempt=attempt, position=1, response=None)


def test_wrong_answers_score_nothing(enrolled, quiz):
    attempt = start(enrolled, quiz)
    result = services.attempt_submit(
        user=enrolled, attempt=attempt, answers=wrong_answers(attempt)
    )
    assert result.attempt.score == 0 and not result.attempt.passed


def test_only_the_owner_submits(enrolled, quiz):
    attempt = start(enrolled, quiz)
    with pytest.raises(PermissionDenied):
        services.attempt_submit(user=UserFactory(), attempt=attempt)


def test_pass_mark_is_compared_exactly(enrolled, module):
    quiz = make_quiz(module=module, questions=make_questions(5), pass_mark=80)
    attempt = start(enrolled, quiz)
    answers = model_answers(attempt)
    answers.pop(5)  # 4 of 5 = 80%: a pass
    assert services.attempt_submit(user=enrolled, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.percent == 80 and attempt.passed


def test_time_limit_late_submit_marks_only_answers_saved_in_time(enrolled, module):
    quiz = make_quiz(module=module, questions=make_questions(5), time_limit_minutes=10)
    now = timezone.now()
    attempt = start(enrolled, quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=10)
    right = model_answers(attempt)
    services.answer_save(
        attempt=attempt, position=1, response=right[1], now=now + timedelta(minutes=5)
    )
    late = now + timedelta(minutes=11)
    with pytest.raises(services.AttemptClosed, match="time"):
        services.answer_save(attempt=attempt, position=2, response=right[2], now=late)
    result = services.attempt_submit(
        user=enrolled, attempt=attempt, answers=right, now=late
    )
    assert result.late and result.attempt.score == 1
    assert attempt.items.get(position=2).response is None


def test_expired_open_attempt_is_marked_when_the_next_starts(enrolled, module):
    quiz = make_quiz(module=module, questions=make_questions(2), time_limit_minutes=5)
    now = timezone.now()
    first = start(enrolled, quiz, now=now)
    result = services.attempt_start(
        user=enrolled, quiz=quiz, now=now + timedelta(minutes=6)
    )
    assert result.created and result.expired.pk == first.pk
    first.refresh_from_db()
    assert not first.is_open and first.score == 0
    assert result.attempt.number == 2


def test_editing_or_deleting_questions_never_changes_a_past_attempt(enrolled, quiz):
    attempt = start(enrolled, quiz)
    answers = model_answers(attempt)
    item = attempt.items.get(question_type="single_choice")
    question = item.question
    # An edit between start and submit: the learner is marked on what they saw.
    right = question.options.get(is_correct=True)
    wrong = question.options.filter(is_correct=False).first()
    right.is_correct, wrong.is_correct = False, True
    right.save()
    wrong.save()
    question.stem = "<p>Rewritten</p>"
    question.save()
    services.attempt_submit(user=enrolled, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.score == 5
    review_before = attempt_review(attempt=attempt, show_answers=True)
    Question.objects.filter(
        pk__in=[i.question_id for i in attempt.items.all()]
    ).delete()
    attempt.refresh_from_db()
    review_after = attempt_review(attempt=attempt, show_answers=True)
    assert attempt.score == 5 and attempt.items.count() == 5
    assert [q.stem for q in review_after.questions] == [
        q.stem for q in review_before.questions
    ]
    assert "Rewritten" not in str([q.stem for q in review_after.questions])
    assert all(q.score == q.points for q in review_after.questions)


def test_quiz_pass_mark_change_does_not_change_past_result(enrolled, quiz):
    attempt = start(enrolled, quiz)
    answers = model_answers(attempt)
    answers.pop(1)
    services.attempt_submit(user=enrolled, attempt=attempt, answers=answers)
    quiz.pass_mark = 100
    quiz.save()
    attempt.refresh_from_db()
    assert attempt.passed and attempt.pass_mark == 80


def test_passing_the_last_quiz_completes_the_course(home):
    course = make_course(home=home, modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    quiz = make_quiz(module=module, questions=make_questions(3))
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    lesson_complete(user=learner, lesson=LessonPage.objects.child_of(module).get())
    progress = course_progress(course=course, user=learner)
    assert not progress.all_required_done
    assert [s.kind for s in progress.modules[0].steps] == ["lesson", "quiz"]

    failed = start(learner, quiz)
    services.attempt_submit(user=learner, attempt=failed, answers=wrong_answers(failed))
    assert not CourseCompletion.objects.filter(user=learner).exists()

    attempt = start(learner, quiz)
    result = services.attempt_submit(
        user=learner, attempt=attempt, answers=model_answers(attempt)
    )
    assert result.course_completed_now
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    progress = course_progress(course=course, user=learner)
    assert progress.complete and progress.modules[0].steps[1].done
    assert ("quiz passed", 1, 1) in progress.counts()  # one quiz, not "quizzes"


def test_pass_selectors(enrolled, quiz, module):
    other = make_quiz(module=module, questions=make_questions(1))
    assert passed_quiz_ids(enrolled, [quiz.pk, other.pk]) == set()
    failed = start(enrolled, quiz)
    services.attempt_submit(user=enrolled, attempt=failed)
    assert not has_passed(enrolled, quiz)
    passed = start(enrolled, quiz)
    services.attempt_submit(
        user=enrolled, attempt=passed, answers=model_answers(passed)
    )
    assert has_passed(enrolled, quiz)
    assert passed_quiz_ids(enrolled, [quiz.pk, other.pk]) == {quiz.pk}
    assert best_score(user=enrolled, quiz=quiz) == 100
    overview = quiz_overview(user=enrolled, quiz=quiz)
    assert overview.best.pk == passed.pk and overview.attempts_left == 1


def test_random_draw_fixed_first_no_repeats(enrolled, module):
    bank = QuestionCategoryFactory(slug="bank")
    fixed = [TrueFalseQuestionFactory(category=bank) for _ in range(2)]
    pool = [SingleChoiceQuestionFactory(category=bank) for _ in range(6)]
    SingleChoiceQuestionFactory()  # another category: never drawn
    quiz = make_quiz(module=module, questions=fixed, draw_count=3)
    quiz.draw_categories.set([bank])
    quiz.save()
    seen = set()
    for seed in range(3):
        attempt = start(enrolled, quiz, rng=random.Random(seed))
        ids = [item.question_id for item in attempt.items.order_by("position")]
        assert ids[:2] == [q.pk for q in fixed]
        assert len(set(ids)) == 5
        assert set(ids[2:]) <= {q.pk for q in pool}
        seen |= set(ids[2:])
        services.attempt_submit(user=enrolled, attempt=attempt)
    assert len(seen) > 3  # different draws in different attempts


def test_questions_sharing_a_scenario_stay_together(enrolled, module):
    scenario = ScenarioFactory()
    shared = [TrueFalseQuestionFactory(scenario=scenario) for _ in range(3)]
    others = [TrueFalseQuestionFactory() for _ in range(4)]
    quiz = make_quiz(
        module=module,
        questions=[
            others[0],
            shared[0],
            others[1],
            shared[1],
            others[2],
            shared[2],
            others[3],
        ],
        shuffle_questions=True,
    )
    attempt = start(enrolled, quiz, rng=random.Random(4))
    order = [item.question_id for item in attempt.items.order_by("position")]
    positions = sorted(order.index(q.pk) for q in shared)
    assert positions == list(range(positions[0], positions[0] + 3))


def test_shuffled_options_are_kept_for_the_attempt(enrolled, module):
    question = SingleChoiceQuestionFactory(options=[(str(i), i == 0) for i in range(8)])
    quiz = make_quiz(module=module, questions=[question], shuffle_options=True)
    attempt = start(enrolled, quiz, rng=random.Random(1))
    shown = [o["text"] for o in attempt.items.get().presented["options"]]
    assert shown != [str(i) for i in range(8)]
    resumed = start(enrolled, quiz)
    assert [o["text"] for o in resumed.items.get().presented["options"]] == shown


def test_show_answers_rule(enrolled, module):
    quiz = make_quiz(
        module=module, questions=make_questions(2), show_answers=ShowAnswers.AFTER_PASS
    )
    attempt = start(enrolled, quiz)
    services.attempt_submit(user=enrolled, attempt=attempt)
    assert not quiz_overview(user=enrolled, quiz=quiz).answers_visible
    attempt = start(enrolled, quiz)
    services.attempt_submit(
        user=enrolled, attempt=attempt, answers=model_answers(attempt)
    )
    assert quiz_overview(user=enrolled, quiz=quiz).answers_visible
    quiz.show_answers = ShowAnswers.NEVER
    assert not quiz_overview(user=enrolled, quiz=quiz).answers_visible


def test_personal_data_export(enrolled, quiz):
    attempt = start(enrolled, quiz)
    services.attempt_submit(
        user=enrolled, attempt=attempt, answers=model_answers(attempt)
    )
    data = personal_data(user=enrolled)["quiz_attempts"]
    assert data[0]["quiz"] == quiz.title and data[0]["passed"] is True
    assert len(data[0]["answers"]) == 5
    assert all(answer["answer"] for answer in data[0]["answers"])
    assert "quiz_attempts" in user_data_export(user=enrolled)
