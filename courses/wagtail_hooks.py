"""Admin registration for courses: the viewsets defined in ``viewsets.py``."""

from wagtail import hooks

from .document_access import guard_document
from .viewsets import CourseReportsViewSet


@hooks.register("register_admin_viewset")
def register_course_reports():
    return CourseReportsViewSet()


# Lesson resources in Documents are for enrolled learners (see document_access.py).
hooks.register("before_serve_document", guard_document)
