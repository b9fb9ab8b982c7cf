"""Block and list-item ids are UUIDs on every StreamField, whatever path writes them.

A trainer who saved an id such as ``"><img src=x onerror=...>`` got it written
unescaped into the page editor of whoever opened the page next (Wagtail 8.0.1); an id
with a "/" broke the published lesson for everyone. See SECURITY.md.
"""

import json
import uuid

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail import blocks as wagtail_blocks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from courses.models import CoursePage, Enrolment, LessonPage
from training.block_ids import clean_block_ids_migration, replacement_block_id
from training.blocks import LessonStreamBlock, UUIDListBlock, UUIDStreamBlock
from training.models import StandardPage

pytestmark = pytest.mark.django_db

PAYLOAD = '"><img src=x onerror="document.title=\'pwned\'">'
GOOD = "0b6c2f0e-8a4f-4b0e-9d3e-2f1a5c7d9e10"


def _stream_fields():
    for model in django_apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                yield model, field


def _walk(block):
    yield block
    children = getattr(block, "child_blocks", None)
    if children:
        for child in children.values():
            yield from _walk(child)
    child = getattr(block, "child_block", None)
    if child is not None:
        yield from _walk(child)


def test_every_stream_field_of_the_project_checks_its_ids():
    fields = [
        (model, field)
        for model, field in _stream_fields()
        if model._meta.app_label
        in {"training", "courses", "assessments", "certificates"}
    ]
    names = {f"{model.__name__}.{field.name}" for model, field in fields}
    assert {
        "LessonPage.body",
        "StandardPage.body",
        "CoursePage.learning_outcomes",
    } <= names
    for model, field in fields:
        assert isinstance(field.stream_block, UUIDStreamBlock), field
        for block in _walk(field.stream_block):
            if isinstance(block, wagtail_blocks.ListBlock):
                assert isinstance(block, UUIDListBlock), (model, field, block)
            if isinstance(block, wagtail_blocks.StreamBlock):
                assert isinstance(block, UUIDStreamBlock), (model, field, block)


def _posted(block, data):
    return block.value_from_datadict(data, {}, "body")


def _one_heading(block_id):
    return {
        "body-count": "1",
        "body-0-type": "heading",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": block_id,
        "body-0-value-text": "Risk",
        "body-0-value-level": "h2",
    }


@pytest.mark.parametrize(
    "bad",
    [PAYLOAD, "a/b", "reflection-1", GOOD.upper(), GOOD.replace("-", ""), " " + GOOD],
)
def test_a_posted_block_id_that_is_not_a_uuid_is_refused(bad):
    block = LessonStreamBlock()
    with pytest.raises(ValidationError):
        block.clean(_posted(block, _one_heading(bad)))


@pytest.mark.parametrize("good", [GOOD, ""])
def test_a_uuid_or_a_new_block_without_id_is_accepted(good):
    block = LessonStreamBlock()
    value = block.clean(_posted(block, _one_heading(good)))
    prepared = block.get_prep_value(value)
    assert uuid.UUID(prepared[0]["id"])
    if good:
        assert prepared[0]["id"] == good


def test_a_list_item_id_that_is_not_a_uuid_is_refused():
    block = LessonStreamBlock()
    data = {
        "body-count": "1",
        "body-0-type": "case_study",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": GOOD,
        "body-0-value-title": "Sam",
        "body-0-value-vignette": rich_text("<p>Sam.</p>"),
        "body-0-value-questions-count": "1",
        "body-0-value-questions-0-deleted": "",
        "body-0-value-questions-0-order": "0",
        "body-0-value-questions-0-id": PAYLOAD,
        "body-0-value-questions-0-value": "What next?",
    }
    with pytest.raises(ValidationError):
        block.clean(_posted(block, data))
    data["body-0-value-questions-0-id"] = str(uuid.uuid4())
    block.clean(_posted(block, data))


def test_learning_outcomes_refuse_a_bad_id():
    field = CoursePage._meta.get_field("learning_outcomes")
    block = field.stream_block
    data = {
        "body-count": "1",
        "body-0-type": "outcome",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": PAYLOAD,
        "body-0-value": "Ask about relationships",
    }
    with pytest.raises(ValidationError):
        block.clean(_posted(block, data))


def _lesson_form(lesson, *, block_id, question_id=None):
    body = [
        (
            "reflection",
            {"prompt": "What stops you asking?", "guidance": rich_text("")},
        ),
        (
            "case_study",
            {
                "title": "Sam",
                "vignette": rich_text("<p>Sam.</p>"),
                "questions": {
                    "count": 1,
                    "0": {"value": "What next?", "deleted": "", "order": 0},
                },
            },
        ),
    ]
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "minutes": 10,
            "body": streamfield(body),
            "comments": inline_formset([]),
        }
    )
    data["body-0-id"] = block_id
    data["body-1-id"] = str(uuid.uuid4())
    data["body-1-value-questions-0-id"] = question_id or str(uuid.uuid4())
    return data


@pytest.fixture
def lesson(course):
    return LessonPage.objects.descendant_of(course).first()


