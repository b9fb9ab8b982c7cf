"""Background work for people: invitation emails.

Safe to run twice: each invitation is marked sent before its email goes, in a
single UPDATE that only one run can win.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Invitation


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
