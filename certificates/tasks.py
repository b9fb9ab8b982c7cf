"""Certificate work done off the request path, by the task worker in production:
rendering and signing, emails, status lists, and the periodic jobs that read every
stage (expiry, the managers' weekly digest, recertification reminders).

Each task is safe to run twice (a retry, a worker killed and restarted): the
services they call lock the certificate and look at its state first, and periodic
jobs record what they are about to send under a unique constraint, so running a job
twice sends nothing twice; each email task checks ``sent_at`` first.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from training.models import Membership, MembershipRole, MembershipStatus
from training.selectors import current_membership, team_managers

from . import credentials, services
from .models import Certificate, CertificateReminder, CertificateStatus, ManagerDigest
from .recertification import refresher_is, reminder_days
from .team import team_digest


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
def certificate_files_clean() -> int:
    """Scheduled: delete PDF files left by renders cut off before their row was
    saved (an hour old at least)."""
    return len(
        services.certificate_files_orphaned_delete(older_than=timedelta(hours=1))
    )


@task()
def status_list_publish_task(*, number: int) -> None:
    """Re-sign one status list after a revocation or reissue has committed."""
    credentials.status_list_publish(number=number)


@task()
def status_lists_refresh() -> None:
    """Re-sign every status list before its validUntil passes (scheduled)."""
    for number in credentials.status_list_numbers():
        credentials.status_list_publish(number=number)


# --- Managers' digests ---------------------------------------------------------------


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


# --- Recertification reminders ------------------------------------------------------


@task()
def recertification_reminders_send() -> int:
    """Record the reminder due now for each certificate nearing expiry: the latest
    point (90, 30, 7 days...) it has reached, once per certificate and point."""
    points = reminder_days()
    if not points:
        return 0
    now = timezone.now()
    count = 0
    nearing = Certificate.objects.filter(
        status=CertificateStatus.VALID,
        user__isnull=False,
        user__is_active=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=points[0]),
    ).values_list("pk", "expires_at")
    nearing = list(nearing)
    # A reissue (same completion, same expiry) was already reminded as the
    # certificate it replaced: it carries those reminders on, unsent. A renewal by
    # a refresher is a new completion and is reminded afresh.
    reminded_before = set(
        CertificateReminder.objects.filter(
            certificate__superseded_by_id__in=[pk for pk, _ in nearing],
            certificate__completion_id=F("certificate__superseded_by__completion_id"),
        ).values_list("certificate__superseded_by_id", "days_before")
    )
    for pk, expires_at in nearing:
        days_left = (expires_at - now).total_seconds() / 86400
        point = min(p for p in points if days_left <= p)
        carried = (pk, point) in reminded_before
        try:
            with transaction.atomic():
                reminder, created = CertificateReminder.objects.get_or_create(
                    certificate_id=pk,
                    days_before=point,
                    defaults={"sent_at": now} if carried else {},
                )
                if created and not carried:
                    count += 1
                    transaction.on_commit(
                        lambda rid=reminder.pk: recertification_reminder_email.enqueue(
                            reminder_id=rid
                        )
                    )
        except IntegrityError:
            continue
    return count


@task()
def recertification_reminder_email(*, reminder_id: int) -> bool:
    """Email one recorded reminder to the holder and their managers, once."""
    with transaction.atomic():
        reminder = (
            CertificateReminder.objects.select_for_update(of=("self",))
            .select_related(
                "certificate__user", "certificate__course__refresher_course"
            )
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return False
        certificate = reminder.certificate
        holder = certificate.user
        course = certificate.course
        refresher = course.refresher_course if course else None
        if refresher is None and course and refresher_is(course):
            # Issued by a refresher: the next cycle renews it with the same one.
            refresher = course
        base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        context = {
            "certificate": certificate,
            "holder": holder,
            "refresher": refresher if refresher and refresher.live else None,
            "refresher_url": base_url + refresher.url
            if refresher and refresher.live and refresher.url
            else "",
            "base_url": base_url,
        }
        subject = (
            f"Your certificate for {certificate.course_title} expires on "
            f"{certificate.expires_on:%-d %B %Y}"
        )
        send_mail(
            subject,
            render_to_string("certificates/email/recertification_holder.txt", context),
            None,
            [holder.email],
        )
        membership = current_membership(user=holder)
        if membership is not None:
            managers = [
                m.email
                for m in team_managers(organisation=membership.organisation)
                if m.pk != holder.pk
            ]
            if managers:
                send_mail(
                    f"{certificate.holder_name}'s certificate expires on "
                    f"{certificate.expires_on:%-d %B %Y}",
                    render_to_string(
                        "certificates/email/recertification_manager.txt",
                        {**context, "organisation": membership.organisation},
                    ),
                    None,
                    managers,
                )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True
