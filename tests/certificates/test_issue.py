import hashlib
from datetime import UTC, date, datetime
from functools import partial

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateStatus, PdfState
from certificates.rendering import CertificateRenderError
from certificates.services import certificate_issue, certificate_render_retry
from courses.models import CourseCompletion, Enrolment, LessonPage
from courses.services import lesson_complete
from tests.concurrency import ON_POSTGRES, run_together
from tests.factories import (
    CourseCertificateSettingsFactory,
    CourseCompletionFactory,
    UserFactory,
    make_course,
)


def _complete_course(user, course):
    Enrolment.objects.get_or_create(user=user, course=course)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        lesson_complete(user=user, lesson=lesson)


def test_completing_a_course_issues_one_certificate_and_emails_the_learner(
    course, django_capture_on_commit_callbacks
):
    learner = UserFactory(full_name="Łukasz Żółć")
    with django_capture_on_commit_callbacks(execute=True):
        _complete_course(learner, course)

    certificate = Certificate.objects.get(user=learner)
    completion = CourseCompletion.objects.get(user=learner, course=course)
    assert certificate.completion == completion
    assert certificate.holder_name == "Łukasz Żółć"
    assert certificate.course_title == course.title
    assert certificate.cpd_hours == course.hours
    assert certificate.completed_on == timezone.localdate(completion.completed_at)
    assert certificate.issuer_name == "ADVANCE training programme"
    assert certificate.expires_at is None
    assert certificate.status == CertificateStatus.VALID
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    assert certificate.verify_url == (
        f"http://testserver/verify/{certificate.display_code}/"
    )
    stored = certificate.pdf.read()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    assert certificate.signature and certificate.key_id and certificate.statement

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert course.title in message.subject
    assert certificate.verify_url in message.body
    assert f"/my-learning/certificates/{certificate.code}/download/" in message.body
    certificate.refresh_from_db()
    assert certificate.notified_at is not None


def test_issuing_again_returns_the_same_certificate(issue):
    certificate = issue()
    again = certificate_issue(completion=certificate.completion)
    assert again.pk == certificate.pk
    assert Certificate.objects.filter(completion=certificate.completion).count() == 1


def test_the_database_refuses_a_second_current_certificate(issue):
    certificate = issue()
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.code = "0" * 20
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_expiry_follows_the_course_validity(issue, validity_course):
    certificate = issue(course_=validity_course)
    completed = certificate.completion.completed_at
    assert certificate.expires_at.year == completed.year + 3
    assert certificate.expires_at.month == completed.month
    assert not certificate.is_expired


def test_a_course_can_have_its_own_signatory(issue, course):
    CourseCertificateSettingsFactory(
        course=course, signatory_name="Dr Ada Lovelace", signatory_role="Course lead"
    )
    certificate = issue()
    assert certificate.signatory_name == "Dr Ada Lovelace"
    assert certificate.signatory_role == "Course lead"


def test_names_are_frozen_as_plain_text(issue):
    learner = UserFactory(full_name="Zoë <b>Smith</b> &amp; co")
    certificate = issue(user=learner)
    assert certificate.holder_name == "Zoë Smith & co"
    learner.full_name = "Someone Else"
    learner.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == "Zoë Smith & co"


def test_a_failed_render_is_recorded_not_hidden_and_can_be_retried(
    issue, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise CertificateRenderError("blocked resource 'http://example.org/x.png'")

    monkeypatch.setattr(services, "certificate_render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue()
    assert certificate.pk  # issued: the learner's completion stands
    assert certificate.pdf_state == PdfState.FAILED
    assert "blocked resource" in certificate.pdf_error
    assert not certificate.pdf and not certificate.pdf_sha256
    assert mail.outbox == []  # nothing to send a link to yet

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_render_retry(certificate=certificate, by=None)
    assert certificate.pdf_state == PdfState.READY
    assert certificate.pdf_error == ""
    assert len(mail.outbox) == 1


def test_a_missing_signing_key_is_recorded_as_a_failure(issue, settings, tmp_path):
    from certificates.signing import keys_cache_clear

    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "absent.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = False
    keys_cache_clear()
    certificate = issue()
    assert certificate.pdf_state == PdfState.FAILED
    assert "CERTIFICATE_SIGNING_KEY" in certificate.pdf_error
    assert certificate.signature == ""


def test_deleting_the_account_keeps_the_certificate_verifiable(issue, client):
    from training.services import user_delete

    certificate = issue(full_name="Nguyễn Thị Lan")
    user_delete(user=certificate.user)
    certificate.refresh_from_db()
    assert certificate.user is None
    assert certificate.completion is None
    response = client.get(f"/verify/{certificate.display_code}/")
    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in response.content.decode()


def test_completed_on_uses_the_local_date(issue, course):
    user = UserFactory()
    Enrolment.objects.create(user=user, course=course)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    moment = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    completion = CourseCompletionFactory(user=user, course=course, completed_at=moment)
    certificate = certificate_issue(completion=completion)
    assert certificate.completed_on == date(2025, 7, 1)


def _mark(test):
    for mark in reversed(ON_POSTGRES):
        test = mark(test)
    return test


@_mark
def test_concurrent_issues_make_exactly_one_certificate(home):
    course = make_course(home=home, modules=1, lessons_per_module=1)
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    completion = CourseCompletionFactory(user=learner, course=course)
    results, errors = run_together(
        *[lambda: certificate_issue(completion=completion).pk] * 6
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Certificate.objects.filter(completion=completion).count() == 1


@_mark
def test_concurrent_last_lessons_issue_one_certificate(home):
    course = make_course(home=home, modules=1, lessons_per_module=2)
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=course)
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    _, errors = run_together(
        *[partial(lesson_complete, user=learner, lesson=lesson) for lesson in lessons]
    )
    assert errors == []
    assert Certificate.objects.filter(user=learner, course=course).count() == 1


def test_a_learner_without_a_name_is_never_printed_as_their_email(
    issue, django_capture_on_commit_callbacks
):
    learner = UserFactory(full_name="")
    certificate = issue(user=learner)
    assert certificate.holder_name == ""
    assert learner.email not in certificate.statement
    assert certificate.pdf_state == PdfState.FAILED
    assert "no name to print" in certificate.pdf_error
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            certificate=certificate, by=None, holder_name="Ann Example"
        )
    new.refresh_from_db()
    assert new.pdf_state == PdfState.READY
    assert new.holder_name == "Ann Example"


def test_check_deploy_warns_when_no_signing_key_is_configured(settings, monkeypatch):
    from certificates.checks import signing_key_configured

    monkeypatch.delenv("CERTIFICATE_SIGNING_KEYS_FILE", raising=False)
    settings.CERTIFICATE_SIGNING_KEY = ""
    assert [w.id for w in signing_key_configured(None)] == ["certificates.W001"]
    settings.CERTIFICATE_SIGNING_KEY = "configured"
    assert signing_key_configured(None) == []
