from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Issuing, rendering, verifying, revoking and reissuing certificates."""

    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from courses.signals import (
            completion_extending,
            course_completed,
            course_completion_withdrawn,
            course_page_sections,
            dashboard_extending,
        )
        from training.pagecache import page_cache_clear
        from training.signals import personal_data_export

        from . import checks  # noqa: F401 - registers the system checks
        from .handlers import (
            completion_certificate,
            dashboard_certificates,
            issue_on_course_completed,
            refresher_again_section,
            revoke_on_completion_withdrawn,
        )
        from .models import CourseCertificateSettings
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
        # A course's signatory is read from the content cache with the site's
        # issuer settings (``selectors.issuer_for_course``).
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                page_cache_clear,
                sender=CourseCertificateSettings,
                dispatch_uid=f"certificates.signatory-{name}",
            )
        course_page_sections.connect(
            refresher_again_section, dispatch_uid="certificates.refresher_again"
        )
