from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.services import certificate_revoke
from courses.models import Enrolment
from tests.factories import UserFactory, make_course
from training.services import user_data_export


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/my-learning/")
    assert response.status_code == 200
    return response, queries


def test_the_dashboard_offers_download_and_a_verify_link(client, issue):
    certificate = issue()
    client.force_login(certificate.user)
    response, _ = _dashboard_queries(client)
    html = response.content.decode()
    assert f"/my-learning/certificates/{certificate.display_code}/download/" in html
    assert f'value="{certificate.verify_url}"' in html
    assert "Copy link" in html and "copy-link.js" in html
    assert certificate.display_code in html


def test_the_dashboard_reads_certificates_in_one_query(client, home, issue):
    learner = UserFactory()
    courses = [
        make_course(home=home, modules=1, lessons_per_module=1) for _ in range(3)
    ]
    issue(user=learner, course_=courses[0])
    for course in courses[1:]:
        Enrolment.objects.create(user=learner, course=course)
    client.force_login(learner)
    _dashboard_queries(client)  # warm the per-site settings
    _, one = _dashboard_queries(client)
    for course in courses[1:]:
        issue(user=learner, course_=course)
    response, three = _dashboard_queries(client)
    assert len(three) == len(one)
    certificate_queries = [q for q in three if "certificates_certificate" in q["sql"]]
    assert len(certificate_queries) == 1
    assert response.content.decode().count("Download certificate") == 3


def test_a_revoked_certificate_is_not_offered(client, issue):
    certificate = issue()
    certificate_revoke(certificate=certificate, by=None, reason="Withdrawn")
    client.force_login(certificate.user)
    html = client.get("/my-learning/").content.decode()
    assert "Revoked" in html and "Download certificate" not in html
    url = f"/my-learning/certificates/{certificate.display_code}/download/"
    assert client.get(url).status_code == 404


def test_learners_download_their_own_stored_file(client, issue):
    certificate = issue()
    client.force_login(certificate.user)
    response = client.get(
        f"/my-learning/certificates/{certificate.code.lower()}/download/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == certificate.pdf.read()


def test_nobody_else_can_download_it(client, issue):
    certificate = issue()
    url = f"/my-learning/certificates/{certificate.display_code}/download/"
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_certificates_are_in_the_learner_s_data_export(issue):
    certificate = issue()
    data = user_data_export(user=certificate.user)
    assert data["certificates"] == [
        {
            "code": certificate.display_code,
            "course": certificate.course_title,
            "name_as_printed": certificate.holder_name,
            "completed_on": certificate.completed_on.isoformat(),
            "issued_at": certificate.issued_at.isoformat(),
            "expires_at": None,
            "status": "valid",
            "verify_url": certificate.verify_url,
        }
    ]
