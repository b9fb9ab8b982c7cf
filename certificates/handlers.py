"""Receivers: the one place certificates hear about what happens upstream."""

from courses.signals import PageExtension

from .models import Certificate, CertificateStatus
from .services import certificate_issue, certificate_revoke


def issue_on_course_completed(sender, *, completion, **kwargs):
    """``courses.signals.course_completed`` -> issue the completion's certificate.

    Runs inside the transaction that records the completion, so the certificate is
    there exactly when the completion is.
    """
    certificate_issue(completion=completion)


def dashboard_certificates(*, request, **kwargs):
    """``courses.signals.dashboard_extending``: each completed course's certificate
    on the learner's dashboard, and the copy-link script once per page."""
    return PageExtension(
        card_template="certificates/includes/dashboard_certificate.html",
        scripts=["certificates/copy-link.js"],
    )


def revoke_on_completion_withdrawn(sender, *, completion, by, reason, **kwargs):
    """``courses.signals.course_completion_withdrawn`` -> revoke the certificate
    issued for that completion (a trainer confirmed it), in the same transaction."""
    for certificate in Certificate.objects.filter(
        completion=completion, status=CertificateStatus.VALID
    ):
        certificate_revoke(certificate=certificate, by=by, reason=reason[:480])
