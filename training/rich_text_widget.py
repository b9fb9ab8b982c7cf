"""The Draftail rich-text editor with an accessible name (see accessible_fields),
that never fails on a value its own editor could not have sent."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
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

    def value_from_datadict(self, data, files, name):
        """The editor's value as stored rich text.

        The editor posts its content as Draftail JSON. Anything else (raw HTML, a
        list, a block that is not an object) made Wagtail's converter raise, a 500
        for the whole form. Such a value is kept as the plain text it is, escaped
        into one paragraph: nothing typed is lost, and none of it becomes markup.
        """
        try:
            return super().value_from_datadict(data, files, name)
        except Exception:  # noqa: BLE001 - any unreadable editor value is bad input
            raw = data.get(name, "")
            return f"<p>{escape(raw)}</p>" if str(raw).strip() else ""
