"""Admin registration for courses: the viewsets defined in ``viewsets.py``."""

from wagtail import hooks

from .viewsets import CourseReportsViewSet


@hooks.register("register_admin_viewset")
def register_course_reports():
    return CourseReportsViewSet()
