"""The demo learner account is part-way through the foundation course: progress,
a quiz in progress and a certificate for another course."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments.models import Attempt, AttemptStatus
from certificates.models import Certificate
from courses.models import CoursePage
from courses.selectors import course_progress
from training.models import User

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"


def test_the_demo_learner_has_a_history_a_newcomer_can_see(client):
    call_command("load_demo", force=True, root=DEMO, stdout=io.StringIO())
    learner = User.objects.get(email="learner@example.org")
    foundation = CoursePage.objects.get(slug="foundation")
    progress = course_progress(course=foundation, user=learner)
    assert 0 < progress.percent < 100
    open_attempt = Attempt.objects.get(user=learner, status=AttemptStatus.IN_PROGRESS)
    assert open_attempt.items.exclude(response=None).exists()
    certificate = Certificate.objects.get(user=learner)
    assert certificate.course.slug == "womens-support-worker"

    assert learner.check_password("learner-demo-pass")
    client.force_login(learner)
    html = client.get("/my-learning/").content.decode()
    assert f"{progress.percent}% complete" in html
    assert "Download certificate (PDF)" in html
    # Loading again changes nothing.
    attempts = Attempt.objects.filter(user=learner).count()
    call_command("load_demo", force=True, root=DEMO, stdout=io.StringIO())
    assert Attempt.objects.filter(user=learner).count() == attempts
