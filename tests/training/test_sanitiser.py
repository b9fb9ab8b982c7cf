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
