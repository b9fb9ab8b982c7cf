"""What assessments adds to earlier stages' pages: receivers of ``courses.signals``,
connected in ``AssessmentsConfig.ready``."""

from django.db.models import OuterRef
from django.template.loader import render_to_string
from wagtail.admin.ui.tables import Column

from courses.signals import ReportExtension

from .admin_views import learner_attempts_section
from .records import best_percent_annotations, best_percent_field, course_quizzes
from .statistics import percent_text


class BestScoreColumn(Column):
    """A learner's best percentage on one quiz; the header wraps (titles are long)."""

    header_template_name = "assessments/admin/wrapping_column_header.html"


def best_quiz_scores(*, course, **kwargs) -> ReportExtension | None:
    """``courses.signals.progress_report_extending``: a "Best: <quiz>" column per
    quiz of the selected course (e.g. "85%" or "—"), and each learner's best
    percentage on each quiz for it to read."""
    if course is None:
        return None
    quizzes = course_quizzes(course=course)
    return ReportExtension(
        columns=[
            BestScoreColumn(
                best_percent_field(quiz),
                label=f"Best: {quiz.title}",
                accessor=_best_percent_text(best_percent_field(quiz)),
                sort_key=best_percent_field(quiz),
            )
            for quiz in quizzes
        ],
        annotate=lambda queryset: queryset.annotate(
            **best_percent_annotations(quizzes, OuterRef("user_id"))
        ),
    )


def _best_percent_text(field_name):
    return lambda enrolment: percent_text(getattr(enrolment, field_name, None))


def learner_quiz_attempts(*, request, learner, **kwargs) -> str:
    """``courses.signals.learner_record_sections``: the learner's quiz attempts."""
    return learner_attempts_section(request, learner)


def capability_prompt(*, request, course, progress, **kwargs) -> str:
    """``courses.signals.course_page_sections``: ask the learner to rate their
    capabilities when they start a course and again when they complete it."""
    from .selectors import self_assessment_due

    stage = self_assessment_due(
        user=request.user, course=course, complete=progress.complete
    )
    if stage is None:
        return ""
    return render_to_string(
        "assessments/includes/capability_prompt.html",
        {"course": course, "stage": stage},
        request=request,
    )


def capabilities_dashboard_link(*, request, **kwargs):
    """``courses.signals.dashboard_extending``: nothing per card; the link to "My
    capabilities" sits once above the course cards."""
    from courses.signals import PageExtension

    return PageExtension(page_template="assessments/includes/dashboard_link.html")
