"""The one place that decides which HTML from outside Wagtail's editor is allowed.

Rich text typed into Wagtail's editor is already limited to its features. Anything
else that carries HTML (imported questions and lessons, feedback, text an admin pastes
into a setting) goes through ``clean_html`` before it is stored or shown, and
``mark_safe`` is applied only to its output.
"""

import html
import re
import unicodedata

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


#: What the HTML parser reads or rewrites: tags, entities, and the characters it
#: replaces or normalises (control characters but tab and newline, carriage
#: returns, surrogates and noncharacters).
_MARKUP_OR_PARSER_CHANGES = re.compile(
    "[<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef]"
    "|[\ufffe\uffff\U0001fffe-\U0010ffff]"
)


def plain_text(text: str | None) -> str:
    """Text with every tag removed, for places that take no markup (PDFs, names).

    Entities are decoded again, so the result is raw text for a template to escape.
    Text with nothing the parser would read as markup (most names and titles) is
    returned as it is, without parsing.
    """
    if text and not _MARKUP_OR_PARSER_CHANGES.search(text):
        return text
    return html.unescape(
        bleach.clean(text or "", tags=set(), strip=True, strip_comments=True)
    )


# --- learners' written answers ------------------------------------------------------
# A written answer in "limited rich text" may carry paragraphs, emphasis and lists,
# nothing else: no links, headings or attributes of any kind.
ANSWER_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li"})


def clean_answer_html(html: str | None) -> str:
    """A learner's rich-text answer reduced to the answer allow-list."""
    return bleach.clean(
        html or "", tags=ANSWER_TAGS, attributes={}, strip=True, strip_comments=True
    ).strip()


def safe_answer_html(html: str | None) -> SafeString:
    """A learner's rich-text answer, cleaned again and marked safe for a template."""
    return mark_safe(clean_answer_html(html))  # noqa: S308 - output of the allow-list


def word_count(text: str | None) -> int:
    """Words in ``text`` once any markup is removed (what a word limit counts)."""
    return len(plain_text((text or "").replace("<", " <")).split())


# --- invisible characters -------------------------------------------------------------
# Formatting and control characters print nothing themselves but change how the text
# around them reads: a right-to-left override (U+202E) shows a name backwards on a
# web page while the PDF prints it as stored, a zero-width space makes two names look
# the same and differ. The joiners U+200C and U+200D are kept: Persian and Indic
# names need them.
KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})


def _invisible(char: str) -> bool:
    return (
        unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"}
        and char not in KEPT_FORMAT_CHARACTERS
        and not char.isspace()
    )


def invisible_character(text: str | None) -> str | None:
    """The first invisible formatting or control character in ``text``, if any."""
    return next((char for char in text or "" if _invisible(char)), None)


def strip_invisible(text: str | None) -> str:
    """``text`` without invisible formatting or control characters."""
    return "".join(char for char in text or "" if not _invisible(char))
