"""The admin's views of learners' progress, as a viewset: Reports > Course progress
(the report, its export, and each learner's record). Registered in
``wagtail_hooks.py``."""

from django.urls import path
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from .admin_views import LearnerDetailView, ProgressReportView


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("courses.view_enrolment")


class CourseReportsViewSet(ViewSet):
    """Reports > Course progress."""

    name = "course_reports"
    url_prefix = "reports/course-progress"
    icon = "tasks"
    menu_label = "Course progress"
    menu_name = "course-progress"
    menu_order = 100
    menu_hook = "register_reports_menu_item"
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        return [
            path("", ProgressReportView.as_view(), name="progress"),
            path(
                "results/",
                ProgressReportView.as_view(results_only=True),
                name="progress_results",
            ),
            path("learners/<id:user_id>/", LearnerDetailView.as_view(), name="learner"),
        ]
