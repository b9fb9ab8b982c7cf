"""Block and list-item ids in StreamFields: only UUIDs.

Wagtail's editor gives every block a UUID, but the server took any string, and the
editor (Wagtail 8.0.1) writes ids into its HTML unescaped, so an id was markup a
trainer controlled (see SECURITY.md). The blocks in blocks.py refuse other ids; the
functions here also clean ids stored before that check (pages and revisions).
"""

import json
import re
import uuid

BLOCK_ID_PATTERN = re.compile(
    r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"
)
# Ids that were stored before the check are replaced by one derived from them, so a
# page renders the same id on every request (a reflection form posts back to it).
_REPLACED_ID_NAMESPACE = uuid.UUID("6f1d7c1e-2b0a-4a44-9d0e-3c5f2a9b7e41")
BAD_BLOCK_ID_MESSAGE = (
    "This content has a block id the server does not accept, so it was not saved. "
    "Reload the page and make the change again."
)


def block_id_is_valid(block_id) -> bool:
    """True for an id Wagtail itself would make: a lower-case, hyphenated UUID."""
    return isinstance(block_id, str) and bool(BLOCK_ID_PATTERN.match(block_id))


def block_id_or_empty_is_valid(block_id) -> bool:
    """New blocks may arrive with no id (the server then assigns one)."""
    return block_id in (None, "") or block_id_is_valid(block_id)


def replacement_block_id(block_id) -> str:
    """A UUID standing in for a stored id that is not one; the same every time."""
    return str(uuid.uuid5(_REPLACED_ID_NAMESPACE, str(block_id)))


def clean_stored_block_ids(data):
    """Stored stream data (JSON-like) with every block and list-item id a UUID.

    Walks any nesting of streams, lists and structs: a dict shaped like a stream
    child or list item (``type``, ``value`` and ``id``) whose id is not a UUID gets
    ``replacement_block_id``. Returns ``(data, changed)``; the input is not modified.
    """
    if isinstance(data, list):
        changed = False
        items = []
        for item in data:
            new, item_changed = clean_stored_block_ids(item)
            items.append(new)
            changed = changed or item_changed
        return items, changed
    if isinstance(data, dict):
        changed = False
        result = {}
        for key, item in data.items():
            new, item_changed = clean_stored_block_ids(item)
            result[key] = new
            changed = changed or item_changed
        if (
            "type" in result
            and "value" in result
            and "id" in result
            and not block_id_or_empty_is_valid(result["id"])
        ):
            result["id"] = replacement_block_id(result["id"])
            changed = True
        return result, changed
    return data, False


def clean_block_ids_migration(*, app_label: str, model_name: str, fields: list[str]):
    """A RunPython function cleaning the ids in ``fields`` of a page model, in its
    rows and in every revision of it."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        content_type_model = apps.get_model("contenttypes", "ContentType")
        revision_model = apps.get_model("wagtailcore", "Revision")
        for obj in model.objects.only("pk", *fields).iterator():
            updates = {}
            for field in fields:
                raw = [dict(item) for item in getattr(obj, field).raw_data]
                cleaned, changed = clean_stored_block_ids(raw)
                if changed:
                    updates[field] = cleaned
            if updates:
                model.objects.filter(pk=obj.pk).update(**updates)

        content_type = content_type_model.objects.filter(
            app_label=app_label, model=model_name.lower()
        ).first()
        if content_type is None:
            return
        revisions = revision_model.objects.filter(content_type=content_type)
        for revision in revisions.only("pk", "content").iterator():
            content = revision.content
            changed_any = False
            for field in fields:
                value = content.get(field)
                as_text = isinstance(value, str)
                if as_text:
                    try:
                        value = json.loads(value)
                    except ValueError:
                        continue
                if not isinstance(value, list):
                    continue
                cleaned, changed = clean_stored_block_ids(value)
                if changed:
                    content[field] = json.dumps(cleaned) if as_text else cleaned
                    changed_any = True
            if changed_any:
                revision_model.objects.filter(pk=revision.pk).update(content=content)

    return forwards
