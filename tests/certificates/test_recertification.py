"""Recertification: reminders at 90, 30 and 7 days (each once), the refresher
course opening in the window, and a new certificate valid from the old expiry."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.cpd import cpd_record
from certificates.models import Certificate, CertificateStatus
from certificates.recertification import refresher_again_open, refresher_take_again
from certificates.selectors import add_months
from certificates.tasks import recertification_reminders_send
from courses.models import CourseCompletion, Enrolment, LessonPage, StepCompletion
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


def _lesson(course):
    return LessonPage.objects.descendant_of(course).first()


def test_the_refresher_is_taken_again_every_cycle(learner, refresher_setup, client):
    """Three cycles: each refresher completion issues a new certificate valid from
    the old expiry; the history is kept and every old certificate still verifies."""
    main, refresher = refresher_setup
    now = timezone.now()
    original = _complete(
        learner, main, add_months(now, -36) + datetime.timedelta(days=60)
    )
    enrolment_create(user=learner, course=refresher)
    first = _complete(learner, refresher, now)
    assert first.expires_at == add_months(original.expires_at, 36)
    # Straight after: the renewed certificate is years away from expiry.
    assert not refresher_again_open(user=learner, course=refresher)
    with pytest.raises(ValidationError, match="take this refresher again from 90"):
        refresher_take_again(user=learner, course=refresher)

    # The next window: 30 days before the renewed certificate expires.
    second_window = first.expires_at - datetime.timedelta(days=30)
    assert refresher_again_open(user=learner, course=refresher, now=second_window)
    refresher_take_again(user=learner, course=refresher, now=second_window)
    assert not StepCompletion.objects.filter(
        user=learner, page=_lesson(refresher)
    ).exists()
    lesson_complete(user=learner, lesson=_lesson(refresher), now=second_window)
    second = _complete(learner, refresher, second_window)
    assert second.pk != first.pk
    assert second.expires_at == add_months(first.expires_at, 36)
    first.refresh_from_db()
    assert first.status == CertificateStatus.SUPERSEDED
    assert first.superseded_by == second

    # A third cycle after the certificate has lapsed: valid from completion.
    lapsed = second.expires_at + datetime.timedelta(days=10)
    refresher_take_again(user=learner, course=refresher, now=lapsed)
    lesson_complete(user=learner, lesson=_lesson(refresher), now=lapsed)
    third = _complete(learner, refresher, lapsed)
    assert third.expires_at == add_months(lapsed, 36)

    # History: every run's completion kept, one current.
    runs = CourseCompletion.history.filter(user=learner, course=refresher)
    assert runs.count() == 3
    assert CourseCompletion.objects.filter(user=learner, course=refresher).count() == 1
    for old in (original, first, second):
        old.refresh_from_db()
        assert old.status == CertificateStatus.SUPERSEDED
        response = client.get(f"/verify/{old.display_code}/")
        assert response.status_code == 200
        assert "Superseded" in response.content.decode()
    # The CPD record counts every completion.
    record = cpd_record(user=learner)
    assert sum(len(year.entries) for year in record.years) == 4


def test_taking_the_refresher_again_from_its_page(learner, refresher_setup, client):
    main, refresher = refresher_setup
    now = timezone.now()
    # Lapsed when renewed three years ago, so that renewal expires in 30 days.
    _complete(learner, main, add_months(now, -80))
    enrolment_create(user=learner, course=refresher)
    first = _complete(
        learner, refresher, add_months(now, -36) + datetime.timedelta(days=30)
    )
    client.force_login(learner)
    page = client.get(refresher.url).content.decode()
    assert "Take the refresher again" in page
    url = f"/my-learning/refreshers/{refresher.pk}/again/"
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "You have started Refresher again" in response.content.decode()
    assert not CourseCompletion.objects.filter(user=learner, course=refresher).exists()
    first.refresh_from_db()
    assert first.status == CertificateStatus.VALID  # valid until renewed
    # Outside the window, or for a course that is not a refresher: a message.
    response = client.post(url, follow=True)
    assert "not completed this refresher yet" in response.content.decode()
    response = client.post(f"/my-learning/refreshers/{main.pk}/again/", follow=True)
    assert response.status_code == 200
    assert "Only a refresher course can be taken again" in response.content.decode()


def test_quiz_attempt_limits_count_afresh_each_run(learner, refresher_setup):
    from courses.selectors import course_run_started

    main, refresher = refresher_setup
    now = timezone.now()
    _complete(learner, main, add_months(now, -80))
    enrolment_create(user=learner, course=refresher)
    _complete(learner, refresher, add_months(now, -36) + datetime.timedelta(days=30))
    assert course_run_started(user=learner, course=refresher) is None
    refresher_take_again(user=learner, course=refresher, now=now)
    assert course_run_started(user=learner, course=refresher) == now


def test_the_reminder_for_a_renewed_certificate_names_the_refresher(
    learner, refresher_setup, django_capture_on_commit_callbacks
):
    main, refresher = refresher_setup
    now = timezone.now()
    _complete(learner, main, add_months(now, -80))
    enrolment_create(user=learner, course=refresher)
    renewed = _complete(
        learner, refresher, add_months(now, -36) + datetime.timedelta(days=30)
    )
    assert renewed.course == refresher
    _run(django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if m.to == [learner.email]]
    assert 'take the refresher course "Refresher"' in email.body
    assert refresher.url in email.body


def test_a_reissued_certificate_is_not_reminded_again_at_the_same_point(
    django_capture_on_commit_callbacks, course
):
    holder = make_member(OrganisationFactory())
    expires = timezone.now() + datetime.timedelta(days=80)
    first = CertificateFactory(user=holder, course=course, expires_at=expires)
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    # Reissued (a name change): same completion, same expiry, a new code.
    Certificate.objects.filter(pk=first.pk).update(status=CertificateStatus.SUPERSEDED)
    second = CertificateFactory(
        user=holder, course=course, completion=first.completion, expires_at=expires
    )
    Certificate.objects.filter(pk=first.pk).update(superseded_by=second)
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    # At the next point the reissued certificate is reminded, once.
    Certificate.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=20)
    )
    _run(django_capture_on_commit_callbacks)
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
