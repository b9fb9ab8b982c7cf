"""What a trainer can do in the admin: author and preview pages, not manage users."""

import pytest
from django.urls import reverse

from courses.models import LessonPage

pytestmark = pytest.mark.django_db


def test_trainer_can_open_the_forms_to_add_each_course_page(trainer_client, course):
    module = course.get_children().first()
    for model, parent in [
        ("coursepage", course.get_parent()),
        ("modulepage", course),
        ("lessonpage", module),
    ]:
        url = reverse("wagtailadmin_pages:add", args=["courses", model, parent.pk])
        assert trainer_client.get(url).status_code == 200, model


def test_trainer_can_edit_and_preview_a_lesson(trainer_client, trainer, course, rf):
    lesson = LessonPage.objects.descendant_of(course).first()
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert edit.status_code == 200
    assert "Reflection" in edit.content.decode()  # the block menu offers our blocks
    # The preview panel serves the page to the trainer, who is not enrolled.
    request = rf.get(lesson.url)
    request.user = trainer
    preview = lesson.serve_preview(request, lesson.default_preview_mode)
    preview.render()
    assert preview.status_code == 200
    assert lesson.title in preview.content.decode()


def test_trainer_cannot_manage_users_or_settings(trainer_client):
    assert trainer_client.get(reverse("wagtailusers_users:index")).status_code in (
        302,
        403,
    )
    assert trainer_client.get(reverse("wagtailusers_groups:index")).status_code in (
        302,
        403,
    )
    response = trainer_client.get("/admin/settings/training/supportsettings/")
    assert response.status_code in (302, 403)


def test_learners_cannot_open_the_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")
