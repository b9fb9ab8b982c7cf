"""Wagtail's own report exports never hand a spreadsheet a formula typed by a user."""

import csv
import io

import pytest

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.example/","Click")'


def _rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def hostile_page(course, admin_user):
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson.title = FORMULA
    lesson.save_revision(user=admin_user, log_action=True).publish(user=admin_user)
    return lesson


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/site-history/?export=csv",
        "/admin/reports/aging-pages/?export=csv",
    ],
)
def test_csv_export_quotes_a_formula_in_a_title(admin_client, hostile_page, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    cells = [cell for row in _rows(response) for cell in row]
    assert f"'{FORMULA}" in cells
    assert FORMULA not in cells


def test_locked_pages_export_quotes_a_formula(admin_client, hostile_page, admin_user):
    hostile_page.locked = True
    hostile_page.locked_by = admin_user
    hostile_page.save()
    response = admin_client.get("/admin/reports/locked/?export=csv")
    cells = [cell for row in _rows(response) for cell in row]
    assert f"'{FORMULA}" in cells and FORMULA not in cells
