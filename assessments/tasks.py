"""Background work for quizzes: telling a learner their written answers are marked.

Enqueued after commit by ``assessments.marking``; safe to run twice (each release
is emailed once, remembered on the marking row by its version).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Attempt, AttemptMarking


@task()
def attempt_marked_notify(*, attempt_id: int, remarked: bool = False) -> bool:
    """Email the learner that their attempt has been marked (or re-marked).

    Returns whether an email was sent; a release already emailed is not sent again.
    """
    with transaction.atomic():
        marking = (
            AttemptMarking.objects.select_for_update(of=("self",))
            .select_related("attempt__user", "attempt__quiz")
            .filter(attempt_id=attempt_id, released_at__isnull=False)
            .first()
        )
        if marking is None or marking.notified_version == marking.version:
            return False
        attempt: Attempt = marking.attempt
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        context = {
            "attempt": attempt,
            "user": attempt.user,
            "quiz": attempt.quiz,
            "remarked": remarked,
            "result_url": base + reverse("assessments:result", args=[attempt.pk]),
        }
        subject = " ".join(
            render_to_string(
                "assessments/email/attempt_marked_subject.txt", context
            ).split()
        )
        body = render_to_string("assessments/email/attempt_marked.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [attempt.user.email])
        marking.notified_version = marking.version
        marking.save(update_fields=["notified_version"])
    return True
