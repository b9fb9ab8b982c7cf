"""Writes about people: exporting and deleting a learner's own data."""

from django.db import transaction

from .models import User


def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about a learner, as plain data.

    Each app that stores personal data adds its part through a ``personal_data``
    function in its selectors module, listed in PERSONAL_DATA_SOURCES.
    """
    from django.utils.module_loading import import_string

    data = {
        "account": {
            "full_name": user.full_name,
            "email": user.email,
            "organisation": user.organisation,
            "job_role": user.get_job_role_display(),
            "date_joined": user.date_joined.isoformat(),
        }
    }
    for path in PERSONAL_DATA_SOURCES:
        data.update(import_string(path)(user=user))
    return data


PERSONAL_DATA_SOURCES = [
    "courses.selectors.personal_data",
    "assessments.selectors.personal_data",
    "certificates.selectors.personal_data",
]


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a learner's account and their training records.

    Issued certificates keep their frozen statement so an employer can still verify
    them; they no longer link to the account.
    """
    user.delete()
