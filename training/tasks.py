"""Emails about accounts and invitations, sent after the request that asked for
them commits. Safe to run twice: confirmation links are not sent once an account is
active, and each invitation is marked sent before its email goes, in a single UPDATE
that only one run can win."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .auth import account_activation_token
from .models import Invitation, User


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(*, user: User, template: str, context: dict) -> None:
    context = {"user": user, "site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"registration/{template}_subject.txt", context)
    body = render_to_string(f"registration/{template}_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


@task()
def send_signup_confirmation_email(*, user_id: int) -> None:
    """The link that confirms a new account. Nothing is sent once it is active."""
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:
        return
    path = reverse(
        "signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": account_activation_token.make_token(user),
        },
    )
    _send(user=user, template="signup_confirm", context={"link": _absolute(path)})


@task()
def send_account_exists_email(*, user_id: int) -> None:
    """Tells an account holder that someone tried to sign up with their address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    _send(
        user=user,
        template="signup_exists",
        context={
            "login_link": _absolute(reverse("login")),
            "reset_link": _absolute(reverse("password_reset")),
        },
    )


@task()
def invitations_send(*, invitation_ids: list[int]) -> int:
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for invitation in Invitation.objects.filter(
        pk__in=invitation_ids, sent_at__isnull=True, accepted_at__isnull=True
    ).select_related("organisation", "invited_by"):
        claimed = Invitation.objects.filter(
            pk=invitation.pk, sent_at__isnull=True
        ).update(sent_at=timezone.now())
        if not claimed:
            continue
        url = base_url + reverse("invitation_accept", args=[invitation.token])
        send_mail(
            f"Join {invitation.organisation.name} on ADVANCE training",
            render_to_string(
                "training/email/invitation.txt",
                {"invitation": invitation, "url": url},
            ),
            None,
            [invitation.email],
        )
        sent += 1
    return sent
