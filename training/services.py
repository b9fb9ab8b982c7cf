"""Writes about people: exporting and deleting a learner's own data."""

from django.db import transaction

from .models import User
from .signals import personal_data_export


def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about a learner, as plain data.

    Each app that stores personal data adds its part by answering the
    ``training.signals.personal_data_export`` signal.
    """
    data = {
        "account": {
            "full_name": user.full_name,
            "email": user.email,
            "organisation": user.organisation,
            "job_role": user.get_job_role_display(),
            "date_joined": user.date_joined.isoformat(),
        }
    }
    for _, part in personal_data_export.send(sender=User, user=user):
        data.update(part)
    return data


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a learner's account and their training records.

    Issued certificates keep their frozen statement so an employer can still verify
    them; they no longer link to the account.
    """
    user.delete()
