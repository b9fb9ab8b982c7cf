"""Certificate work done off the request path, by the task worker in production.

Each task is safe to run twice (a retry, a worker killed and restarted): the
services they call lock the certificate and look at its state first.
"""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from . import credentials, services


@task()
def certificate_render_task(*, certificate_id: int) -> str:
    """Sign and render one certificate's PDF, then queue its email."""
    return services.certificate_pdf_render(certificate_id=certificate_id)


@task()
def certificate_notify_task(*, certificate_id: int) -> None:
    """Email the learner that their certificate is ready (once)."""
    services.certificate_notify(certificate_id=certificate_id)


@task()
def certificate_expiry_notify_task(*, certificate_id: int) -> bool:
    """Email the holder that their certificate has expired (once)."""
    return services.certificate_expiry_notify(certificate_id=certificate_id)


@task()
def certificates_expire() -> int:
    """Scheduled: find expired certificates whose holders were not told yet."""
    return services.certificates_expire()


@task()
def certificates_render_pending() -> int:
    """Scheduled: queue again renders that were lost with a killed worker."""
    seconds = int(getattr(settings, "CERTIFICATE_RENDER_STALE_SECONDS", 300))
    return services.certificates_render_requeue(stale_after=timedelta(seconds=seconds))


@task()
def status_list_publish_task(*, number: int) -> None:
    """Re-sign one status list after a revocation or reissue has committed."""
    credentials.status_list_publish(number=number)


@task()
def status_lists_refresh() -> None:
    """Re-sign every status list before its validUntil passes (scheduled)."""
    for number in credentials.status_list_numbers():
        credentials.status_list_publish(number=number)
