"""Writes about people: exporting and deleting a learner's own data."""

from django.contrib.auth.hashers import make_password
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


@transaction.atomic
def signup_request(
    *,
    full_name: str,
    email: str,
    organisation: str,
    job_role: str,
    password: str,
) -> None:
    """Start a sign-up without saying whether the address already has an account.

    A new address gets an inactive account and a link to confirm it; an address
    whose account was never confirmed gets its details replaced and a fresh link
    (earlier links stop working); an address with an account gets an email telling
    its holder, with links to sign in or reset the password. The person signing up
    sees the same page, after the same work, in every case.
    """
    from .tasks import send_account_exists_email, send_signup_confirmation_email

    email = User.objects.normalize_email(email).lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and (existing.is_active or existing.last_login):
        make_password(password)  # the same hashing work as creating an account
        transaction.on_commit(
            lambda: send_account_exists_email.enqueue(user_id=existing.pk)
        )
        return
    user = existing or User(email=email)
    user.full_name = full_name
    user.organisation = organisation
    user.job_role = job_role
    user.is_active = False
    user.set_password(password)
    user.save()
    transaction.on_commit(
        lambda: send_signup_confirmation_email.enqueue(user_id=user.pk)
    )


@transaction.atomic
def signup_confirm(*, user: User) -> User:
    """Activate an account whose holder followed the emailed link."""
    User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    user.is_active = True
    return user
