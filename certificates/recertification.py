"""Recertification: renewing a certificate before (or after) it expires.

A course may name a shorter refresher course (``CoursePage.refresher_course``). It
opens to holders in the recertification window: from the first reminder point
before their certificate expires (90 days by default), and after it has lapsed.
Completing it issues a new certificate, valid from the old one's expiry (or from
completion if the old one had lapsed) for the original course's validity period;
the old certificate is then SUPERSEDED by the new one, and still verifies so.

Each recertification cycle the learner takes the refresher again
(``refresher_take_again``, from the refresher's course page once its certificate
is in the window): the last completion stays in their history, and the next
completion renews the certificate the last one issued.

Reminders go to the holder and their organisation's managers at the points in
``RECERTIFICATION_REMINDER_DAYS`` (default 90, 30 and 7 days before expiry), each
once: ``CertificateReminder`` records each one sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from courses.models import CourseCompletion, CoursePage
from courses.services import course_run_restart

from .models import Certificate, CertificateStatus
from .selectors import add_months

DEFAULT_REMINDER_DAYS = (90, 30, 7)


def reminder_days() -> list[int]:
    days = getattr(settings, "RECERTIFICATION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return sorted({int(d) for d in days if int(d) > 0}, reverse=True)


def window_days() -> int:
    days = reminder_days()
    return days[0] if days else 0


@dataclass(frozen=True)
class Renewal:
    """What a refresher completion renews, and the new certificate's dates."""

    old: Certificate | None
    expires_at: datetime | None


def _held(*, user_id: int, course: CoursePage):
    """The learner's valid (or lapsed, never revoked) certificates that a run of
    refresher ``course`` renews: those of a course naming it as its refresher, and
    those an earlier run of the refresher itself issued."""
    return Certificate.objects.filter(
        Q(course__refresher_course=course) | Q(course=course),
        user_id=user_id,
        status=CertificateStatus.VALID,
    )


def refresher_is(course: CoursePage) -> bool:
    """Whether another course names ``course`` as its refresher."""
    return CoursePage.objects.filter(refresher_course=course).exists()


def _renewal_months(*, old: Certificate, course: CoursePage) -> int | None:
    """The validity of a renewal: the refreshed course's, however many times it
    has been renewed; the refresher's own if that course sets none."""
    if old.course_id == course.pk:
        refreshed = (
            CoursePage.objects.filter(
                refresher_course=course, certificate_validity_months__isnull=False
            )
            .values_list("certificate_validity_months", flat=True)
            .first()
        )
        return refreshed or course.certificate_validity_months
    return old.course.certificate_validity_months or course.certificate_validity_months


def renewal_for(*, completion: CourseCompletion) -> Renewal:
    """The renewal a completion makes: for a refresher course whose learner holds a
    certificate (valid or expired, not revoked) of a course it refreshes, or one an
    earlier run of the refresher issued, the new expiry runs from the old expiry,
    or from completion if that has passed. Otherwise the course's own validity
    from completion."""
    course = completion.course
    own_months = course.certificate_validity_months
    old = None
    if refresher_is(course):
        old = (
            _held(user_id=completion.user_id, course=course)
            .exclude(completion_id=completion.pk)
            .select_related("course")
            .order_by("-expires_at", "-pk")
            .first()
        )
    if old is None:
        return Renewal(
            old=None,
            expires_at=add_months(completion.completed_at, own_months)
            if own_months
            else None,
        )
    months = _renewal_months(old=old, course=course)
    start = completion.completed_at
    if old.expires_at and old.expires_at > start:
        start = old.expires_at
    return Renewal(old=old, expires_at=add_months(start, months) if months else None)


def refresher_open(*, user, course: CoursePage, now: datetime | None = None) -> bool:
    """Whether ``user`` may take ``course`` as a refresher now: they hold a current
    certificate (or a lapsed one) that it renews, within the window."""
    now = now or timezone.now()
    return (
        refresher_is(course)
        and _held(user_id=user.pk, course=course)
        .filter(expires_at__lte=now + timedelta(days=window_days()))
        .exists()
    )


def refresher_again_open(*, user, course: CoursePage, now=None) -> bool:
    """Whether ``user`` has completed refresher ``course`` and may take it again:
    the certificate it issued is in its own recertification window now."""
    return CourseCompletion.objects.filter(
        user=user, course=course
    ).exists() and refresher_open(user=user, course=course, now=now)


@transaction.atomic
def refresher_take_again(
    *, user, course: CoursePage, now: datetime | None = None
) -> CourseCompletion:
    """Start refresher ``course`` again in the next recertification window. The
    last completion and its certificate stay in the learner's history; completing
    the course again issues a new certificate valid from the current one's expiry
    (or from completion if it has lapsed), which then verifies as superseded.

    Raises ``ValidationError`` (nothing changed) outside the window or for a course
    that is not a refresher or not yet completed."""
    if not refresher_is(course):
        raise ValidationError("Only a refresher course can be taken again.")
    if not CourseCompletion.objects.filter(user=user, course=course).exists():
        raise ValidationError(
            "You have not completed this refresher yet: carry on where you left off."
        )
    if not refresher_open(user=user, course=course, now=now):
        raise ValidationError(
            f"You can take this refresher again from {window_days()} days before "
            "your certificate expires, and after it has expired."
        )
    return course_run_restart(user=user, course=course, now=now)
