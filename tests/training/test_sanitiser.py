import html

import bleach
import pytest

from training.sanitiser import clean_html, plain_text


def test_scripts_and_handlers_are_removed():
    html = '<p onclick="steal()">Hi<script>alert(1)</script></p><img src=x onerror=a>'
    cleaned = clean_html(html)
    assert "<script" not in cleaned
    assert "onclick" not in cleaned
    assert "<img" not in cleaned
    assert cleaned.startswith("<p>Hi")


def test_javascript_links_lose_their_href():
    cleaned = clean_html(
        '<a href="javascript:alert(1)">x</a> <a href="https://a.org">y</a>'
    )
    assert "javascript:" not in cleaned
    assert 'href="https://a.org"' in cleaned


def test_plain_text_keeps_words_only():
    assert plain_text("<b>Zoë</b> <i>Ó Briain</i>") == "Zoë Ó Briain"


def test_plain_text_is_not_escaped_twice():
    assert plain_text("Tom & Jerry <b>x</b>") == "Tom & Jerry x"


@pytest.mark.parametrize(
    "text",
    [
        "Zoë Ó Briain",  # nothing to parse: returned as it is
        'Mary-Jane O\'Neill "MJ"',
        "Keyworker\tgroup\nfacilitator",
        "a\r\nb",  # the parser's newline normalisation
        "bell\x07 and form\x0c feed",  # control characters it replaces
        "C1\x85 and DEL\x7f",
        "nonchar\ufdd0 \uffff \U0010fffe",
        "😀 ok",
        "5 > 3 && 2 < 4",
        "&amp;lt;b&amp;gt;",
        "<!-- note --> kept",
    ],
)
def test_plain_text_is_what_the_parser_gives(text):
    """The short cut for text with nothing to parse gives what parsing would."""
    parsed = html.unescape(
        bleach.clean(text, tags=set(), strip=True, strip_comments=True)
    )
    assert plain_text(text) == parsed