@pytest.mark.parametrize("where", ["block", "list item"])
def test_saving_a_draft_with_a_bad_id_is_refused(trainer_client, lesson, where):
    before = lesson.revisions.count()
    data = (
        _lesson_form(lesson, block_id=PAYLOAD)
        if where == "block"
        else _lesson_form(lesson, block_id=str(uuid.uuid4()), question_id=PAYLOAD)
    )
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data
    )
    assert response.status_code == 200  # the form again, with the error
    assert "could not be saved" in response.content.decode()
    assert lesson.revisions.count() == before
    # The form shown again does not carry the id either.
    assert "onerror" not in response.content.decode()


def test_a_draft_with_uuid_ids_saves(trainer_client, lesson):
    before = lesson.revisions.count()
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        _lesson_form(lesson, block_id=str(uuid.uuid4())),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert lesson.revisions.count() == before + 1


def test_autosave_with_a_bad_id_is_refused(trainer_client, lesson):
    before = lesson.revisions.count()
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        _lesson_form(lesson, block_id=PAYLOAD),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert lesson.revisions.count() == before


def test_preview_with_a_bad_id_is_refused(trainer_client, lesson):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    response = trainer_client.post(url, _lesson_form(lesson, block_id=PAYLOAD))
    assert response.json()["is_valid"] is False
    shown = trainer_client.get(url)
    assert PAYLOAD not in shown.content.decode()


def _store_raw(model, pk, field, data):
    """Write stream data as it may be stored already, bypassing the blocks."""
    table = model._meta.db_table
    column = model._meta.get_field(field).column
    pk_column = model._meta.pk.column
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {cast} WHERE {pk_column} = %s",  # noqa: S608
            [json.dumps(data), pk],
        )


def _stored_reflection(bad_id):
    return [
        {
            "type": "reflection",
            "id": bad_id,
            "value": {"prompt": "What stops you asking?", "guidance": ""},
        },
        {
            "type": "case_study",
            "id": str(uuid.uuid4()),
            "value": {
                "title": "Sam",
                "vignette": "<p>Sam.</p>",
                "questions": [{"type": "item", "id": PAYLOAD, "value": "Next?"}],
            },
        },
    ]


def test_a_stored_bad_id_never_breaks_the_published_lesson(client, lesson, learner):
    Enrolment.objects.create(user=learner, course=lesson.course())
    _store_raw(LessonPage, lesson.pk, "body", _stored_reflection("a/b"))
    client.force_login(learner)
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    stand_in = replacement_block_id("a/b")
    assert f'action="/lessons/{lesson.pk}/reflections/{stand_in}/' in html or (
        stand_in in html
    )
    # The learner can save a reflection on it, and reads it back.
    saved = client.post(
        reverse("reflection_save", args=[lesson.pk, stand_in]), {"text": "Noted."}
    )
    assert saved.status_code in (302, 303)
    assert "Noted." in client.get(lesson.url).content.decode()


def test_a_stored_bad_id_never_reaches_the_editor(trainer_client, lesson):
    _store_raw(LessonPage, lesson.pk, "body", _stored_reflection(PAYLOAD))
    revision = lesson.save_revision()  # the editor opens the latest revision
    revision.content["body"] = json.dumps(_stored_reflection(PAYLOAD))
    revision.save(update_fields=["content"])
    response = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "onerror" not in html
    assert replacement_block_id(PAYLOAD) in html


def _historical_apps():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(
        [("courses", "0006_block_ids_uuid"), ("training", "0004_block_ids_uuid")]
    ).apps


def test_the_migration_cleans_stored_pages_and_revisions(lesson, home):
    course = lesson.course()
    standard = home.add_child(instance=StandardPage(title="Support", slug="support"))
    _store_raw(LessonPage, lesson.pk, "body", _stored_reflection(PAYLOAD))
    _store_raw(
        CoursePage,
        course.pk,
        "learning_outcomes",
        [{"type": "outcome", "id": "x/y", "value": "Ask"}],
    )
    _store_raw(StandardPage, standard.pk, "body", _stored_reflection("a/b"))
    revision = Page.objects.get(pk=lesson.pk).specific.save_revision()
    revision.content["body"] = json.dumps(_stored_reflection(PAYLOAD))
    revision.save(update_fields=["content"])

    historical = _historical_apps()
    for app_label, model_name, fields in [
        ("courses", "LessonPage", ["body"]),
        ("courses", "CoursePage", ["learning_outcomes"]),
        ("training", "StandardPage", ["body"]),
    ]:
        clean_block_ids_migration(
            app_label=app_label, model_name=model_name, fields=fields
        )(historical, None)

    def raw(model, pk, field):
        table, column = model._meta.db_table, model._meta.get_field(field).column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {table} WHERE {model._meta.pk.column} = %s",  # noqa: S608
                [pk],
            )
            value = cursor.fetchone()[0]
        return json.loads(value) if isinstance(value, str) else value

    body = raw(LessonPage, lesson.pk, "body")
    assert body[0]["id"] == replacement_block_id(PAYLOAD)
    assert body[1]["value"]["questions"][0]["id"] == replacement_block_id(PAYLOAD)
    assert raw(CoursePage, course.pk, "learning_outcomes")[0]["id"] == (
        replacement_block_id("x/y")
    )
    assert raw(StandardPage, standard.pk, "body")[0]["id"] == replacement_block_id(
        "a/b"
    )
    revision.refresh_from_db()
    assert PAYLOAD not in revision.content["body"]
    assert replacement_block_id(PAYLOAD) in revision.content["body"]
