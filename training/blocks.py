"""The blocks a trainer builds a lesson from, shared by every page with a body.

Editors meet these in the "Body" field of a lesson (and of standard pages such as
"Getting support"): the "+" button lists them with the description given here.
They live in training, the first stage, so courses (lessons) and training (standard
pages) both use them without training importing courses.
"""

import json

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

from .accessible_fields import LabelledCharBlock, LabelledRichTextBlock
from .block_ids import (
    BAD_BLOCK_ID_MESSAGE,
    block_id_or_empty_is_valid,
    clean_stored_block_ids,
    replacement_block_id,
)

RICH_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class UUIDStreamBlock(blocks.StreamBlock):
    """A StreamBlock that accepts only UUIDs as block ids, on every path.

    ``clean`` (saves, previews, autosaves: every editor form) refuses a submitted id
    that is not a UUID; ``to_python`` (the database, revisions, JSON) replaces one
    that was stored before the check, so no page ever renders it. A refused id is
    also replaced in the submitted value, so the editor shown again with the error
    does not render it either.
    """

    def value_from_datadict(self, data, files, prefix):
        value = super().value_from_datadict(data, files, prefix)
        for child in value:
            if not block_id_or_empty_is_valid(child.id):
                child.id = replacement_block_id(child.id)
                value.refused_block_ids = True
        return value

    def clean(self, value):
        if getattr(value, "refused_block_ids", False) or any(
            not block_id_or_empty_is_valid(child.id) for child in value
        ):
            raise StreamBlockValidationError(
                non_block_errors=ErrorList([ValidationError(BAD_BLOCK_ID_MESSAGE)])
            )
        return super().clean(value)

    def to_python(self, value):
        if isinstance(value, str) and value:
            try:
                value = json.loads(value)
            except ValueError:
                return super().to_python(value)
        if isinstance(value, list):
            value, _ = clean_stored_block_ids(value)
        return super().to_python(value)

    def bulk_to_python(self, values):
        return super().bulk_to_python(
            [clean_stored_block_ids(value)[0] for value in values]
        )


