"""Every lesson block validates and renders what a learner needs to see."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from courses.models import LessonPage
from tests.factories import LessonPageFactory, ModulePageFactory
from training import blocks


def render(block, raw, **context):
    value = block.to_python(raw)
    return block.render(value, context=context or None)


def test_heading_renders_at_its_level():
    html = render(blocks.HeadingBlock(), {"text": "Risk markers", "level": "h3"})
    assert html.strip() == '<h3 class="block-heading">Risk markers</h3>'


def test_key_point_has_title_and_body():
    html = render(
        blocks.KeyPointBlock(),
        {"title": "Remember", "body": "<p>Safety comes first.</p>"},
    )
    assert "Remember" in html and "Safety comes first." in html


def test_case_study_lists_discussion_questions():
    html = render(
        blocks.CaseStudyBlock(),
        {
            "title": "Dan",
            "vignette": "<p>Dan is in withdrawal.</p>",
            "questions": ["What do you ask?", "Who else is at risk?"],
        },
    )
    assert "Case study:" in html and "Dan is in withdrawal." in html
    assert html.count("<li>") == 2


def test_case_study_needs_a_question():
    block = blocks.CaseStudyBlock()
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python({"title": "x", "vignette": "<p>y</p>", "questions": []})
        )


def test_reflection_without_a_learner_shows_the_prompt():
    html = render(blocks.ReflectionBlock(), {"prompt": "What stops you asking?"})
    assert "What stops you asking?" in html
    assert "<form" not in html


def test_quote_block():
    html = render(
        blocks.QuoteBlock(),
        {"quote": "Ask once, kindly.", "attribution": "A keyworker", "context": ""},
    )
    assert "<blockquote" in html and "A keyworker" in html


def test_accordion_items_are_details_elements():
    html = render(
        blocks.AccordionBlock(),
        {
            "title": "FAQ",
            "items": [
                {"question": "Must I ask?", "answer": "<p>Yes.</p>"},
                {"question": "When?", "answer": "<p>Early.</p>"},
            ],
        },
    )
    assert html.count("<details>") == 2 and "<summary>Must I ask?</summary>" in html


def test_support_signpost_links_phone_numbers():
    html = render(
        blocks.SupportSignpostBlock(),
        {
            "title": "Support",
            "intro": "",
            "services": [
                {
                    "name": "National Domestic Abuse Helpline",
                    "description": "",
                    "phone": "0808 2000 247",
                    "url": "",
                    "hours": "24 hours",
                }
            ],
        },
    )
    assert 'href="tel:08082000247"' in html
    assert "National Domestic Abuse Helpline" in html


def _cached_embed(url):
    """Put the embed in Wagtail's cache so no provider is asked over the network."""
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url, None, None),
        max_width=None,
        type="video",
        html="<iframe title='Talk'></iframe>",
    )


@pytest.mark.django_db
def test_video_requires_a_transcript():
    _cached_embed("https://www.youtube.com/watch?v=abc")
    block = blocks.VideoBlock()
    value = block.to_python(
        {"url": "https://www.youtube.com/watch?v=abc", "title": "T", "transcript": ""}
    )
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.django_db
def test_video_renders_embed_and_transcript():
    url = "https://www.youtube.com/watch?v=abc"
    _cached_embed(url)
    html = render(
        blocks.VideoBlock(),
        {"url": url, "title": "Talk", "transcript": "<p>Every word.</p>"},
    )
    assert "<iframe" in html and "Read the transcript" in html
    assert "Every word." in html


@pytest.mark.django_db
def test_resource_links_to_the_document():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document(title="Checklist")
    document.file.save("checklist.txt", ContentFile(b"tick"), save=True)
    html = render(
        blocks.ResourceBlock(),
        {"document": document.pk, "title": "Team checklist", "description": "Use it"},
    )
    assert document.url in html and "Team checklist" in html


@pytest.mark.django_db
def test_every_block_type_in_a_lesson_renders(enrolled_client, course):
    """A lesson holding one of every block type renders for an enrolled learner."""
    module = course.get_children().first()
    stream = [
        {"type": "rich_text", "value": "<p>Plain words.</p>"},
        {"type": "heading", "value": {"text": "Section", "level": "h2"}},
        {"type": "key_point", "value": {"title": "Key", "body": "<p>Point.</p>"}},
        {
            "type": "case_study",
            "value": {"title": "Case", "vignette": "<p>V.</p>", "questions": ["Q?"]},
        },
        {"type": "reflection", "value": {"prompt": "Think about it", "guidance": ""}},
        {"type": "quote", "value": {"quote": "Q", "attribution": "A", "context": ""}},
        {
            "type": "accordion",
            "value": {"title": "", "items": [{"question": "Q", "answer": "<p>A</p>"}]},
        },
        {
            "type": "support_signpost",
            "value": {
                "title": "Support",
                "intro": "",
                "services": [
                    {"name": "Samaritans", "description": "", "phone": "116 123",
                     "url": "", "hours": ""}
                ],
            },
        },
    ]  # fmt: skip
    lesson = LessonPageFactory(parent=ModulePageFactory(parent=course), body=stream)
    del module
    response = enrolled_client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Plain words.", "Section", "Point.", "Case", "Think about it",
                 "Samaritans", "<details>"]:  # fmt: skip
        assert text in html
    assert 'name="text"' in html  # the reflection form
    assert isinstance(LessonPage.objects.get(pk=lesson.pk).body, StreamValue)
