"""Course progress report: email to tell namesakes apart, dates as dates, and
months without completions shown as zero."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseCompletion, Enrolment
from courses.reports import completions_by_month
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("course_reports:progress")


@pytest.fixture
def namesakes(course):
    first = UserFactory(full_name="Sam Lee", email="sam.lee@northbrook.example")
    second = UserFactory(full_name="Sam Lee", email="sam.lee@eastgate.example")
    for user in (first, second):
        Enrolment.objects.create(user=user, course=course)
    CourseCompletion.objects.create(
        user=first, course=course, completed_at=timezone.now()
    )
    return first, second


def test_the_screen_shows_each_learners_email(trainer_client, namesakes):
    html = trainer_client.get(REPORT).content.decode()
    assert "sam.lee@northbrook.example" in html
    assert "sam.lee@eastgate.example" in html


def test_csv_dates_are_iso_dates(trainer_client, namesakes):
    response = trainer_client.get(REPORT, {"export": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    today = timezone.localdate().isoformat()
    by_email = {row["Email"]: row for row in rows}
    assert by_email["sam.lee@northbrook.example"]["Completed"] == today
    assert by_email["sam.lee@northbrook.example"]["Enrolled"] == today
    assert by_email["sam.lee@eastgate.example"]["Completed"] == ""


def test_xlsx_dates_are_date_cells(trainer_client, namesakes):
    from openpyxl import load_workbook

    response = trainer_client.get(REPORT, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Completed")
    values = [row[column] for row in rows[1:] if row[column]]
    # openpyxl reads a date cell (with a date number format) back as a date.
    assert values and all(v == timezone.localdate() for v in values)


def test_months_without_completions_are_zero(course):
    user = UserFactory()
    now = timezone.now()
    CourseCompletion.objects.create(
        user=user, course=course, completed_at=now - timedelta(days=95)
    )
    points = completions_by_month()
    assert len(points) >= 4
    assert [n for _, n in points].count(1) == 1
    assert [n for _, n in points][1:].count(0) == len(points) - 1
    assert points[-1][0] == timezone.localdate().replace(day=1)
    assert all(isinstance(month, date) for month, _ in points)


def test_the_chart_keeps_the_last_18_months(course):
    CourseCompletion.objects.create(
        user=UserFactory(), course=course,
        completed_at=timezone.now() - timedelta(days=800),
    )  # fmt: skip
    assert len(completions_by_month(months=18)) == 18
