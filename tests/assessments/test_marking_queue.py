"""Reports > Marking: the queue (permissions, order, filters, counts, fixed query
counts) and the marking screen (anonymous by default, draft, release, refusals);
written answers in quiz statistics and in a learner's record."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import (
    Attempt,
    AttemptMarking,
    AttemptQuestion,
    AttemptStatus,
    MarkingState,
)
from assessments.selectors import model_answers
from courses.models import Enrolment, ModulePage
from tests.factories import (
    ScenarioFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    WrittenAnswerQuestionFactory,
    make_course,
    make_home,
    make_quiz,
)
from training.models import User

QUEUE = reverse("marking:index")


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    settings.CERTIFICATE_SIGNING_KEY = ""
    home = make_home()
    course = make_course(home=home, modules=1, lessons_per_module=0, title="Found")
    module = ModulePage.objects.child_of(course).get()
    scenario = ScenarioFactory(title="Dan after a disclosure")
    written = WrittenAnswerQuestionFactory(scenario=scenario)
    quiz = make_quiz(
        module=module,
        questions=[SingleChoiceQuestionFactory(), written],
        pass_mark=60,
        title="Final assessment",
    )
    other_course = make_course(home=home, modules=1, lessons_per_module=0)
    other_quiz = make_quiz(
        module=ModulePage.objects.child_of(other_course).get(),
        questions=[WrittenAnswerQuestionFactory()],
        title="Other assessment",
    )
    return {"course": course, "quiz": quiz, "other_quiz": other_quiz}


def submitted(quiz, *, name="Lee Learner", organisation="Riverside Recovery"):
    learner = UserFactory(full_name=name, organisation=organisation)
    Enrolment.objects.create(user=learner, course=quiz.course())
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answers = model_answers(attempt)
    item = attempt.items.get(question_type="written")
    answers[item.position] = "I would thank him, ask about safety and record it."
    services.attempt_submit(user=learner, attempt=attempt, answers=answers)
    return Attempt.objects.get(pk=attempt.pk)


def test_the_queue_needs_the_marking_permission(setup, client):
    learner = UserFactory()
    client.force_login(learner)
    assert client.get(QUEUE).status_code in (302, 403)
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get(QUEUE).status_code in (302, 403)


def test_queue_lists_oldest_first_anonymously_with_counts(setup, trainer_client):
    old = submitted(setup["quiz"], name="Ann Older")
    Attempt.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timedelta(days=9),
        marking_due=timezone.now() - timedelta(days=2),
    )
    new = submitted(setup["quiz"], name="Bo Newer", organisation="Hillside")
    elsewhere = submitted(setup["other_quiz"], name="Cy Elsewhere")
    html = trainer_client.get(QUEUE).content.decode()
    assert html.index(f"Candidate {old.pk}") < html.index(f"Candidate {new.pk}")
    assert "Ann Older" not in html and "Bo Newer" not in html
    assert "3</strong> attempts awaiting marking" in html
    assert "1</strong> past the date" in html
    assert "(overdue)" in html
    by_quiz = trainer_client.get(QUEUE, {"quiz": setup["quiz"].pk}).content.decode()
    assert "2</strong> attempts awaiting marking (of 3 in all)" in by_quiz
    by_org = trainer_client.get(QUEUE, {"organisation": "hillside"}).content.decode()
    assert f"Candidate {new.pk}" in by_org and f"Candidate {old.pk}" not in by_org
    by_course = trainer_client.get(
        QUEUE, {"course": setup["course"].pk}
    ).content.decode()
    assert f"Candidate {elsewhere.pk}" not in by_course
    assert f"Candidate {old.pk}" in by_course


def _fill_queue(quiz, count):
    users = User.objects.bulk_create(
        [
            User(email=f"bulk{count}-{i}@example.org", full_name=f"Bulk {i}")
            for i in range(count)
        ]
    )
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                user=user,
                quiz=quiz,
                number=1,
                status=AttemptStatus.SUBMITTED,
                started_at=now,
                submitted_at=now - timedelta(minutes=i),
                pass_mark=60,
                max_score=4,
                score=0,
                marking_state=MarkingState.AWAITING,
                marking_due=now + timedelta(days=5),
            )
            for i, user in enumerate(users)
        ]
    )
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(
                attempt=attempt,
                position=1,
                question_key="bulk",
                question_type="written",
                points=4,
                presented={"stem": "", "scenario": None, "criteria": []},
                answer_key={"criteria": []},
                response="An answer",
            )
            for attempt in attempts
        ]
    )
    AttemptMarking.objects.bulk_create(
        [AttemptMarking(attempt=attempt) for attempt in attempts[::2]]
    )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queue_query_count_is_the_same_for_10_and_1000_waiting(setup, trainer_client):
    _fill_queue(setup["quiz"], 10)
    small = _queries(trainer_client, QUEUE)
    _fill_queue(setup["other_quiz"], 990)
    large = _queries(trainer_client, QUEUE)
    assert small == large
    html = trainer_client.get(QUEUE).content.decode()
    assert "1,000</strong> attempts" in html or "1000</strong> attempts" in html


def test_marking_screen_shows_case_study_answer_and_rubric(setup, trainer_client):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    html = trainer_client.get(url).content.decode()
    assert "Case study: Dan after a disclosure" in html
    assert "I would thank him, ask about safety and record it." in html
    assert "Puts safety first" in html and "Look for safety first" in html
    assert f"Candidate {attempt.pk}" in html and "Lee Learner" not in html
    assert "Show the learner's name" in html
    revealed = trainer_client.get(url, {"reveal": "1"}).content.decode()
    assert "Lee Learner" in revealed


def _form(attempt, values, *, action="release", version=None, **extra):
    item = attempt.items.get(question_type="written")
    data = {
        "action": action,
        "version": str(
            AttemptMarking.objects.get(attempt=attempt).version
            if version is None
            else version
        ),
        **extra,
    }
    for criterion, value in zip(item.answer_key["criteria"], values, strict=True):
        data[f"m-{item.position}-{criterion['id']}"] = str(value)
        data[f"f-{item.position}-{criterion['id']}"] = f"Feedback {value}"
    return data


def test_release_from_the_screen(setup, trainer_client):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    draft = trainer_client.post(url, _form(attempt, [2, ""], action="draft"))
    assert draft.status_code == 302
    assert 'value="2.00"' in trainer_client.get(url).content.decode()
    response = trainer_client.post(url, _form(attempt, [2, 2]))
    assert response.status_code == 302 and response.url == QUEUE
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.MARKED and attempt.passed
    queue = trainer_client.get(QUEUE).content.decode()
    assert url not in queue and "0</strong> attempts awaiting" in queue


def test_bad_marks_on_the_screen_keep_what_was_typed(setup, trainer_client):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    trainer_client.get(url)
    response = trainer_client.post(url, _form(attempt, [7, 1]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved." in html and "between 0 and 2" in html
    assert 'value="7"' in html and "Feedback 1" in html
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.AWAITING
    junk = trainer_client.post(url, {"action": "release", "version": "x"})
    assert junk.status_code == 409


def test_a_stale_form_is_refused_with_409(setup, trainer_client, trainer):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    assert trainer_client.post(url, _form(attempt, [2, 2])).status_code == 302
    again = trainer_client.post(url, _form(attempt, [0, 0], version=0))
    assert again.status_code == 409
    assert "were not saved" in again.content.decode()
    attempt.refresh_from_db()
    assert attempt.passed


def test_remark_to_fail_asks_for_confirmation_on_the_screen(setup, trainer_client):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    trainer_client.post(url, _form(attempt, [2, 2]))
    attempt.refresh_from_db()
    assert attempt.passed
    response = trainer_client.post(url, _form(attempt, [0, 0], reason="Copied."))
    assert response.status_code == 409
    assert "withdraw this learner" in response.content.decode()
    done = trainer_client.post(
        url, _form(attempt, [0, 0], reason="Copied.", confirm_withdrawal="1")
    )
    assert done.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.passed and attempt.marking_state == MarkingState.REMARKED
    assert "Copied." in trainer_client.get(url).content.decode()


def test_a_quiz_the_trainer_may_not_see_is_a_404(setup, client):
    attempt = submitted(setup["quiz"])
    marker = UserFactory()
    marker.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="mark_attempt"),
    )
    client.force_login(marker)
    url = reverse("marking:mark", args=[attempt.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(attempt, [2, 2])).status_code == 404
    assert f"Candidate {attempt.pk}" not in client.get(QUEUE).content.decode()
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.AWAITING


def test_second_trainer_is_warned_on_the_screen(setup, client, trainer):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    client.force_login(trainer)
    client.get(url)
    from django.contrib.auth.models import Group

    other = UserFactory(full_name="Olu Other")
    other.groups.add(Group.objects.get(name="Trainers"))
    client.force_login(other)
    html = client.get(url).content.decode()
    assert "Tess Trainer is marking this attempt" in html


def test_statistics_and_learner_record_show_written_marks(setup, trainer_client):
    attempt = submitted(setup["quiz"])
    url = reverse("marking:mark", args=[attempt.pk])
    trainer_client.post(url, _form(attempt, [2, 1]))
    stats = trainer_client.get(
        reverse("quiz_statistics:quiz", args=[setup["quiz"].pk])
    ).content.decode()
    assert "Written answers" in stats and "Mean mark" in stats
    assert "2.00 of 2" in stats and "1.00 of 2" in stats
    assert "Tess Trainer" in stats and "75.0%" in stats
    record = trainer_client.get(
        reverse("course_reports:learner", args=[attempt.user_id])
    ).content.decode()
    assert "I would thank him, ask about safety and record it." in record
    assert "Feedback 1" in record
