"""Background work for courses: assignment reminders.

``assignment_reminders_send`` is periodic (``SCHEDULED_TASKS``): it records each
reminder that is due, once per assignment, kind and due date, and hands the email to
``assignment_reminder_email``. Both are safe to run twice: a reminder recorded once
is never recorded again, and an email already sent is not sent again.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import AssignmentReminder, AssignmentReminderKind
from .selectors import assignments_due_for_reminder
from .services import assignment_reminder_record

DEFAULT_DAYS_BEFORE = 7


def _email(reminder_id: int) -> None:
    transaction.on_commit(
        lambda: assignment_reminder_email.enqueue(reminder_id=reminder_id)
    )


@task()
def assignment_reminders_send() -> int:
    """Record and send the reminders due today; return how many were new."""
    days = getattr(settings, "ASSIGNMENT_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE)
    today = timezone.localdate()
    count = 0
    for assignment, kind in list(
        assignments_due_for_reminder(today=today, days_before=days)
    ):
        with transaction.atomic():
            reminder, created = assignment_reminder_record(
                assignment=assignment, kind=kind
            )
            if created:
                count += 1
                _email(reminder.pk)
    return count


@task()
def assignment_reminder_email(*, reminder_id: int) -> bool:
    """Email one recorded reminder to the learner, unless it was sent already."""
    with transaction.atomic():
        reminder = (
            AssignmentReminder.objects.select_for_update(of=("self",))
            .select_related(
                "assignment__user", "assignment__course", "assignment__organisation"
            )
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return False
        assignment = reminder.assignment
        context = {
            "assignment": assignment,
            "user": assignment.user,
            "overdue": reminder.kind == AssignmentReminderKind.OVERDUE,
            "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        }
        subject = (
            f"Overdue: {assignment.course.title}"
            if context["overdue"]
            else f"Due {assignment.due_on:%-d %B}: {assignment.course.title}"
        )
        send_mail(
            subject,
            render_to_string("courses/email/assignment_reminder.txt", context),
            None,
            [assignment.user.email],
        )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True
