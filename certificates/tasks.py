"""Background work for certificates that reads every stage: the managers' weekly
digest (and, later in this module, recertification reminders).

Periodic tasks are listed in ``SCHEDULED_TASKS``. Each records what it is about to
send before sending it, under a unique constraint, so running a job twice sends
nothing twice; each email task checks ``sent_at`` first for the same reason.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from training.models import Membership, MembershipRole, MembershipStatus

from .models import ManagerDigest
from .team import team_digest


@task()
def manager_digests_send() -> int:
    """Record this week's digest for every current manager who has not had it."""
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    count = 0
    managers = Membership.objects.filter(
        status=MembershipStatus.ACTIVE,
        role=MembershipRole.MANAGER,
        user__is_active=True,
    ).values_list("user_id", "organisation_id")
    for user_id, organisation_id in managers:
        try:
            with transaction.atomic():
                digest, created = ManagerDigest.objects.get_or_create(
                    manager_id=user_id, organisation_id=organisation_id, week=week
                )
                if created:
                    count += 1
                    transaction.on_commit(
                        lambda pk=digest.pk: manager_digest_email.enqueue(digest_id=pk)
                    )
        except IntegrityError:  # another run recorded it between our steps
            continue
    return count


@task()
def manager_digest_email(*, digest_id: int) -> bool:
    """Email one recorded digest, unless it was sent already."""
    with transaction.atomic():
        digest = (
            ManagerDigest.objects.select_for_update(of=("self",))
            .select_related("manager", "organisation")
            .filter(pk=digest_id, sent_at__isnull=True)
            .first()
        )
        if digest is None:
            return False
        summary = team_digest(organisation=digest.organisation)
        context = {
            "manager": digest.manager,
            "organisation": digest.organisation,
            "summary": summary,
            "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        }
        send_mail(
            f"Your team this week: {digest.organisation.name}",
            render_to_string("certificates/email/manager_digest.txt", context),
            None,
            [digest.manager.email],
        )
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
    return True
