"""Trainer reports: who may see them, what they show, filters, exports, scale."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseCompletion, Enrolment, LessonPage, StepCompletion
from tests.factories import UserFactory, make_course
from training.models import User

pytestmark = pytest.mark.django_db
REPORT = reverse("course_reports:progress")


def _lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


@pytest.fixture
def cohort(home, course):
    """Three learners on one course: not started, part-way, complete."""
    other = make_course(home=home, title="Other course")
    fresh = UserFactory(full_name="Nia Fresh", organisation="Eastgate Recovery")
    partway = UserFactory(full_name="Pat Partway", organisation="Northbrook")
    done = UserFactory(full_name="Dee Done", organisation="Northbrook")
    for user in (fresh, partway, done):
        Enrolment.objects.create(user=user, course=course)
    Enrolment.objects.create(user=fresh, course=other)
    lessons = _lessons(course)
    StepCompletion.objects.create(user=partway, page=lessons[0])
    for lesson in lessons:
        StepCompletion.objects.create(user=done, page=lesson)
    CourseCompletion.objects.create(
        user=done, course=course, completed_at=timezone.now()
    )
    return {"fresh": fresh, "partway": partway, "done": done, "other": other}


def test_anonymous_and_learners_cannot_see_reports(client, learner):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(learner)
    response = client.get(REPORT)
    assert response.status_code in (302, 403)
    assert b"Pat Partway" not in response.content


def test_trainer_sees_one_row_per_enrolment(trainer_client, cohort, course):
    html = trainer_client.get(REPORT).content.decode()
    for name in ("Nia Fresh", "Pat Partway", "Dee Done"):
        assert name in html
    assert "2 of 2" in html  # Dee's modules
    assert "Course completions by month" in html
    assert "Reports" in html or "Course progress" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"status": "complete"}, ["Dee Done"], ["Pat Partway", "Nia Fresh"]),
        ({"status": "in_progress"}, ["Pat Partway"], ["Dee Done", "Nia Fresh"]),
        ({"status": "not_started"}, ["Nia Fresh"], ["Dee Done", "Pat Partway"]),
        ({"organisation": "north"}, ["Dee Done", "Pat Partway"], ["Nia Fresh"]),
    ],
)
def test_filters(trainer_client, cohort, query, shown, hidden):
    html = trainer_client.get(REPORT, query).content.decode()
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def test_filter_by_course(trainer_client, cohort):
    response = trainer_client.get(REPORT, {"course": cohort["other"].pk})
    rows = response.context["object_list"]
    assert [row.user.full_name for row in rows] == ["Nia Fresh"]


def test_filter_by_enrolment_dates(trainer_client, cohort, course):
    old = Enrolment.objects.get(user=cohort["done"], course=course)
    Enrolment.objects.filter(pk=old.pk).update(
        enrolled_at=timezone.now() - timedelta(days=400)
    )
    since = (timezone.now() - timedelta(days=30)).date().isoformat()
    html = trainer_client.get(REPORT, {"enrolled_at_from": since}).content.decode()
    assert "Dee Done" not in html and "Pat Partway" in html


def test_sorting_by_learner_name(trainer_client, cohort):
    rows = trainer_client.get(REPORT, {"ordering": "user__full_name"}).context[
        "object_list"
    ]
    names = [row.user.full_name for row in rows]
    assert names == sorted(names)


def test_csv_export(trainer_client, cohort, course):
    response = trainer_client.get(REPORT, {"export": "csv", "course": course.pk})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    by_name = {row["Learner"]: row for row in rows}
    assert set(by_name) == {"Nia Fresh", "Pat Partway", "Dee Done"}
    assert by_name["Dee Done"]["Status"] == "Complete"
    assert by_name["Dee Done"]["Modules complete"] == "2"
    assert by_name["Pat Partway"]["Lessons and quizzes done"] == "1"
    assert by_name["Nia Fresh"]["Status"] == "Not started"
    assert by_name["Dee Done"]["Completed"]


def test_csv_export_defuses_formulas(trainer_client, course):
    user = UserFactory(full_name='=HYPERLINK("http://evil")')
    Enrolment.objects.create(user=user, course=course)
    response = trainer_client.get(REPORT, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_xlsx_export(trainer_client, cohort):
    from openpyxl import load_workbook

    response = trainer_client.get(REPORT, {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    assert values[0] == "Learner"
    assert {"Nia Fresh", "Pat Partway", "Dee Done"} <= set(values)


def test_learner_detail(trainer_client, cohort, course):
    url = reverse("course_reports:learner", args=[cohort["partway"].pk])
    html = trainer_client.get(url).content.decode()
    assert "Pat Partway" in html
    assert course.title in html
    assert _lessons(course)[0].title in html
    assert (
        trainer_client.get(reverse("course_reports:learner", args=[987654])).status_code
        == 404
    )


def _report_queries(client) -> int:
    client.get(REPORT)
    with CaptureQueriesContext(connection) as context:
        assert client.get(REPORT).status_code == 200
    return len(context.captured_queries)


def _add_learners(course, count, start=0):
    users = User.objects.bulk_create(
        User(email=f"bulk{course.pk}-{i}@example.org", full_name=f"Learner {i}")
        for i in range(start, start + count)
    )
    Enrolment.objects.bulk_create(Enrolment(user=u, course=course) for u in users)
    lesson = _lessons(course)[0]
    StepCompletion.objects.bulk_create(
        StepCompletion(user=u, page=lesson) for u in users[::2]
    )


def test_report_query_count_does_not_grow(trainer_client, home):
    course = make_course(home=home, modules=3)
    _add_learners(course, 10)
    with_ten = _report_queries(trainer_client)
    _add_learners(make_course(home=home, modules=6), 1000)
    assert _report_queries(trainer_client) == with_ten


def test_export_streams_in_one_pass_without_counting_pages(trainer_client, cohort):
    with CaptureQueriesContext(connection) as context:
        response = trainer_client.get(REPORT, {"export": "csv"})
        body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 5  # heading and four enrolments
    assert not any('"__count"' in q["sql"] for q in context.captured_queries)


def _export_queries(client, **params) -> tuple[int, int]:
    """Rows and queries of a whole CSV export, read to the end."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(REPORT, {"export": "csv", **params})
        body = b"".join(response.streaming_content).decode()
    return body.count("\n") - 1, len(context.captured_queries)


@pytest.mark.parametrize("by_course", [False, True])
def test_export_query_count_does_not_grow_with_rows(trainer_client, home, by_course):
    course = make_course(home=home, modules=3)
    _add_learners(course, 5)
    params = {"course": course.pk} if by_course else {}
    rows, few = _export_queries(trainer_client, **params)
    assert rows == 5
    _add_learners(course, 300, start=5)
    _add_learners(make_course(home=home, modules=6), 300)
    rows, many = _export_queries(trainer_client, **params)
    assert rows == (305 if by_course else 605)
    assert many == few