class UUIDListBlock(blocks.ListBlock):
    """A ListBlock that accepts only UUIDs as list-item ids (see UUIDStreamBlock)."""

    def value_from_datadict(self, data, files, prefix):
        value = super().value_from_datadict(data, files, prefix)
        for child in value.bound_blocks:
            if not block_id_or_empty_is_valid(child.original_id):
                child.id = child.original_id = replacement_block_id(child.original_id)
                value.refused_block_ids = True
        return value

    def clean(self, value):
        value = self.normalize(value)
        if getattr(value, "refused_block_ids", False) or any(
            not block_id_or_empty_is_valid(child.original_id)
            for child in value.bound_blocks
        ):
            raise ListBlockValidationError(
                non_block_errors=ErrorList([ValidationError(BAD_BLOCK_ID_MESSAGE)])
            )
        return super().clean(value)

    def to_python(self, value):
        return super().to_python(clean_stored_block_ids(value)[0])

    def bulk_to_python(self, values):
        return super().bulk_to_python(
            [clean_stored_block_ids(value)[0] for value in values]
        )


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a lesson; its level keeps the page outline sound."""

    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (level 2)"), ("h3", "Subsection (level 3)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        description = "A heading that starts a new section of the lesson."
        preview_value = {
            "text": "Why substances are rarely the whole story",
            "level": "h2",
        }


class KeyPointBlock(blocks.StructBlock):
    """A highlighted callout for the one thing a learner must take away."""

    title = blocks.CharBlock(max_length=200, default="Key point")
    body = LabelledRichTextBlock(features=RICH_FEATURES)

    class Meta:
        icon = "pick"
        template = "blocks/key_point.html"
        description = "A highlighted box for a point learners must remember."
        preview_value = {
            "title": "Key point",
            "body": "<p>Safety of partners and children comes first.</p>",
        }


class CaseStudyBlock(blocks.StructBlock):
    """A practice vignette followed by questions for the learner to think through."""

    title = blocks.CharBlock(max_length=200)
    vignette = LabelledRichTextBlock(features=RICH_FEATURES)
    questions = UUIDListBlock(
        LabelledCharBlock(
            max_length=500, label="Question", accessible_name="Discussion question"
        ),
        label="Discussion questions",
        min_num=1,
    )

    class Meta:
        icon = "user"
        template = "blocks/case_study.html"
        description = "A case vignette with discussion questions."
        preview_value = {
            "title": "Sam, early in treatment",
            "vignette": "<p>Sam mentions arguments at home when he is craving.</p>",
            "questions": ["What would you ask next?"],
        }


class ReflectionBlock(blocks.StructBlock):
    """A question the learner answers privately; only they ever see the answer."""

    prompt = blocks.TextBlock(max_length=1000)
    guidance = LabelledRichTextBlock(features=RICH_FEATURES, required=False)

    class Meta:
        icon = "edit"
        template = "blocks/reflection.html"
        description = "A reflection question; each learner's answer is saved privately."
        preview_value = {
            "prompt": "How do you currently ask about relationships?",
            "guidance": "",
        }


class VideoBlock(blocks.StructBlock):
    """An embedded video, always with a transcript for those who cannot watch it."""

    url = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=200)
    transcript = LabelledRichTextBlock(
        features=RICH_FEATURES, help_text="Required: a full text transcript."
    )

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        description = "An embedded video with its transcript."


class ResourceBlock(blocks.StructBlock):
    """A document from the Documents library offered as a download."""

    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=200, required=False)
    description = blocks.TextBlock(max_length=500, required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/resource.html"
        description = "A downloadable document such as a checklist or handout."


class QuoteBlock(blocks.StructBlock):
    """A quotation or testimony, with who said it and in what setting."""

    quote = blocks.TextBlock(max_length=2000)
    attribution = blocks.CharBlock(max_length=200, required=False)
    context = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        description = "A quotation or testimony."
        preview_value = {
            "quote": "Asking once, kindly and directly, opened the door.",
            "attribution": "A keyworker",
            "context": "",
        }


class AccordionItemBlock(blocks.StructBlock):
    """One question and its answer in an accordion."""

    question = blocks.CharBlock(max_length=300)
    answer = LabelledRichTextBlock(features=RICH_FEATURES)

    class Meta:
        icon = "help"
        template = "blocks/accordion_item.html"
        description = "A question and its answer."
        preview_value = {"question": "Do I have to ask?", "answer": "<p>Yes.</p>"}


class AccordionBlock(blocks.StructBlock):
    """Frequently asked questions that open one at a time."""

    title = blocks.CharBlock(max_length=200, required=False)
    items = UUIDListBlock(AccordionItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/accordion.html"
        description = "Questions and answers that expand when opened (FAQ)."
        preview_value = {
            "title": "Common questions",
            "items": [{"question": "Do I have to ask?", "answer": "<p>Yes.</p>"}],
        }


class SupportServiceValue(blocks.StructValue):
    """Computes the dialable form of a phone number for a tel: link."""

    def tel_href(self):
        digits = "".join(
            ch for ch in self.get("phone", "") if ch.isdigit() or ch == "+"
        )
        return f"tel:{digits}" if digits else ""


HELPLINE_PREVIEW = {
    "name": "National Domestic Abuse Helpline",
    "description": "Free, confidential support, run by Refuge.",
    "phone": "0808 2000 247",
    "url": "",
    "hours": "24 hours",
}


class SupportServiceBlock(blocks.StructBlock):
    """One helpline or service in a support signpost."""

    name = blocks.CharBlock(max_length=200)
    description = blocks.TextBlock(max_length=1000, required=False)
    phone = blocks.CharBlock(max_length=40, required=False)
    url = blocks.URLBlock(required=False, label="Web address")
    hours = blocks.CharBlock(max_length=200, required=False, label="Opening hours")

    class Meta:
        icon = "site"
        template = "blocks/support_service.html"
        value_class = SupportServiceValue
        description = "A helpline or service."
        preview_value = HELPLINE_PREVIEW


class SupportSignpostBlock(blocks.StructBlock):
    """Helplines and services for anyone affected by what they have just read."""

    title = blocks.CharBlock(max_length=200, default="If this has affected you")
    intro = blocks.TextBlock(max_length=1000, required=False)
    services = UUIDListBlock(SupportServiceBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/support_signpost.html"
        description = "Helplines and services for anyone affected by the content."
        preview_value = {
            "title": "If this has affected you",
            "intro": "Support is available.",
            "services": [HELPLINE_PREVIEW],
        }


class LessonStreamBlock(UUIDStreamBlock):
    """Every block a lesson body (or a standard page) can hold."""

    rich_text = LabelledRichTextBlock(
        features=RICH_FEATURES,
        icon="pilcrow",
        template="blocks/rich_text.html",
        description="Paragraphs, lists and links.",
    )
    heading = HeadingBlock()
    key_point = KeyPointBlock()
    case_study = CaseStudyBlock()
    reflection = ReflectionBlock()
    video = VideoBlock()
    resource = ResourceBlock()
    quote = QuoteBlock()
    accordion = AccordionBlock()
    support_signpost = SupportSignpostBlock()


class LearningOutcomesBlock(UUIDStreamBlock):
    """A course's learning outcomes, one short line each."""

    outcome = LabelledCharBlock(
        max_length=300, icon="tick", accessible_name="Learning outcome"
    )
