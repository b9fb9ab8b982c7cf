"""Trainer reports on quizzes in the Wagtail admin: Reports > Quiz statistics lists
every quiz with its attempts, pass rate, mean and median; each quiz has a page with
its score distribution and per-question figures (facility, discrimination, options
chosen), flagging questions to look at.

Both need the "view attempt" permission, which the Trainers group has. The hooks in
``wagtail_hooks.py`` also add best quiz scores to the course progress report and a
learner's attempts to their record there.
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from courses.charts import bar_chart
from courses.models import CoursePage

from .marking_selectors import attach_written_marks, written_statistics
from .models import Attempt, QuizPage
from .records import learner_attempts
from .statistics import (
    DISCRIMINATION_LOW,
    FACILITY_HIGH,
    FACILITY_LOW,
    median_percents,
    percent_text,
    quiz_statistics,
    quiz_statistics_queryset,
    submitted_attempts,
)

#: Who may see quiz statistics and learners' attempts: "Can view attempt".
ATTEMPT_POLICY = ModelPermissionPolicy(Attempt)
VIEW_ATTEMPTS = "assessments.view_attempt"
QUESTION_EDIT_URL = "wagtailsnippets_assessments_question:edit"


class QuizStatisticsFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        queryset=CoursePage.objects.order_by("title"),
        label="Course",
        method="filter_course",
    )

    class Meta:
        model = QuizPage
        fields = []

    def filter_course(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


def _pass_rate(quiz) -> str:
    if not quiz.attempt_count:
        return "—"
    return percent_text(100 * quiz.passed_count / quiz.attempt_count)


class QuizStatisticsIndexView(ReportView):
    """Every quiz with its attempts, pass rate, mean and median score."""

    page_title = "Quiz statistics"
    header_icon = "help"
    model = QuizPage
    permission_policy = ATTEMPT_POLICY
    permission_required = "view"
    filterset_class = QuizStatisticsFilterSet
    index_url_name = "quiz_statistics:index"
    index_results_url_name = "quiz_statistics:index_results"
    results_template_name = "assessments/admin/quiz_statistics_index_results.html"
    default_ordering = "path"
    paginate_by = 50

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Quiz",
                get_url=lambda quiz: reverse("quiz_statistics:quiz", args=[quiz.pk]),
                sort_key="title",
            ),
            Column("course_title", label="Course", sort_key="course_title"),
            Column("module_title", label="Module"),
            Column("attempt_count", label="Attempts", sort_key="attempt_count"),
            Column("pass_rate", label="Pass rate", accessor=_pass_rate),
            Column(
                "mean_percent",
                label="Mean score",
                accessor=lambda quiz: percent_text(quiz.mean_percent),
                sort_key="mean_percent",
            ),
            Column(
                "median_percent",
                label="Median score",
                accessor=lambda quiz: percent_text(self.medians.get(quiz.pk)),
            ),
        ]

    @cached_property
    def medians(self) -> dict[int, float]:
        # One query for every quiz: two rows each, however many attempts.
        return median_percents(submitted_attempts())

    def get_base_queryset(self):
        return quiz_statistics_queryset()

    def order_queryset(self, queryset):
        keys = [self.ordering] if self.ordering else []
        return queryset.order_by(*keys, "path")


class QuizStatisticsView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One quiz: attempts, pass rate, mean and median, the score distribution, and
    per-question facility, discrimination and answers chosen, with flags."""

    permission_policy = ATTEMPT_POLICY
    permission_required = "view"
    template_name = "assessments/admin/quiz_statistics.html"
    header_icon = "help"

    @cached_property
    def quiz(self) -> QuizPage:
        return get_object_or_404(quiz_statistics_queryset(), pk=self.kwargs["quiz_id"])

    @cached_property
    def first_only(self) -> bool:
        return self.request.GET.get("attempts") == "first"

    def get_page_title(self):
        return f"Quiz statistics: {self.quiz.title}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("quiz_statistics:index"), "label": "Quiz statistics"},
            {"url": "", "label": self.quiz.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = quiz_statistics(quiz=self.quiz, first_only=self.first_only)
        context.update(
            written=written_statistics(quiz=self.quiz),
            quiz=self.quiz,
            stats=stats,
            summary=stats.summary,
            chart=bar_chart(
                [(band.label, band.count) for band in stats.summary.bands],
                title="Score distribution",
                value_label="attempts",
                category="score band",
                note="percentage scored, in bands of 10 points; submitted attempts",
                description=stats.summary.distribution_text,
            ),
            facility_low=FACILITY_LOW,
            facility_high=FACILITY_HIGH,
            discrimination_low=DISCRIMINATION_LOW,
        )
        for question in stats.questions:
            if question.question_id is not None:
                question.edit_url = reverse(
                    QUESTION_EDIT_URL, args=[question.question_id]
                )
        return context


def learner_attempts_section(request, learner) -> str:
    """A learner's quiz attempts with their answers, for their record in the
    course progress report (nothing for someone who may not view attempts)."""
    if not request.user.has_perm(VIEW_ATTEMPTS):
        return ""
    attempts = learner_attempts(user=learner)
    attach_written_marks(attempts)
    return render_to_string(
        "assessments/admin/learner_attempts.html",
        {"attempts": attempts, "learner": learner},
        request=request,
    )
