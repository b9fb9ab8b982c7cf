"""Admin fields with accessible names where Wagtail's editor gives none.

Wagtail labels a lone block in a StreamField or ListBlock, and a Draftail rich-text
editor, only visually: the input itself has no accessible name, so screen readers
announce "edit text" and axe-core reports a critical "label" violation. These
classes give each the name a sighted editor sees; the rich-text editor itself is in
``training.rich_text_widget`` (loaded by settings, after the app registry).
"""

from django.utils.functional import cached_property
from wagtail import blocks


class _SameDataMixin:
    """Deconstructs as the Wagtail block it extends: the accessible name changes
    how the editor is presented, not what is stored, so no migration records it."""

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        kwargs.pop("accessible_name", None)
        base = type(self).__mro__[2]  # the Wagtail block after this mixin
        return f"wagtail.blocks.{base.__name__}", args, kwargs


class LabelledRichTextBlock(_SameDataMixin, blocks.RichTextBlock):
    """A rich-text block whose editor is named by the block's label."""

    @cached_property
    def field(self):
        field = super().field
        widget = field.widget
        if isinstance(getattr(widget, "options", None), dict):
            widget.options = {**widget.options, "ariaLabel": str(self.label)}
        return field


class LabelledCharBlock(_SameDataMixin, blocks.CharBlock):
    """A one-line text block whose input is named by ``accessible_name`` (or its
    label), for blocks shown alone in a StreamField or ListBlock."""

    def __init__(self, *args, accessible_name: str | None = None, **kwargs):
        self.accessible_name = accessible_name
        super().__init__(*args, **kwargs)
        self._name_input()

    def set_name(self, name):
        super().set_name(name)
        self._name_input()

    def _name_input(self):
        name = self.accessible_name or self.label
        if name:
            self.field.widget.attrs["aria-label"] = str(name)
