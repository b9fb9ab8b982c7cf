"""Receivers: the one place certificates hear about what happens upstream."""

from .services import certificate_issue


def issue_on_course_completed(sender, *, completion, **kwargs):
    """``courses.signals.course_completed`` -> issue the completion's certificate.

    Runs inside the transaction that records the completion, so the certificate is
    there exactly when the completion is.
    """
    certificate_issue(completion=completion)
