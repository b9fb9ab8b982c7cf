"""Background work for certificates, on Django's tasks framework (django-tasks).

Each task is safe to run twice: it rebuilds its result from the database.
"""

from django_tasks import task

from . import credentials


@task()
def status_list_publish_task(*, number: int) -> None:
    """Re-sign one status list after a revocation or reissue has committed."""
    credentials.status_list_publish(number=number)


@task()
def status_lists_refresh() -> None:
    """Re-sign every status list before its validUntil passes (scheduled)."""
    for number in credentials.status_list_numbers():
        credentials.status_list_publish(number=number)
