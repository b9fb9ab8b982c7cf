"""Turning a certificate into a PDF: its layout, images and fonts.

What a render may read is ``pdf_sandbox``'s job; which fonts print which text is
``fonts``'. This module lays out one certificate and hands the HTML to the sandbox.
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from PIL import Image as PILImage

from .fonts import FONT_FILES, font_stack, script_fonts, shaping_problem
from .pdf_sandbox import CertificateRenderError, _url_path, html_to_pdf

__all__ = ["CertificateRenderError", "certificate_render", "format_hours"]

TEMPLATE = "certificates/certificate_pdf.html"
# An image a trainer uploads is scaled down before it is embedded; the cap is on the
# scaled PNG, so a huge upload costs one rendition, not a huge PDF.
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def qr_png(text: str) -> bytes:
    """A QR code for ``text`` as a small PNG (4 pixels a module, with the quiet zone
    scanners need), which the PDF scales to 32 mm.

    The mask is fixed (any of the eight is valid; choosing the best one is most of
    segno's time) and the pixels are drawn by Pillow, not by segno's pure-Python
    PNG writer: a QR code costs about a millisecond, not a tenth of a render.
    """
    code = segno.make(text, error="m", micro=False, mask=0, boost_error=False)
    border = 4
    width, height = code.symbol_size(scale=1, border=border)
    image = PILImage.new("1", (width, height), 1)
    pixels = image.load()
    for y, row in enumerate(code.matrix_iter(scale=1, border=border)):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    image = image.resize((width * 4, height * 4), PILImage.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def image_png(image, spec: str, *, what: str) -> bytes:
    """A Wagtail image scaled by ``spec`` and read from storage as PNG bytes."""
    try:
        rendition = image.get_rendition(f"{spec}|format-png")
        with rendition.file.open("rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except Exception as error:  # noqa: BLE001 - storage and image errors vary
        raise CertificateRenderError(
            f"The {what} could not be read: {error}"
        ) from error
    if len(data) > MAX_IMAGE_BYTES:
        raise CertificateRenderError(f"The {what} is too large to print.")
    if not data.startswith(b"\x89PNG"):
        raise CertificateRenderError(f"The {what} is not a PNG after scaling.")
    return data


# -- the certificate ----------------------------------------------------------------


def format_hours(hours: Decimal) -> str:
    """6.0 -> "6", 7.5 -> "7.5"."""
    return f"{Decimal(hours).normalize():f}"


def _step(length: int, steps: tuple[tuple[int, float], ...]) -> float:
    return next((size for limit, size in steps if length <= limit), steps[-1][1])


def layout_sizes(
    *,
    holder_name: str,
    course_title: str,
    logo: bool = False,
    issuer_name: str = "",
    scale: float = 1.0,
) -> dict:
    """Type sizes that keep long names and titles on one page, and the gap left.

    Sizes step down with length; the gap above the footer takes up what the name
    and title leave, so the page stays balanced. ``scale`` shrinks every variable
    size when a first render still ran past one page (wide letters, long words that
    wrap early, a long issuer name).
    """
    name = _step(len(holder_name), ((26, 34), (36, 28), (55, 22), (90, 17), (999, 14)))
    title = _step(len(course_title), ((45, 22), (75, 18), (130, 14), (999, 12)))
    issuer = _step(len(issuer_name), ((60, 12), (120, 10), (999, 8)))
    name, title, issuer = (round(size * scale, 1) for size in (name, title, issuer))
    line_mm = 0.3528 * 1.25  # points to millimetres, with leading
    width_pt = 245 / 0.3528
    name_lines = max(1, -(-len(holder_name) * name * 0.62 // width_pt))
    title_lines = max(1, -(-len(course_title) * title * 0.6 // width_pt))
    used = (name_lines * name + title_lines * title) * line_mm + (20 if logo else 0)
    return {
        "name_size": name,
        "title_size": title,
        "issuer_size": issuer,
        "foot_gap": max(2, round(44 * min(1.0, scale) - used)),
    }


# Each later try shrinks the variable text; the last always fits on one page.
FIT_SCALES = (1.0, 0.8, 0.62, 0.45)


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def certificate_render(
    *, certificate, logo=None, signature_image=None, frame: bool = True
) -> bytes:
    """The PDF for a certificate: its snapshot, QR code, logo and signature."""
    printed = {
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "issuer_name": certificate.issuer_name,
        "signatory_name": certificate.signatory_name,
        "signatory_role": certificate.signatory_role,
    }
    for text in printed.values():
        if problem := shaping_problem(text):
            raise CertificateRenderError(problem)
    static = _url_path(settings.STATIC_URL)
    faces = [
        {"family": font.family, "url": static + font.path}
        for font in script_fonts(" ".join(printed.values()))
        if font.path
    ]
    qr = png_data_uri(qr_png(certificate.verify_url))
    trusted = [qr]
    logo_uri = signature_uri = None
    if logo is not None:
        logo_uri = png_data_uri(image_png(logo, "max-900x260", what="logo"))
        trusted.append(logo_uri)
    if signature_image is not None:
        signature_uri = png_data_uri(
            image_png(signature_image, "max-600x180", what="signature image")
        )
        trusted.append(signature_uri)
    context = {
        "certificate": certificate,
        "cpd_hours": format_hours(certificate.cpd_hours),
        "qr_uri": qr,
        "frame": frame,
        "logo_uri": logo_uri,
        "signature_uri": signature_uri,
        "fonts": {name: static + path for name, path in FONT_FILES.items()},
        "script_faces": faces,
        "stacks": {name: font_stack(text) for name, text in printed.items()},
    }
    for scale in FIT_SCALES:
        sizes = layout_sizes(
            holder_name=certificate.holder_name,
            course_title=certificate.course_title,
            issuer_name=certificate.issuer_name,
            logo=logo_uri is not None,
            scale=scale,
        )
        pdf = html_to_pdf(
            render_to_string(TEMPLATE, {**context, **sizes}), trusted=trusted
        )
        # Most certificates fit at the first size; a page count costs ~1 ms.
        if _pages(pdf) == 1:
            return pdf
    return pdf
