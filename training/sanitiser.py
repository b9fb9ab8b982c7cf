"""The one place that decides which HTML from outside Wagtail's editor is allowed.

Rich text typed into Wagtail's editor is already limited to its features. Anything
else that carries HTML (imported questions and lessons, feedback, text an admin pastes
into a setting) goes through ``clean_html`` before it is stored or shown, and
``mark_safe`` is applied only to its output.
"""

import html

import bleach
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "u",
        "ul", "ol", "li", "a", "blockquote", "code",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "linktype", "id"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def clean_html(html: str | None) -> str:
    """Strip every tag, attribute and link scheme not on the allow-list."""
    return bleach.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def safe_html(html: str | None) -> SafeString:
    """Cleaned HTML, marked safe for a template."""
    return mark_safe(clean_html(html))  # noqa: S308 - output of the allow-list above


def plain_text(text: str | None) -> str:
    """Text with every tag removed, for places that take no markup (PDFs, names).

    Entities are decoded again, so the result is raw text for a template to escape.
    """
    return html.unescape(
        bleach.clean(text or "", tags=set(), strip=True, strip_comments=True)
    )
