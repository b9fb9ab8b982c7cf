"""Trainer reports in the Wagtail admin: course progress and a learner's record.

Editors find them under Reports > Course progress. Both need the "view enrolment"
permission, which the Trainers group has.
"""

from contextlib import contextmanager
from functools import partial

import django_filters
from django.db import connection
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.coreutils import multigetattr

from training.models import User
from training.spreadsheets import spreadsheet_safe

from .charts import bar_chart
from .models import CoursePage, Enrolment, LessonPage, StepCompletion
from .reports import completions_by_month, progress_report_queryset
from .selectors import (
    COMPLETE,
    IN_PROGRESS,
    NOT_STARTED,
    STATUS_LABELS,
    learner_lesson_times,
    learning_seconds_by_course,
    progress_for_courses,
    with_learning_time,
)
from .signals import (
    ReportExtension,
    gathered,
    learner_record_sections,
    progress_report_extending,
)


class ProgressReportFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        queryset=CoursePage.objects.order_by("title"), label="Course"
    )
    organisation = django_filters.CharFilter(
        field_name="user__organisation", lookup_expr="icontains", label="Organisation"
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (key, STATUS_LABELS[key]) for key in (NOT_STARTED, IN_PROGRESS, COMPLETE)
        ],
        method="filter_status",
        label="Status",
    )
    enrolled_at = django_filters.DateFromToRangeFilter(
        label="Enrolled between", widget=DateRangePickerWidget
    )
    completed_at = django_filters.DateFromToRangeFilter(
        label="Completed between", widget=DateRangePickerWidget
    )

    class Meta:
        model = Enrolment
        fields = []

    def filter_status(self, queryset, name, value):
        if value == COMPLETE:
            return queryset.filter(completed_at__isnull=False)
        started = Q(steps_done__gt=0)
        if value == IN_PROGRESS:
            return queryset.filter(started, completed_at__isnull=True)
        return queryset.filter(~started, completed_at__isnull=True)


def _module_cell(enrolment):
    return f"{enrolment.modules_done} of {enrolment.modules_total}"


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def _read(item, *, field):
    return multigetattr(item, field)


def _status(enrolment):
    if enrolment.completed_at:
        return STATUS_LABELS[COMPLETE]
    return STATUS_LABELS[IN_PROGRESS if enrolment.steps_done else NOT_STARTED]


def _learning_minutes(enrolment) -> int:
    return round(getattr(enrolment, "learning_seconds", 0) / 60)


def learning_time_extension() -> ReportExtension:
    """This app's own addition to the report, through the same seam later stages
    use: each learner's reading time on the course's lessons, in whole minutes
    (on screen and in the export), sortable."""
    return ReportExtension(
        columns=[
            Column(
                "learning_minutes",
                label="Learning time (minutes)",
                accessor=_learning_minutes,
                sort_key="learning_seconds",
            )
        ],
        annotate=with_learning_time,
    )


