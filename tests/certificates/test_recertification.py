"""Recertification: reminders at 90, 30 and 7 days (each once), the refresher
course opening in the window, and a new certificate valid from the old expiry."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import add_months
from certificates.tasks import recertification_reminders_send
from courses.models import CourseCompletion, Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete
from tests.factories import (
    CertificateFactory,
    OrganisationFactory,
    make_course,
    make_member,
)

pytestmark = pytest.mark.django_db


def _run(capture):
    with capture(execute=True):
        recertification_reminders_send.call()


def test_reminders_go_to_holder_and_manager_once_per_point(
    django_capture_on_commit_callbacks, course
):
    org = OrganisationFactory()
    manager = make_member(org, role="manager")
    holder = make_member(org)
    certificate = CertificateFactory(
        user=holder,
        course=course,
        expires_at=timezone.now() + datetime.timedelta(days=80),
    )
    CertificateFactory(  # far off: no reminder yet
        user=holder, expires_at=timezone.now() + datetime.timedelta(days=300)
    )
    _run(django_capture_on_commit_callbacks)
    _run(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([holder.email, manager.email])
    assert "expires on" in mail.outbox[0].subject
    # Later, at 20 days: the 30-day point, once.
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=20)
    )
    _run(django_capture_on_commit_callbacks)
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    assert list(
        certificate.reminders.values_list("days_before", flat=True).order_by(
            "-days_before"
        )
    ) == [90, 30]


@pytest.fixture
def refresher_setup(home, learner):
    refresher = make_course(
        home=home, title="Refresher", modules=1, lessons_per_module=1,
        certificate_validity_months=12,
    )  # fmt: skip
    main = make_course(
        home=home, title="Main course", modules=1, lessons_per_module=1,
        certificate_validity_months=36, refresher_course=refresher,
    )  # fmt: skip
    return main, refresher


def _complete(user, course, when):
    Enrolment.objects.get_or_create(user=user, course=course)
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson_complete(user=user, lesson=lesson, now=when)
    return Certificate.objects.exclude(status="superseded").get(
        user=user, course=course
    )


def test_the_refresher_opens_in_the_window_and_renews_from_the_old_expiry(
    learner, refresher_setup
):
    main, refresher = refresher_setup
    now = timezone.now()
    with pytest.raises(ValidationError, match="opens 90 days before"):
        enrolment_create(user=learner, course=refresher)
    # Completed nearly three years ago: 60 days left, inside the window.
    old = _complete(learner, main, add_months(now, -36) + datetime.timedelta(days=60))
    assert old.expires_at > now
    enrolment_create(user=learner, course=refresher)
    new = _complete(learner, refresher, now)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by == new
    assert new.expires_at == add_months(old.expires_at, 36)


def test_a_lapsed_certificate_renews_from_completion(learner, refresher_setup, client):
    main, refresher = refresher_setup
    now = timezone.now()
    old = _complete(learner, main, add_months(now, -40))
    assert old.is_expired
    enrolment_create(user=learner, course=refresher)
    new = _complete(learner, refresher, now)
    completed = CourseCompletion.objects.get(
        user=learner, course=refresher
    ).completed_at
    assert new.expires_at == add_months(completed, 36)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    page = client.get(f"/verify/{old.display_code}/").content.decode()
    assert "Superseded" in page or "SUPERSEDED" in page
    assert new.display_code in page
