"""Demo teams for trying "My team" (``load_demo`` step, after the demo certificates).

Two organisations have managers (accounts in ``training.demo``): Northbrook
Recovery Service and Kestrelford Women's Support Service. This step, idempotently:

- assigns each of their demo learners who has not finished their course that
  course, due on dates that make some overdue, some due soon and some later;
- brings the expiry of up to two valid certificates in each team into the next 90
  days (completion, issue and expiry dates move back together and the certificate
  is signed and rendered again, so what it prints, signs and verifies agree);
- gives each demo learner in the team who has not rated themselves a start-of-course
  self-assessment (and an end one where they completed a course), every third of
  them sharing it, so the team capability checklist has something to show.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessments.capabilities import AREAS
from assessments.models import SelfAssessment
from assessments.services import capability_sharing_set, self_assessment_record
from courses.models import Assignment, CourseCompletion, Enrolment
from courses.services import assignment_create
from training.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
)
from training.selectors import team_members

from .models import Certificate, CertificateStatus
from .selectors import add_months
from .services import certificate_produce

TEAMS = ["Northbrook Recovery Service", "Kestrelford Women's Support Service"]
DUE_IN_DAYS = [-12, 5, -3, 10, 45, 25]
EXPIRING_IN_DAYS = [21, 70]
DEFAULT_VALIDITY_MONTHS = 36


def _assign(organisation: Organisation) -> int:
    members = team_members(organisation=organisation)
    unfinished = (
        Enrolment.objects.filter(user__in=members)
        .exclude(
            Exists(
                CourseCompletion.objects.filter(
                    user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
                )
            )
        )
        .select_related("user", "course")
        .order_by("user__full_name", "course_id")
    )
    made = 0
    for index, enrolment in enumerate(unfinished):
        if Assignment.objects.filter(
            user=enrolment.user, course=enrolment.course
        ).exists():
            continue
        due = timezone.localdate() + timedelta(DUE_IN_DAYS[index % len(DUE_IN_DAYS)])
        # Assigned a while ago, so an overdue date was in the future then.
        assigned = timezone.now() - timedelta(days=40)
        assignment_create(
            organisation=organisation,
            users=[enrolment.user],
            course=enrolment.course,
            due_on=due,
            now=assigned,
        )
        made += 1
    return made


def _rate(organisation: Organisation) -> int:
    members = (
        team_members(organisation=organisation)
        .filter(
            pk__in=Membership.objects.filter(
                organisation=organisation,
                status=MembershipStatus.ACTIVE,
                role=MembershipRole.MEMBER,
            ).values("user_id")
        )
        .exclude(Exists(SelfAssessment.objects.filter(user_id=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )
    completed = set(
        CourseCompletion.objects.filter(user__in=members).values_list(
            "user_id", flat=True
        )
    )
    made = 0
    started = timezone.now() - timedelta(days=60)
    for index, user in enumerate(members):
        start = {
            area.key: 1 + (index + position) % 3 for position, area in enumerate(AREAS)
        }
        self_assessment_record(user=user, ratings=start, stage="start", now=started)
        if user.pk in completed:
            end = {key: min(level + 1, 4) for key, level in start.items()}
            self_assessment_record(user=user, ratings=end, stage="end")
        if index % 3 == 0:
            capability_sharing_set(user=user, share=True)
        made += 1
    return made


@transaction.atomic
def _expire_soon(certificate: Certificate, days: int) -> None:
    course = certificate.course
    months = (
        course.certificate_validity_months if course else None
    ) or DEFAULT_VALIDITY_MONTHS
    expires_at = timezone.now() + timedelta(days=days)
    completed_at = add_months(expires_at, -months)
    if certificate.completion_id:
        CourseCompletion.objects.filter(pk=certificate.completion_id).update(
            completed_at=completed_at
        )
    certificate.completed_on = timezone.localdate(completed_at)
    certificate.issued_at = completed_at + timedelta(minutes=2)
    certificate.expires_at = expires_at
    certificate.save()
    certificate_produce(certificate=certificate)


def load(*, root=None, quizzes=None, update: bool = False) -> str:
    lines = []
    now = timezone.now()
    for name in TEAMS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        made = _assign(organisation)
        members = team_members(organisation=organisation)
        valid = Certificate.objects.filter(
            user__in=members, status=CertificateStatus.VALID, expires_at__gt=now
        ).order_by("holder_name")
        soon = valid.filter(expires_at__lte=now + timedelta(days=90)).count()
        later = valid.filter(expires_at__gt=now + timedelta(days=90))
        for days, certificate in zip(EXPIRING_IN_DAYS[soon:], later, strict=False):
            _expire_soon(certificate, days)
        rated = _rate(organisation)
        lines.append(
            f"  {name}: {made} courses assigned, {rated} self-assessments added"
        )
    if not lines:
        return ""
    return "\n".join(["Demo teams:", *lines])