@contextmanager
def _without_jit():
    """PostgreSQL's JIT compiler judges an export's query by its total cost and
    spends seconds compiling it before the first row, for work (index lookups per
    row) it does not speed up; the export runs without it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


class ProgressReportView(ReportView):
    """One row per enrolled learner, filterable, sortable, exportable."""

    page_title = "Course progress"
    header_icon = "tasks"
    model = Enrolment
    permission_required = "view"
    filterset_class = ProgressReportFilterSet
    index_url_name = "course_reports:progress"
    index_results_url_name = "course_reports:progress_results"
    results_template_name = "courses/admin/progress_report_results.html"
    default_ordering = "-enrolled_at"
    paginate_by = 50
    export_filename = "course-progress"
    list_export = [
        "user.full_name",
        "user.email",
        "user.organisation",
        "user.get_job_role_display",
        "course.title",
        "enrolled_at",
        "status",
        "modules_done",
        "modules_total",
        "steps_done",
        "steps_total",
        "completed_at",
    ]
    export_headings = {
        "user.full_name": "Learner",
        "user.email": "Email",
        "user.organisation": "Organisation",
        "user.get_job_role_display": "Role",
        "course.title": "Course",
        "enrolled_at": "Enrolled",
        "status": "Status",
        "modules_done": "Modules complete",
        "modules_total": "Modules required",
        "steps_done": "Lessons and quizzes done",
        "steps_total": "Lessons and quizzes required",
        "completed_at": "Completed",
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "learner",
                label="Learner",
                accessor="user.full_name",
                get_url=lambda e: reverse("course_reports:learner", args=[e.user_id]),
                sort_key="user__full_name",
            ),
            # Two learners may share a name: the email tells them apart.
            Column("email", label="Email", accessor="user.email",
                   sort_key="user__email"),
            Column("organisation", label="Organisation", accessor="user.organisation",
                   sort_key="user__organisation"),
            Column("course", label="Course", accessor="course.title",
                   sort_key="course__title"),
            DateColumn("enrolled_at", label="Enrolled", sort_key="enrolled_at"),
            Column("modules", label="Modules complete", accessor=_module_cell,
                   sort_key="modules_done"),
            *self.extra_columns,
            Column("status", label="Status", accessor=_status),
            DateColumn("completed_at", label="Completed", sort_key="completed_at"),
        ]  # fmt: skip

    @cached_property
    def extensions(self) -> list[ReportExtension]:
        """Learning time, then what later stages add (assessments adds best quiz
        scores)."""
        return [
            learning_time_extension(),
            *gathered(progress_report_extending, course=self.selected_course),
        ]

    @cached_property
    def extra_columns(self):
        return [column for ext in self.extensions for column in ext.columns]

    @cached_property
    def selected_course(self):
        course_id = self.request.GET.get("course")
        if course_id and course_id.isdigit():
            return CoursePage.objects.filter(pk=course_id).first()
        return None

    def get_base_queryset(self):
        queryset = progress_report_queryset()
        for extension in self.extensions:
            if extension.annotate is not None:
                queryset = extension.annotate(queryset)
        return queryset

    def order_queryset(self, queryset):
        # A unique last key keeps pages stable when many rows share a value.
        keys = [self.ordering] if self.ordering else []
        return queryset.order_by(*keys, "pk")

    @cached_property
    def row_getters(self):
        """How each exported field is read from a row, worked out once per export."""
        # Dates as dates (UK calendar days): ISO in CSV, date cells in Excel.
        computed = {
            "status": _status,
            "enrolled_at": lambda e: _local_date(e.enrolled_at),
            "completed_at": lambda e: _local_date(e.completed_at),
        }
        computed.update(
            {column.name: column.get_value for column in self.extra_columns}
        )
        return [
            (field, computed.get(field, partial(_read, field=field)))
            for field in self.list_export
        ]

    def to_row_dict(self, item):
        return {field: spreadsheet_safe(get(item)) for field, get in self.row_getters}

    def get_heading(self, queryset, field):
        for column in self.extra_columns:
            if column.name == field:
                return str(column.label)
        return super().get_heading(queryset, field)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            # Straight to the file: no page count first, and one pass over the rows,
            # so memory stays flat however many learners there are.
            return self.as_spreadsheet(
                self.get_filtered_queryset(), request.GET.get("export")
            )
        return super().get(request, *args, **kwargs)

    def export_rows(self, queryset):
        """The rows of an export, one pass in chunks (a server-side cursor on
        PostgreSQL), so a 100,000-row export never holds every row in memory.

        Each row brings its learner; the few courses come from one query and are
        shared, rather than a course page built again for every row."""
        courses = CoursePage.objects.in_bulk()
        rows = queryset.select_related(None).select_related("user")
        with _without_jit():
            for enrolment in rows.iterator(chunk_size=2000):
                enrolment.course = courses[enrolment.course_id]
                yield enrolment

    def stream_csv(self, queryset):
        # Lines in batches: one write to the client per few hundred rows, not one
        # per row; the bytes are the same.
        batch = []
        for line in super().stream_csv(self.export_rows(queryset)):
            batch.append(force_bytes(line))
            if len(batch) == 500:
                yield b"".join(batch)
                batch = []
        if batch:
            yield b"".join(batch)

    def write_xlsx(self, queryset, output):
        return super().write_xlsx(self.export_rows(queryset), output)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        course_ids = [self.selected_course.pk] if self.selected_course else None
        points = [
            (month.strftime("%b %Y"), n)
            for month, n in completions_by_month(course_ids=course_ids, months=18)
        ]
        context["chart"] = bar_chart(
            points, title="Course completions by month", value_label="completions"
        )
        context["quiz_scores_hint"] = self.selected_course is None
        return context

    @property
    def list_export_fields(self):
        return self.list_export + [column.name for column in self.extra_columns]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        self.list_export = self.list_export_fields
        return super().as_spreadsheet(queryset, spreadsheet_format)


class LearnerDetailView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One learner's record: enrolments with progress, lessons completed, and what
    other apps add (quiz attempts, certificates)."""

    model = Enrolment
    permission_required = "view"
    template_name = "courses/admin/learner_detail.html"
    header_icon = "user"

    def get_page_title(self):
        return f"Learner: {self.learner.full_name}"

    @cached_property
    def learner(self):
        return get_object_or_404(User, pk=self.kwargs["user_id"])

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("course_reports:progress"), "label": "Course progress"},
            {"url": "", "label": self.learner.full_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrolments = list(
            Enrolment.objects.filter(user=self.learner).select_related("course")
        )
        progress = progress_for_courses(
            user=self.learner, courses=[e.course for e in enrolments]
        )
        learning = learning_seconds_by_course(
            user=self.learner, courses=[e.course for e in enrolments]
        )
        context["learner"] = self.learner
        context["enrolments"] = [
            (e, progress[e.course_id], learning.get(e.course_id, 0)) for e in enrolments
        ]
        context["lesson_times"] = learner_lesson_times(user=self.learner)
        context["lessons"] = (
            StepCompletion.objects.filter(
                user=self.learner, page__in=LessonPage.objects.values("pk")
            )
            .select_related("page")
            .order_by("-completed_at")
        )
        context["sections"] = gathered(
            learner_record_sections, request=self.request, learner=self.learner
        )
        return context
