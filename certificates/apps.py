from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Issuing, rendering, verifying, revoking and reissuing certificates."""

    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from courses.signals import (
            completion_extending,
            course_completed,
            course_completion_withdrawn,
            course_page_sections,
            dashboard_extending,
        )
        from training.signals import personal_data_export

        from . import checks  # noqa: F401 - registers the system checks
        from .handlers import (
            completion_certificate,
            dashboard_certificates,
            issue_on_course_completed,
            refresher_again_section,
            revoke_on_completion_withdrawn,
        )
        from .selectors import personal_data

        course_completed.connect(
            issue_on_course_completed, dispatch_uid="certificates.issue_on_completion"
        )
        dashboard_extending.connect(
            dashboard_certificates, dispatch_uid="certificates.dashboard"
        )
        completion_extending.connect(
            completion_certificate, dispatch_uid="certificates.completion"
        )
        personal_data_export.connect(
            personal_data, dispatch_uid="certificates.personal_data"
        )
        course_completion_withdrawn.connect(
            revoke_on_completion_withdrawn,
            dispatch_uid="certificates.revoke_on_completion_withdrawn",
        )
        course_page_sections.connect(
            refresher_again_section, dispatch_uid="certificates.refresher_again"
        )
