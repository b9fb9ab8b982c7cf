"""Reads for a manager's "My team": their organisation's people, what each has been
assigned and is enrolled on, progress, overdue items, certificates and last
activity; the team charts and the CSV export.

Everything is scoped to one organisation and to its current members: someone who has
left is no longer shown, and neither is anything they do afterwards. Nothing here
reads reflections, quiz answers or marking feedback. Each function runs a fixed
number of queries however many people the organisation has (the tests assert it for
10 and 1,000 staff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from assessments.models import Attempt
from courses.charts import Chart, bar_chart
from courses.models import (
    Assignment,
    CourseCompletion,
    Enrolment,
    StepCompletion,
)
from courses.reports import _count, progress_report_queryset
from courses.selectors import with_learning_time
from training.models import Membership, MembershipStatus, Organisation
from training.selectors import team_members

from .models import Certificate, CertificateStatus

DUE_SOON_DAYS = 14
EXPIRING_DAYS = 90
NEVER = datetime(1970, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


class TeamFilter:
    """What the manager can filter by: each a name, a label and a condition on the
    annotated members queryset (see ``team_queryset``)."""

    ALL = "all"
    CHOICES = [
        (ALL, "Everyone"),
        ("overdue", "Overdue"),
        ("due_soon", f"Due in the next {DUE_SOON_DAYS} days"),
        ("in_progress", "Not finished"),
        ("complete", "All courses complete"),
        ("expiring", f"Certificate expiring in {EXPIRING_DAYS} days"),
        ("expired", "Certificate expired"),
    ]

    @staticmethod
    def condition(name: str) -> Q:
        return {
            "overdue": Q(overdue_count__gt=0),
            "due_soon": Q(due_soon=True),
            "in_progress": Q(unfinished=True),
            "complete": Q(enrolled=True, unfinished=False),
            "expiring": Q(expiring=True),
            "expired": Q(expired=True),
        }.get(name, Q())


SORTS = {
    "name": ("Name", ["full_name", "pk"]),
    "activity": ("Last activity, latest first", [F("last_activity").desc(), "pk"]),
    "overdue": ("Most overdue first", ["-overdue_count", "full_name", "pk"]),
    "due": (
        "Next due date",
        [F("next_due").asc(nulls_last=True), "full_name", "pk"],
    ),
}


def _open_assignments(organisation: Organisation, user_ref):
    return Assignment.objects.filter(
        organisation=organisation, user_id=user_ref, course__live=True
    ).exclude(
        Exists(
            CourseCompletion.objects.filter(
                user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
            )
        )
    )


def _current_certificates(user_ref=None):
    certificates = Certificate.objects.exclude(status=CertificateStatus.SUPERSEDED)
    return certificates if user_ref is None else certificates.filter(user_id=user_ref)


def _latest(queryset, field_name: str):
    """The latest ``field_name`` in ``queryset``, or NEVER (GREATEST needs no NULLs:
    SQLite's returns NULL if any argument is)."""
    return Coalesce(
        Subquery(
            queryset.order_by(f"-{field_name}").values(field_name)[:1],
            output_field=DateTimeField(),
        ),
        Value(NEVER),
    )


def team_queryset(
    *,
    organisation: Organisation,
    today: date | None = None,
    now: datetime | None = None,
):
    """The organisation's current members, annotated for the dashboard:
    ``joined_at``, ``last_activity`` (NEVER if none), ``overdue_count``,
    ``next_due``, and the flags ``due_soon``, ``unfinished``, ``enrolled``,
    ``expiring``, ``expired``."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    user = OuterRef("pk")
    open_assignments = _open_assignments(organisation, user)
    certificates = _current_certificates(user)
    unfinished_enrolments = Enrolment.objects.filter(user_id=user).exclude(
        Exists(
            CourseCompletion.objects.filter(
                user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
            )
        )
    )
    return (
        team_members(organisation=organisation)
        .annotate(
            joined_at=Subquery(
                Membership.objects.filter(
                    user_id=user,
                    organisation=organisation,
                    status=MembershipStatus.ACTIVE,
                ).values("started_at")[:1]
            ),
            last_activity=Greatest(
                _latest(StepCompletion.objects.filter(user_id=user), "completed_at"),
                _latest(Attempt.objects.filter(user_id=user), "started_at"),
                _latest(Enrolment.objects.filter(user_id=user), "enrolled_at"),
            ),
            overdue_count=_count(open_assignments.filter(due_on__lt=today)),
            next_due=Subquery(open_assignments.order_by("due_on").values("due_on")[:1]),
            due_soon=Exists(
                open_assignments.filter(
                    due_on__gte=today, due_on__lte=today + timedelta(DUE_SOON_DAYS)
                )
            ),
            unfinished=Exists(unfinished_enrolments),
            enrolled=Exists(Enrolment.objects.filter(user_id=user)),
            expiring=Exists(
                certificates.filter(
                    status=CertificateStatus.VALID,
                    expires_at__gt=now,
                    expires_at__lte=now + timedelta(days=EXPIRING_DAYS),
                )
            ),
            expired=Exists(
                certificates.filter(
                    status=CertificateStatus.VALID, expires_at__lte=now
                ).exclude(
                    Exists(
                        _current_certificates(OuterRef("user_id")).filter(
                            course_id=OuterRef("course_id"),
                            status=CertificateStatus.VALID,
                            expires_at__gt=now,
                        )
                    )
                )
            ),
        )
        .distinct()
    )


@dataclass
class TeamCourse:
    """One course of one person, as their manager sees it."""

    course_id: int
    title: str
    enrolled_at: datetime | None = None
    steps_done: int = 0
    steps_total: int = 0
    completed_at: datetime | None = None
    due_on: date | None = None
    certificate: Certificate | None = None
    learning_seconds: int = 0
    today: date = field(default_factory=timezone.localdate)

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        if not self.steps_total:
            return 0
        return round(100 * self.steps_done / self.steps_total)

    @property
    def status_label(self) -> str:
        if self.complete:
            return "Complete"
        if self.enrolled_at is None or not self.steps_done:
            return "Not started"
        return "In progress"

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.complete and self.due_on < self.today)

    @property
    def due_soon(self) -> bool:
        return bool(
            self.due_on
            and not self.complete
            and self.today <= self.due_on <= self.today + timedelta(DUE_SOON_DAYS)
        )

    @property
    def assigned(self) -> bool:
        return self.due_on is not None


@dataclass
class TeamMember:
    user: object
    joined_at: datetime | None
    last_activity: datetime | None
    overdue_count: int
    courses: list[TeamCourse] = field(default_factory=list)

    @property
    def learning_seconds(self) -> int:
        """Reading time on all their courses' lessons."""
        return sum(course.learning_seconds for course in self.courses)


def team_rows(*, organisation: Organisation, users: list) -> list[TeamMember]:
    """The people on one page of the dashboard with their courses and
    certificates: three queries, however many people and courses."""
    ids = [user.pk for user in users]
    today = timezone.localdate()
    by_key: dict[tuple[int, int], TeamCourse] = {}
    for enrolment in with_learning_time(progress_report_queryset()).filter(
        user_id__in=ids
    ):
        by_key[(enrolment.user_id, enrolment.course_id)] = TeamCourse(
            course_id=enrolment.course_id,
            title=enrolment.course.title,
            enrolled_at=enrolment.enrolled_at,
            steps_done=enrolment.steps_done,
            steps_total=enrolment.steps_total,
            completed_at=enrolment.completed_at,
            learning_seconds=enrolment.learning_seconds,
            today=today,
        )
    for assignment in Assignment.objects.filter(
        organisation=organisation, user_id__in=ids
    ).select_related("course"):
        key = (assignment.user_id, assignment.course_id)
        row = by_key.setdefault(
            key,
            TeamCourse(
                course_id=assignment.course_id,
                title=assignment.course.title,
                today=today,
            ),
        )
        row.due_on = assignment.due_on
    for certificate in (
        _current_certificates()
        .filter(user_id__in=ids, course__isnull=False)
        .order_by("issued_at")
    ):
        row = by_key.get((certificate.user_id, certificate.course_id))
        if row is not None:
            row.certificate = certificate
    members = []
    for user in users:
        courses = sorted(
            (row for (uid, _), row in by_key.items() if uid == user.pk),
            key=lambda row: (not row.overdue, row.due_on or date.max, row.title),
        )
        last = user.last_activity
        members.append(
            TeamMember(
                user=user,
                joined_at=user.joined_at,
                last_activity=None if last is None or last <= NEVER else last,
                overdue_count=user.overdue_count,
                courses=courses,
            )
        )
    return members


def team_export_rows(*, organisation: Organisation, queryset):
    """One row per person and course for the CSV export, streamed page by page."""
    chunk = 500
    users = list(queryset.only("pk", "full_name", "email", "job_role"))
    for start in range(0, len(users), chunk):
        for member in team_rows(
            organisation=organisation, users=users[start : start + chunk]
        ):
            if not member.courses:
                yield member, None
            for course in member.courses:
                yield member, course


@dataclass(frozen=True)
class TeamCharts:
    completion: Chart
    expiring: Chart


def team_charts(*, organisation: Organisation) -> TeamCharts:
    """Completion per course, and certificates expiring in the next 90 days by
    month-long band: three aggregate queries."""
    now = timezone.now()
    members = team_members(organisation=organisation).values("pk")

    enrolled = dict(
        Enrolment.objects.filter(user_id__in=members)
        .values_list("course__title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    completed = dict(
        CourseCompletion.objects.filter(user_id__in=members)
        .values_list("course__title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    points = [
        (title, round(100 * completed.get(title, 0) / total))
        for title, total in sorted(enrolled.items())
        if total
    ]
    description = "; ".join(
        f"{title}: {completed.get(title, 0)} of {enrolled[title]} complete"
        for title, _ in points
    )
    completion = bar_chart(
        points,
        title="Completion by course",
        value_label="per cent complete",
        category="course",
        top=100,
        description=(
            f"Completion by course: {description}."
            if points
            else "No one is enrolled on a course yet."
        ),
    )
    expiries = Certificate.objects.filter(
        user_id__in=members,
        status=CertificateStatus.VALID,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=EXPIRING_DAYS),
    ).values_list("expires_at", flat=True)
    bands = [0, 0, 0]
    for expires_at in expiries:
        bands[min((expires_at - now).days // 30, 2)] += 1
    labels = ["Within 30 days", "31 to 60 days", "61 to 90 days"]
    expiring = bar_chart(
        list(zip(labels, bands, strict=True)),
        title=f"Certificates expiring in the next {EXPIRING_DAYS} days",
        value_label="certificates",
        category="period",
        description=(
            f"Certificates expiring in the next {EXPIRING_DAYS} days: "
            + ", ".join(
                f"{n} {label.lower()}" for label, n in zip(labels, bands, strict=True)
            )
            + "."
        ),
    )
    return TeamCharts(completion=completion, expiring=expiring)


@dataclass(frozen=True)
class TeamDigest:
    """What a manager's weekly email says: names with what is overdue, due soon,
    and which certificates expire soon."""

    overdue: list[tuple[str, str, date]]
    due_soon: list[tuple[str, str, date]]
    expiring: list[tuple[str, str, date]]


def team_digest(*, organisation: Organisation, limit: int = 50) -> TeamDigest:
    today = timezone.localdate()
    now = timezone.now()
    members = team_members(organisation=organisation).values("pk")
    open_assignments = (
        Assignment.objects.filter(
            organisation=organisation, user_id__in=members, course__live=True
        )
        .exclude(
            Exists(
                CourseCompletion.objects.filter(
                    user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
                )
            )
        )
        .order_by("due_on", "user__full_name")
        .values_list("user__full_name", "course__title", "due_on")
    )
    expiring = (
        _current_certificates()
        .filter(
            user_id__in=members,
            status=CertificateStatus.VALID,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=EXPIRING_DAYS),
        )
        .order_by("expires_at")
        .values_list("holder_name", "course_title", "expires_at")
    )
    return TeamDigest(
        overdue=list(open_assignments.filter(due_on__lt=today)[:limit]),
        due_soon=list(
            open_assignments.filter(
                due_on__gte=today, due_on__lte=today + timedelta(DUE_SOON_DAYS)
            )[:limit]
        ),
        expiring=[
            (name, title, timezone.localdate(when))
            for name, title, when in expiring[:limit]
        ],
    )
