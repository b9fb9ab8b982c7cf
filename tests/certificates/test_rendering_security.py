"""A render reads only the project's own static and media files: nothing from the
network, no path outside those folders, and a blocked resource is an error."""

import base64
import http.server
import io
import os
import threading

import pytest
from django.conf import settings
from PIL import Image

from certificates.models import CertificateIssuerSettings, PdfState
from certificates.pdf_sandbox import CertificateRenderError, ResourceGuard, html_to_pdf
from certificates.rendering import png_data_uri


def sample_png() -> bytes:
    """A small real PNG, as a trainer's logo would be."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 85, 97)).save(buffer, format="PNG")
    return buffer.getvalue()


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(base64.b64decode(png_data_uri(sample_png()).split(",")[1]))

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A tiny HTTP server on 127.0.0.1 that records every request it gets."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


FONT_HEAD = (
    '<style>@font-face { font-family: "S"; src: url("/static/fonts/DejaVuSans.ttf"); }'
    ' body { font-family: "S"; }</style>'
)


def _page(body: str, head: str = "") -> str:
    return (
        "<html><head><style>@page { size: a4 landscape; }</style>"
        f"{head}</head><body><p>Certificate</p>{body}</body></html>"
    )


def test_typed_text_that_looks_like_markup_fetches_nothing(issue, home, local_server):
    base, requests = local_server
    payloads = [
        f'<img src="{base}/name.png">',
        "<img src=file:///etc/passwd>",
        '<img src="../../../../etc/passwd">',
        f'<link rel="stylesheet" href="{base}/x.css">',
    ]
    issuer = CertificateIssuerSettings.for_site(home.get_site())
    issuer.organisation_name = f'Org <img src="{base}/org.png"> file:///etc/passwd'
    issuer.signatory_name = f"<style>@import url({base}/s.css);</style>Ann ../../"
    issuer.signatory_role = f'<img src="{base}/role.png">Lead'
    issuer.save()
    for payload in payloads:
        certificate = issue(full_name=f"Ann {payload} Smith")
        assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
        assert "<" not in certificate.holder_name
    assert requests == []
    assert "file:///etc/passwd" in certificate.issuer_name  # printed as text only


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{base}/tracker.png">',
        '<img src="file:///etc/passwd">',
        '<img src="/etc/passwd">',
        '<img src="../../../../../../etc/passwd">',
        '<img src="/static/../../../../etc/passwd">',
        '<img src="/media/../../../etc/passwd">',
        '<img src="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<img src="//127.0.0.1/x.png">',
        '<div style="background-image: url({base}/bg.png)">x</div>',
    ],
)
def test_every_kind_of_outside_resource_is_refused_loudly(markup, local_server):
    base, requests = local_server
    with pytest.raises(CertificateRenderError) as error:
        html_to_pdf(_page(markup.format(base=base)))
    assert "blocked" in str(error.value).lower() or "refused" in str(error.value)
    assert requests == []


@pytest.mark.parametrize(
    "head",
    [
        "<style>@import url({base}/x.css);</style>",
        '<link rel="stylesheet" href="{base}/x.css">',
        '<style>@font-face {{ font-family: X; src: url("{base}/x.ttf"); }}</style>',
        '<style>@font-face {{ font-family: X; src: url("/etc/passwd"); }}</style>',
        "<style>@page {{ background-image: url({base}/bg.png); }}</style>",
    ],
)
def test_stylesheets_fonts_and_backgrounds_cannot_reach_out(head, local_server):
    base, requests = local_server
    with pytest.raises(CertificateRenderError):
        html_to_pdf(_page("", head.format(base=base)))
    assert requests == []


def test_the_renderer_s_own_images_and_fonts_still_load():
    frame = png_data_uri(sample_png())
    head = FONT_HEAD
    pdf = html_to_pdf(
        _page(f'<img src="{frame}" width="50">Zoë', head), trusted=[frame]
    )
    assert pdf.startswith(b"%PDF-")


def test_a_character_no_font_can_draw_is_an_error_not_a_box():
    head = FONT_HEAD
    with pytest.raises(CertificateRenderError) as error:
        html_to_pdf(_page("<p>ਹਰਪ੍ਰੀਤ</p>", head))
    assert "U+0A39" in str(error.value)


def test_the_guard_resolves_only_files_under_the_allowed_roots(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.png").write_bytes(sample_png())
    os.symlink("/etc/passwd", tmp_path / "media" / "escape.png")
    guard = ResourceGuard()
    static_font = guard.resolve("/static/fonts/DejaVuSans.ttf")
    assert static_font is not None and static_font.name == "DejaVuSans.ttf"
    assert guard.resolve("/media/logo.png") == (tmp_path / "media" / "logo.png")
    for refused in [
        "/media/escape.png",  # a symlink pointing outside
        "/media/../secret.txt",
        "/static/fonts/../../training/settings/base.py",
        "file:///etc/passwd",
        "http://127.0.0.1/static/fonts/DejaVuSans.ttf",
        "/etc/passwd",
        "fonts/DejaVuSans.ttf",
        "/static/fonts/DejaVuSans.ttf?x=1",
        "/static/fonts\\..\\..\\x",
        "",
    ]:
        assert guard.resolve(refused) is None, refused


def test_allowed_roots_are_only_static_and_media():
    from certificates.pdf_sandbox import allowed_roots

    roots = allowed_roots()
    base = settings.BASE_DIR.resolve()
    assert base not in roots
    assert all(
        root == (base / "static").resolve()
        or root.name in {"static", "media", "test-media"}
        for root in roots
    )
