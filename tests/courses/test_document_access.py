"""Lesson resources in Documents are for enrolled learners; other documents are public.

Before, anyone who knew a course document's address downloaded it.
"""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, ReferenceIndex

from courses.models import Enrolment, LessonPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Documents are served from files on disk, as in a deployment."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def _document(title, collection=None):
    document = Document(
        title=title, collection=collection or Collection.get_first_root_node()
    )
    document.file.save(f"{title}.txt", ContentFile(b"Handout text."), save=False)
    document.save()
    return document


def _use_in_lesson(lesson, document):
    lesson.body = [
        {
            "type": "resource",
            "value": {"document": document.pk, "title": "", "description": ""},
        }
    ]
    lesson.save()
    ReferenceIndex.create_or_update_for_object(lesson)


@pytest.fixture
def lesson(course):
    return LessonPage.objects.descendant_of(course).first()


@pytest.fixture
def resource(lesson):
    document = _document("risk-checklist")
    _use_in_lesson(lesson, document)
    return document


def _get(client, document):
    return client.get(document.url)


def test_anonymous_visitors_are_sent_to_sign_in(client, resource):
    response = _get(client, resource)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_learner_not_on_the_course_is_refused(client, resource):
    client.force_login(UserFactory())
    assert _get(client, resource).status_code == 403


def test_an_enrolled_learner_downloads_it(client, resource, lesson):
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=lesson.course())
    client.force_login(learner)
    response = _get(client, resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Handout text."


def test_trainers_download_it(trainer_client, resource):
    assert _get(trainer_client, resource).status_code == 200


def test_a_document_used_in_no_lesson_stays_public(client, lesson):
    leaflet = _document("helpline-leaflet")
    assert _get(client, leaflet).status_code == 200


def test_a_document_in_the_public_collection_stays_public(client, lesson):
    public = Collection.get_first_root_node().add_child(name="Public")
    handout = _document("shareable-handout", collection=public)
    _use_in_lesson(lesson, handout)
    assert _get(client, handout).status_code == 200


def test_the_file_is_not_served_from_media_either(client, resource):
    assert client.get(resource.file.url).status_code == 404
