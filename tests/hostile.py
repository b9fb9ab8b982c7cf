"""Hostile text for the input passes: markup that would run script if it reached a
page unescaped, a link that would, and a spreadsheet formula.

``hostile(label)`` is one field's worth (a readable label, then every payload);
``assert_inert(html)`` fails if any payload reached the page as markup.
"""

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=1">'
BREAKOUT = '"><svg onload=window.__pwned=1>'
STYLE = "<style>body{display:none}</style>"
JS_URL = "javascript:window.__pwned=1"
FORMULA = '=HYPERLINK("https://evil.example/","x")'
PAYLOADS = (SCRIPT, IMAGE, BREAKOUT, STYLE)

# What any of the payloads looks like once it is markup rather than text.
LIVE_MARKERS = (
    "<script>window.__pwned",
    "<img src=x",
    "<svg onload",
    "<style>body{display:none}",
    'href="javascript:',
    "href='javascript:",
    'src="javascript:',
)


def hostile(label: str, *, limit: int | None = None) -> str:
    text = f"{label} " + " ".join(PAYLOADS)
    return text if limit is None else text[:limit]


def assert_inert(html: str, *, where: str = "") -> None:
    lowered = html.lower()
    for marker in LIVE_MARKERS:
        assert marker.lower() not in lowered, f"{marker!r} is live markup {where}"
