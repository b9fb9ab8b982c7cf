"""Recertification: renewing a certificate before (or after) it expires.

A course may name a shorter refresher course (``CoursePage.refresher_course``). It
opens to holders in the recertification window: from the first reminder point
before their certificate expires (90 days by default), and after it has lapsed.
Completing it issues a new certificate, valid from the old one's expiry (or from
completion if the old one had lapsed) for the original course's validity period;
the old certificate is then SUPERSEDED by the new one, and still verifies so.

Reminders go to the holder and their organisation's managers at the points in
``RECERTIFICATION_REMINDER_DAYS`` (default 90, 30 and 7 days before expiry), each
once: ``CertificateReminder`` records each one sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from courses.models import CourseCompletion, CoursePage

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


def renewal_for(*, completion: CourseCompletion) -> Renewal:
    """The renewal a completion makes: for a refresher course whose learner holds a
    certificate (valid or expired, not revoked) of a course it refreshes, the new
    expiry runs from the old expiry, or from completion if that has passed.
    Otherwise the course's own validity from completion."""
    course = completion.course
    own_months = course.certificate_validity_months
    old = (
        Certificate.objects.filter(
            user_id=completion.user_id,
            status=CertificateStatus.VALID,
            course__refresher_course=course,
        )
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
    months = old.course.certificate_validity_months or own_months
    start = completion.completed_at
    if old.expires_at and old.expires_at > start:
        start = old.expires_at
    return Renewal(old=old, expires_at=add_months(start, months) if months else None)


def refresher_open(*, user, course: CoursePage, now: datetime | None = None) -> bool:
    """Whether ``user`` may take ``course`` as a refresher now: they hold a current
    certificate (or a lapsed one) of a course it refreshes, within the window."""
    now = now or timezone.now()
    return Certificate.objects.filter(
        user=user,
        status=CertificateStatus.VALID,
        course__refresher_course=course,
        expires_at__lte=now + timedelta(days=window_days()),
    ).exists()
