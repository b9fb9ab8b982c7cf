"""Hostile text in a lesson's blocks, typed by a trainer, is kept only as text
(issue 10, hostile-input pass): including a rich-text value the editor never sends,
which used to be a 500."""

import uuid

import pytest
from django.urls import reverse

from courses.models import Enrolment, LessonPage
from tests.courses.test_block_ids import _lesson_form
from tests.hostile import assert_inert, hostile

pytestmark = pytest.mark.django_db


def test_raw_html_in_a_block_s_rich_text_is_kept_as_text(
    trainer_client, course, learner, client
):
    lesson = LessonPage.objects.descendant_of(course).first()
    data = _lesson_form(lesson, block_id=str(uuid.uuid4()))
    data["title"] = hostile("Lesson", limit=255)
    data["body-0-value-prompt"] = hostile("Prompt")
    data["body-0-value-guidance"] = hostile("<p>Guidance</p>")  # not Draftail JSON
    data["body-1-value-title"] = hostile("Sam", limit=200)
    data["body-1-value-vignette"] = "[1, 2]"
    data["action-publish"] = "publish"
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    lesson.refresh_from_db()
    assert "Guidance" in str(lesson.body[0].value["guidance"])
    assert "<script" not in str(lesson.body[0].value["guidance"])
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert edit.status_code == 200
    assert_inert(edit.content.decode())
    Enrolment.objects.create(user=learner, course=course)
    client.force_login(learner)
    page = client.get(lesson.url)
    assert page.status_code == 200
    assert "Guidance" in page.content.decode()
    assert_inert(page.content.decode())
