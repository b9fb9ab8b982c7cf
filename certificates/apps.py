from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Issuing, rendering, verifying, revoking and reissuing certificates."""

    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from courses.signals import course_completed

        from . import checks  # noqa: F401 - registers the system checks
        from .handlers import issue_on_course_completed

        course_completed.connect(
            issue_on_course_completed, dispatch_uid="certificates.issue_on_completion"
        )
