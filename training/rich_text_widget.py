"""The Draftail rich-text editor with an accessible name (see accessible_fields)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    """The rich-text editor (WAGTAILADMIN_RICH_TEXT_EDITORS), named by its field's
    label in forms rendered on the server (FieldPanel labels have id "<id>-label")."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = (attrs or {}).get("id")
        if field_id and "ariaLabel" not in self.options:
            options = {**self.options, "ariaLabelledBy": f"{field_id}-label"}
            context["widget"]["attrs"]["data-w-init-detail-value"] = json.dumps(
                options, cls=DjangoJSONEncoder
            )
        return context
