"""Receivers: the one place certificates hear about what happens upstream."""

import logging

from django.template.loader import render_to_string

from courses.signals import PageExtension

from .addresses import PublicAddressMissing
from .models import Certificate, CertificateStatus
from .services import certificate_issue, certificate_revoke

log = logging.getLogger(__name__)


def issue_on_course_completed(sender, *, completion, **kwargs):
    """``courses.signals.course_completed`` -> issue the completion's certificate.

    Runs inside the transaction that records the completion, so the certificate is
    there exactly when the completion is. A deployment without a public address
    keeps the completion and issues nothing (the error says what to set); the
    certificate is issued when the course is next completed or from the admin.
    """
    try:
        certificate_issue(completion=completion)
    except PublicAddressMissing as error:
        log.error("%s (completion %s)", error, completion.pk)


def dashboard_certificates(*, request, **kwargs):
    """``courses.signals.dashboard_extending``: each completed course's certificate
    on the learner's dashboard, and the copy-link script once per page."""
    return PageExtension(
        card_template="certificates/includes/dashboard_certificate.html",
        scripts=["certificates/copy-link.js"],
    )


def completion_certificate(*, request, **kwargs):
    """``courses.signals.completion_extending``: the certificate on the page a
    learner lands on when they complete a course."""
    return PageExtension(
        card_template="certificates/includes/completion_certificate.html",
        scripts=["certificates/copy-link.js"],
    )


def revoke_on_completion_withdrawn(sender, *, completion, by, reason, **kwargs):
    """``courses.signals.course_completion_withdrawn`` -> revoke the certificate
    issued for that completion (a trainer confirmed it), in the same transaction."""
    for certificate in Certificate.objects.filter(
        completion=completion, status=CertificateStatus.VALID
    ):
        certificate_revoke(certificate=certificate, by=by, reason=reason[:480])


def refresher_again_section(*, request, course, progress, **kwargs) -> str:
    """``courses.signals.course_page_sections``: on a completed refresher whose
    certificate is in its recertification window, the button to take it again."""
    from .recertification import refresher_again_open

    if not progress.complete or not refresher_again_open(
        user=request.user, course=course
    ):
        return ""
    return render_to_string(
        "certificates/includes/refresher_again.html",
        {"course": course},
        request=request,
    )
