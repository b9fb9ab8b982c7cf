"""Two trainers releasing marks for one attempt at the same moment, on PostgreSQL.

Run with DATABASE_URL=postgres://... ; on SQLite (no row locks) they are skipped.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from assessments import marking, services
from assessments.models import Attempt, CriterionMark, MarkingState
from assessments.selectors import model_answers
from courses.models import CourseCompletion, Enrolment, ModulePage
from tests.concurrency import ON_POSTGRES, run_together
from tests.factories import (
    UserFactory,
    WrittenAnswerQuestionFactory,
    make_course,
    make_home,
    make_quiz,
)

pytestmark = ON_POSTGRES


def _setup(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    settings.CERTIFICATE_SIGNING_KEY = ""
    course = make_course(home=make_home(), modules=1, lessons_per_module=0)
    quiz = make_quiz(
        module=ModulePage.objects.child_of(course).get(),
        questions=[WrittenAnswerQuestionFactory()],
        pass_mark=50,
    )
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    services.attempt_submit(
        user=learner, attempt=attempt, answers=model_answers(attempt)
    )
    trainers = []
    for name in ("Ada One", "Ben Two", "Cat Three", "Dev Four"):
        trainer = UserFactory(full_name=name)
        trainer.groups.add(Group.objects.get(name="Trainers"))
        trainers.append(trainer)
    return Attempt.objects.get(pk=attempt.pk), trainers


def _marks(attempt, value):
    item = attempt.items.get()
    return {
        (item.position, c["id"]): marking.CriterionInput(marks=str(value))
        for c in item.answer_key["criteria"]
    }


def test_concurrent_releases_from_one_version_keep_exactly_one(settings, tmp_path):
    attempt, trainers = _setup(settings, tmp_path)

    def release_as(trainer, value):
        return lambda: (
            marking.marking_save(
                attempt=attempt,
                trainer=trainer,
                version=0,
                marks=_marks(attempt, value),
                release=True,
            ).marking.released_by_id
        )

    results, errors = run_together(
        *[release_as(t, v) for t, v in zip(trainers, [2, 1, 0, 2], strict=True)]
    )
    assert len(results) == 1
    assert len(errors) == 3
    assert all(isinstance(e, marking.StaleMarking) for e in errors)
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.MARKED
    assert CriterionMark.objects.filter(item__attempt=attempt).count() == 2
    winner = next(t for t in trainers if t.pk == results[0])
    marks = CriterionMark.objects.filter(item__attempt=attempt)
    assert attempt.marking.released_by == winner
    assert attempt.score == sum((m.marks for m in marks), Decimal("0"))
    # A pass completes the course once, whoever won.
    assert CourseCompletion.objects.filter(user_id=attempt.user_id).count() <= 1
