"""Admin registration for courses: the trainer reports under Reports."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import LearnerDetailView, ProgressReportView


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("courses.view_enrolment")


@hooks.register("register_admin_urls")
def register_course_report_urls():
    patterns = [
        path("", ProgressReportView.as_view(), name="progress"),
        path(
            "results/",
            ProgressReportView.as_view(results_only=True),
            name="progress_results",
        ),
        path("learners/<id:user_id>/", LearnerDetailView.as_view(), name="learner"),
    ]
    return [
        path(
            "reports/course-progress/",
            include((patterns, "course_reports"), namespace="course_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_progress_report_menu_item():
    return ReportMenuItem(
        "Course progress",
        reverse("course_reports:progress"),
        name="course-progress",
        icon_name="tasks",
        order=100,
    )
