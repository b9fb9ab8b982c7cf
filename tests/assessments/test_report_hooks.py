"""What assessments adds to the course progress report: a best-score column per quiz
of the selected course (on screen and in exports), and a learner's attempts with
their answers on the learner's record."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptQuestion, AttemptStatus
from assessments.selectors import model_answers
from courses.models import Enrolment
from tests.assessments.conftest import wrong_answers
from tests.factories import (
    SingleChoiceQuestionFactory,
    UserFactory,
    make_questions,
    make_quiz,
)
from training.models import User

pytestmark = pytest.mark.django_db
REPORT = reverse("course_reports:progress")


def _take(user, quiz, right: int):
    """Submit an attempt with the first ``right`` questions right, the rest wrong."""
    attempt = services.attempt_start(user=user, quiz=quiz).attempt
    good, bad = model_answers(attempt), wrong_answers(attempt)
    answers = {p: good[p] if p <= right else bad[p] for p in good}
    return services.attempt_submit(user=user, attempt=attempt, answers=answers).attempt


@pytest.fixture
def quizzes(module):
    """Two quizzes of five one-mark questions, so each right answer is 20%."""
    first = make_quiz(
        module=module, questions=make_questions(5), title="Quiz on signs", pass_mark=60
    )
    second = make_quiz(
        module=module, questions=make_questions(5), title="Quiz on referral"
    )
    return first, second


@pytest.fixture
def learners(course, quizzes):
    first, _ = quizzes
    keen = UserFactory(full_name="Kit Keen")
    slow = UserFactory(full_name="Sam Slow")
    fresh = UserFactory(full_name="Nia Fresh")
    for user in (keen, slow, fresh):
        Enrolment.objects.create(user=user, course=course)
    _take(keen, first, right=2)  # 40%
    _take(keen, first, right=5)  # 100%: the best
    _take(slow, first, right=2)  # 40%
    services.attempt_start(user=slow, quiz=first)  # open: does not count
    return {"keen": keen, "slow": slow, "fresh": fresh}


# --- best scores in the progress report -----------------------------------------------


def test_best_score_columns_for_the_selected_course(trainer_client, course, learners):
    response = trainer_client.get(REPORT, {"course": course.pk})
    html = response.content.decode()
    assert "Best: Quiz on signs" in html and "Best: Quiz on referral" in html
    rows = {row.user.full_name: row for row in response.context["object_list"]}
    columns = {c.label: c for c in response.context["table"].columns.values()}
    signs = columns["Best: Quiz on signs"]
    referral = columns["Best: Quiz on referral"]
    assert signs.get_value(rows["Kit Keen"]) == "100%"
    assert signs.get_value(rows["Sam Slow"]) == "40%"
    assert signs.get_value(rows["Nia Fresh"]) == "—"
    assert referral.get_value(rows["Kit Keen"]) == "—"


def test_no_quiz_columns_without_a_course(trainer_client, learners):
    html = trainer_client.get(REPORT).content.decode()
    assert "Kit Keen" in html
    assert "Best:" not in html


def test_sort_by_best_score(trainer_client, course, quizzes, learners):
    field = f"best_quiz_{quizzes[0].pk}"
    response = trainer_client.get(REPORT, {"course": course.pk, "ordering": field})
    names = [row.user.full_name for row in response.context["object_list"]]
    assert names.index("Sam Slow") < names.index("Kit Keen")


def test_csv_export_has_best_scores(trainer_client, course, learners):
    response = trainer_client.get(REPORT, {"course": course.pk, "export": "csv"})
    body = b"".join(response.streaming_content).decode()
    rows = {row["Learner"]: row for row in csv.DictReader(io.StringIO(body))}
    assert set(rows) == {"Kit Keen", "Sam Slow", "Nia Fresh"}
    assert rows["Kit Keen"]["Best: Quiz on signs"] == "100%"
    assert rows["Sam Slow"]["Best: Quiz on signs"] == "40%"
    assert rows["Nia Fresh"]["Best: Quiz on signs"] == "—"
    assert rows["Kit Keen"]["Best: Quiz on referral"] == "—"
    # The columns the progress report had before are all still there.
    assert rows["Kit Keen"]["Course"] == course.title


def test_xlsx_export_has_best_scores(trainer_client, course, learners):
    from openpyxl import load_workbook

    response = trainer_client.get(REPORT, {"course": course.pk, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = header.index("Best: Quiz on signs")
    best = {row[0]: row[column] for row in rows}
    assert best == {"Kit Keen": "100%", "Sam Slow": "40%", "Nia Fresh": "—"}


def _bulk_learners(course, quiz, count: int, tag: str) -> None:
    users = User.objects.bulk_create(
        User(email=f"{tag}-{i}@example.org", full_name=f"Learner {tag} {i}")
        for i in range(count)
    )
    Enrolment.objects.bulk_create(Enrolment(user=u, course=course) for u in users)
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            quiz=quiz,
            number=1,
            status=AttemptStatus.SUBMITTED,
            started_at=now - timedelta(minutes=10),
            submitted_at=now,
            pass_mark=80,
            max_score=5,
            score=i % 6,
            percent=20 * (i % 6),
            passed=i % 6 >= 4,
        )
        for i, user in enumerate(users)
    )


def _report_queries(client, params) -> int:
    client.get(REPORT, params)
    with CaptureQueriesContext(connection) as context:
        assert client.get(REPORT, params).status_code == 200
    return len(context.captured_queries)


def test_report_with_quiz_columns_does_not_grow_with_learners(
    trainer_client, course, quizzes
):
    params = {"course": course.pk}
    _bulk_learners(course, quizzes[0], 10, "ten")
    with_ten = _report_queries(trainer_client, params)
    _bulk_learners(course, quizzes[0], 990, "more")
    assert _report_queries(trainer_client, params) == with_ten


# --- a learner's attempts on their record ---------------------------------------------


def _learner_url(user):
    return reverse("course_reports:learner", args=[user.pk])


def test_learner_record_lists_attempts_with_answers(trainer_client, learners):
    html = trainer_client.get(_learner_url(learners["keen"])).content.decode()
    assert "Quiz attempts" in html
    assert html.count("Show the answers to attempt") == 2
    assert "5 of 5 (100%)" in html and "2 of 5 (40%)" in html
    assert "Passed" in html and "Not passed" in html
    assert "(pass mark 60%)" in html
    # Answers in words, from the frozen questions.
    assert "True" in html or "False" in html
    assert "Coercive control" in html  # a matching answer, as text
    assert "Question single-" in html  # a stem


def test_open_attempt_shows_as_in_progress(trainer_client, learners):
    html = trainer_client.get(_learner_url(learners["slow"])).content.decode()
    assert "In progress" in html
    assert "Not marked yet" in html


def test_learner_without_attempts(trainer_client, learners):
    html = trainer_client.get(_learner_url(learners["fresh"])).content.decode()
    assert "No quiz attempts yet." in html


def test_answers_are_escaped(trainer_client, course, module):
    question = SingleChoiceQuestionFactory(
        options=[("<script>alert(1)</script>", True), ("Plain", False)]
    )
    quiz = make_quiz(module=module, questions=[question], max_attempts=None)
    user = UserFactory()
    Enrolment.objects.create(user=user, course=course)
    _take(user, quiz, right=1)
    html = trainer_client.get(_learner_url(user)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_attempts_hidden_from_those_who_may_not_view_attempts(client, learners):
    viewer = UserFactory()
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_enrolment"),
    )
    client.force_login(viewer)
    response = client.get(_learner_url(learners["keen"]))
    assert response.status_code == 200
    assert "Kit Keen" in response.content.decode()
    assert "Quiz attempts" not in response.content.decode()


def test_learner_record_queries_do_not_grow_with_attempts(
    trainer_client, course, module, learners
):
    quiz = make_quiz(module=module, questions=make_questions(5), max_attempts=None)

    def count():
        url = _learner_url(learners["fresh"])
        trainer_client.get(url)
        with CaptureQueriesContext(connection) as context:
            trainer_client.get(url)
        return len(context.captured_queries)

    _take(learners["fresh"], quiz, right=3)
    with_one = count()
    for right in range(5):
        _take(learners["fresh"], quiz, right=right)
    assert count() == with_one
    assert AttemptQuestion.objects.filter(attempt__user=learners["fresh"]).count() == 30
