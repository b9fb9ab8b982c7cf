"""Certificates rendered and emailed by tasks after commit, safe to run twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from certificates import services, tasks
from certificates.models import Certificate, PdfState
from certificates.rendering import CertificateRenderError
from courses.models import Enrolment, LessonPage
from courses.services import lesson_complete
from tests.factories import CertificateFactory, UserFactory


def _complete(user, course):
    Enrolment.objects.get_or_create(user=user, course=course)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        lesson_complete(user=user, lesson=lesson)


def test_completion_commits_before_the_pdf_and_the_learner_sees_it_being_prepared(
    client, course, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    # Issued with the completion, but nothing rendered or sent inside it.
    assert certificate.pdf_state == PdfState.PENDING
    assert not certificate.pdf
    assert mail.outbox == []
    assert queued, "the render is queued for after commit"
    client.force_login(learner)
    page = client.get("/my-learning/").content.decode()
    assert "Your certificate is being prepared" in page
    assert "Download certificate" not in page

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    certificate.refresh_from_db()
    assert certificate.pdf_state == PdfState.READY
    assert len(mail.outbox) == 1
    assert "Download certificate" in client.get("/my-learning/").content.decode()


def test_a_render_task_run_twice_renders_once_and_emails_once(
    course, django_capture_on_commit_callbacks, monkeypatch
):
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        _complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    renders = []
    real = services.certificate_render

    def counting(**kwargs):
        renders.append(1)
        return real(**kwargs)

    monkeypatch.setattr(services, "certificate_render", counting)
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.certificate_render_task.call(certificate_id=certificate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.certificate_render_task.call(certificate_id=certificate.pk)
        tasks.certificate_notify_task.call(certificate_id=certificate.pk)
    assert (first, second) == ("rendered", "skipped")
    assert len(renders) == 1
    assert Certificate.objects.filter(user=learner).count() == 1
    assert len(mail.outbox) == 1


def test_a_failing_render_is_tried_again_then_shown_failed(
    course, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.CERTIFICATE_RENDER_ATTEMPTS = 3
    tries = []

    def broken(**kwargs):
        tries.append(1)
        raise CertificateRenderError("The logo could not be read.")

    monkeypatch.setattr(services, "certificate_render", broken)
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    assert len(tries) == 3
    assert certificate.render_attempts == 3
    assert certificate.pdf_state == PdfState.FAILED
    assert "logo could not be read" in certificate.pdf_error
    assert mail.outbox == []


def test_a_render_lost_with_a_killed_worker_is_queued_again(
    course, django_capture_on_commit_callbacks, settings
):
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        _complete(learner, course)  # the worker died: the task never ran
    certificate = Certificate.objects.get(user=learner)
    settings.CERTIFICATE_RENDER_STALE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificates_render_pending.call() == 0  # not stale yet
    Certificate.objects.filter(pk=certificate.pk).update(
        render_queued_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificates_render_pending.call() == 1
    certificate.refresh_from_db()
    assert certificate.pdf_state == PdfState.READY
    assert len(mail.outbox) == 1


def test_a_render_that_never_finishes_is_shown_failed_to_admins(
    course, django_capture_on_commit_callbacks, settings
):
    settings.CERTIFICATE_RENDER_ATTEMPTS = 2
    certificate = CertificateFactory(
        pdf_state=PdfState.PENDING,
        pdf="",
        render_attempts=2,
        render_queued_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificates_render_pending.call() == 0
    certificate.refresh_from_db()
    assert certificate.pdf_state == PdfState.FAILED
    assert "did not finish after 2 tries" in certificate.pdf_error


@pytest.mark.parametrize("runs", [1, 2])
def test_expired_certificates_email_their_holder_once(
    db, runs, django_capture_on_commit_callbacks
):
    holder = UserFactory()
    expired = CertificateFactory(
        user=holder, expires_at=timezone.now() - timedelta(days=1)
    )
    CertificateFactory(expires_at=timezone.now() + timedelta(days=30))
    for _ in range(runs):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.certificates_expire.call()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [holder.email]
    assert "expired" in mail.outbox[0].subject
    expired.refresh_from_db()
    assert expired.expiry_notified_at is not None


def test_the_scheduler_enqueues_every_scheduled_task(db, settings):
    from django.core.management import call_command

    settings.SCHEDULED_TASKS = [
        {"task": "certificates.tasks.certificates_expire", "every": 3600}
    ]
    holder = UserFactory()
    CertificateFactory(user=holder, expires_at=timezone.now() - timedelta(days=1))
    call_command("run_scheduler", "--once")
    assert [m.to for m in mail.outbox] == [[holder.email]]


def test_files_left_by_killed_renders_are_deleted_and_nothing_else(
    course, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.pdf_state == PdfState.READY
    storage = certificate.pdf.storage
    folder = certificate.pdf.name.rsplit("/", 1)[0]
    orphan = storage.save(f"{folder}/left-by-a-killed-render.pdf", ContentFile(b"%"))
    hour = timedelta(hours=1)

    # Written just now: perhaps a render still running, whose row is not saved yet.
    assert services.certificate_files_orphaned_delete(older_than=hour) == []
    later = timezone.now() + 2 * hour
    deleted = services.certificate_files_orphaned_delete(older_than=hour, now=later)
    # (Files of earlier tests' rolled-back certificates may go too.)
    assert orphan in deleted and certificate.pdf.name not in deleted
    assert not storage.exists(orphan)
    certificate.refresh_from_db()
    assert certificate.pdf.read().startswith(b"%PDF-")


def test_the_daily_clean_up_task_runs(db):
    assert tasks.certificate_files_clean.call() == 0
