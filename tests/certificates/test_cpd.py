"""A learner's CPD record: completed courses with CPD hours by year, as a page,
CSV and PDF; only their own."""

import datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.factories import CertificateFactory, CourseCompletionFactory, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(learner, home):
    a = make_course(home=home, title="Foundation course", hours=6)
    b = make_course(home=home, title="Facilitator course", hours="7.5")
    c = make_course(home=home, title="Refresher", hours=2)
    when = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
    CertificateFactory(
        user=learner,
        course=a,
        completion=CourseCompletionFactory(user=learner, course=a, completed_at=when),
        cpd_hours=6,
        course_title="Foundation course",
    )
    CourseCompletionFactory(
        user=learner, course=b, completed_at=when.replace(year=2026, month=1)
    )
    CourseCompletionFactory(
        user=learner, course=c, completed_at=when.replace(year=2026, month=6)
    )
    return learner


def test_the_record_groups_hours_by_year_with_totals(learner_client, record):
    page = learner_client.get("/my-learning/cpd/").content.decode()
    assert "15.5 hours</strong> in all" in page
    assert "2026: 9.5 hours" in page and "2025: 6 hours" in page
    assert page.index("2026:") < page.index("2025:")


def test_the_csv_has_a_row_per_course_and_a_total_per_year(learner_client, record):
    text = learner_client.get("/my-learning/cpd.csv").content.decode()
    assert "2026,Total for 2026,,,9.5" in text
    assert "2025,Foundation course,2025-03-10," in text


def test_the_pdf_prints_the_record(learner_client, record):
    response = learner_client.get("/my-learning/cpd.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(response.content)).pages
    )
    assert "CPD record" in text
    assert record.full_name in text
    assert "Facilitator course" in text and "2026: 9.5 hours" in text
    assert "15.5 CPD hours in all" in text


def test_the_record_is_only_ever_your_own(client, record):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get("/my-learning/cpd/").content.decode()
    assert "Foundation course" not in page
    assert "not completed a course yet" in page
