import json

import yaml
from django.utils import timezone

from certificates import demo
from certificates.models import Certificate, CertificateStatus, PdfState
from courses.models import CourseCompletion, Enrolment
from tests.factories import CourseCompletionFactory, UserFactory

PEOPLE = {
    "learners": [
        {
            "name": "Siobhán Ó Briain",
            "email": "siobhan@example.org",
            "progress": "completed",
            "course": "c",
        },
        {
            "name": "Tomás Fernández",
            "email": "tomas@example.org",
            "progress": "completed_revoked",
            "course": "c",
        },
        {
            "name": "Priya Raman",
            "email": "priya@example.org",
            "progress": "completed_expired",
            "course": "c",
        },
        {
            "name": "Zoë Hartley",
            "email": "zoe@example.org",
            "progress": "part_way",
            "course": "c",
        },
    ]
}


def _setup(tmp_path, course):
    (tmp_path / "people.yaml").write_text(yaml.safe_dump(PEOPLE, allow_unicode=True))
    for person in PEOPLE["learners"]:
        user = UserFactory(email=person["email"], full_name=person["name"])
        Enrolment.objects.create(user=user, course=course)
        if person["progress"].startswith("completed"):
            CourseCompletionFactory(user=user, course=course)


def test_demo_certificates_are_prepared_once_and_listed(tmp_path, validity_course):
    _setup(tmp_path, validity_course)
    message = demo.load(root=tmp_path, quizzes=[], update=False)
    first = {c.user.email: c for c in Certificate.objects.select_related("user")}
    assert set(first) == {
        "siobhan@example.org",
        "tomas@example.org",
        "priya@example.org",
    }
    for email, certificate in first.items():
        assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
        assert certificate.code == demo.demo_code(
            email=email, course_slug=validity_course.slug
        )
        assert certificate.verify_url in message

    assert first["siobhan@example.org"].effective_status == "valid"
    revoked = first["tomas@example.org"]
    assert revoked.status == CertificateStatus.REVOKED and revoked.reason_public
    expired = first["priya@example.org"]
    assert expired.effective_status == "expired"
    completion = CourseCompletion.objects.get(user=expired.user)
    assert expired.completed_on == timezone.localdate(completion.completed_at)
    assert expired.issued_at > completion.completed_at
    statement = json.loads(expired.statement)
    assert statement["completed_on"] == expired.completed_on.isoformat()
    assert statement["expires_on"] == expired.expires_on.isoformat()

    again = demo.load(root=tmp_path, quizzes=[], update=True)
    assert again == message
    second = {c.user.email: c for c in Certificate.objects.select_related("user")}
    for email, certificate in second.items():
        assert certificate.code == first[email].code
        assert certificate.pdf_sha256 == first[email].pdf_sha256
        assert certificate.status == first[email].status
    assert Certificate.objects.count() == 3


def test_without_people_the_step_says_so(tmp_path, db):
    assert "none yet" in demo.load(root=tmp_path, quizzes=[], update=False)
