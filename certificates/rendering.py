"""Turning a certificate into a PDF with xhtml2pdf, confined to the project's files.

Three locks on what a render may read, each enough on its own:

1. Names, titles and settings are plain text (``training.sanitiser.plain_text`` when
   the snapshot is taken, and autoescaping in the template), so nothing anyone typed
   becomes markup that could ask for a resource.
2. ``ResourceGuard`` is the link_callback: it resolves ``/static/...`` and
   ``/media/...`` paths to files under STATIC_ROOT, STATICFILES_DIRS, MEDIA_ROOT and
   the project's own static folder, passes the few ``data:`` URIs this module made
   itself (QR code, logo, signature, page frame), and refuses everything else:
   http(s), file:, other data: URIs, ``../`` and absolute filesystem paths.
3. xhtml2pdf's own ``ResourceAccessPolicy``: no network at all, local reads only
   under the same roots, with its size and time limits.

xhtml2pdf reports a refused or missing resource only as a log warning and carries on,
so ``html_to_pdf`` listens to its loggers while rendering and turns any warning (and
any refusal by the guard) into ``CertificateRenderError``: a certificate is either
complete or not issued as a PDF, never quietly missing its logo or its letters.
"""

from __future__ import annotations

import base64
import io
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from PIL import Image as PILImage
from PIL import ImageDraw
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

log = logging.getLogger(__name__)

TEMPLATE = "certificates/certificate_pdf.html"
FONT_FILES = {
    "sans": "fonts/DejaVuSans.ttf",
    "sans_bold": "fonts/DejaVuSans-Bold.ttf",
    "serif_bold": "fonts/DejaVuSerif-Bold.ttf",
}
# An image a trainer uploads is scaled down before it is embedded; the cap is on the
# scaled PNG, so a huge upload costs one rendition, not a huge PDF.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
BRAND = (11, 85, 97)  # --brand in site.css
GOLD = (176, 141, 58)
SANS = "Certificate Sans"


@dataclass(frozen=True)
class ScriptFont:
    """A font embedded only when printed text uses its script.

    ``needs_shaping`` are the signs that an OpenType shaper would have to reorder
    (vowel signs written before the consonant, or around it) or join into
    conjuncts (the virama). ReportLab, under xhtml2pdf, has no shaper for these
    scripts, so text with one of them would print wrongly; it is refused instead,
    with a message saying so. Text without them prints correctly.
    """

    family: str
    path: str | None
    script: str
    ranges: tuple[tuple[int, int], ...]
    needs_shaping: str = ""
    first: bool = False  # before DejaVu: Arabic, for its Urdu letter forms

    def used_in(self, text: str) -> bool:
        return any(lo <= ord(char) <= hi for char in text for lo, hi in self.ranges)


SCRIPT_FONTS = (
    ScriptFont(
        "Certificate Arabic",
        "fonts/NotoSansArabic-Bold.ttf",
        "Arabic",
        (
            (0x0600, 0x06FF),
            (0x0750, 0x077F),
            (0x08A0, 0x08FF),
            (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF),
        ),
        first=True,
    ),
    ScriptFont(
        "Certificate Bengali",
        "fonts/NotoSansBengali-Bold.ttf",
        "Bengali",
        ((0x0980, 0x09FF),),
        needs_shaping="\u09bf\u09c7\u09c8\u09cb\u09cc\u09cd",
    ),
    ScriptFont(
        "Certificate Devanagari",
        "fonts/NotoSansDevanagari-Bold.ttf",
        "Devanagari",
        ((0x0900, 0x097F),),
        needs_shaping="\u093f\u094d\u094e",
    ),
    ScriptFont(
        "Certificate Gurmukhi",
        "fonts/NotoSansGurmukhi-Bold.ttf",
        "Gurmukhi",
        ((0x0A00, 0x0A7F),),
        needs_shaping="\u0a3f\u0a4d",
    ),
    ScriptFont(
        "Certificate Gujarati",
        "fonts/NotoSansGujarati-Bold.ttf",
        "Gujarati",
        ((0x0A80, 0x0AFF),),
        needs_shaping="\u0abf\u0acd",
    ),
    ScriptFont(
        "Certificate Tamil",
        "fonts/NotoSansTamil-Bold.ttf",
        "Tamil",
        ((0x0B80, 0x0BFF),),
        needs_shaping="\u0bc6\u0bc7\u0bc8\u0bca\u0bcb\u0bcc",
    ),
    # ReportLab's built-in Adobe CJK font: every PDF reader supplies it, so it is
    # named, not embedded (a CJK font file is tens of megabytes).
    ScriptFont(
        "STSong-Light",
        None,
        "Chinese",
        (
            (0x3000, 0x303F),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF00, 0xFFEF),
        ),
    ),
)


class CertificateRenderError(Exception):
    """A certificate could not be rendered completely; the message says why."""


# -- what a render may read --------------------------------------------------------


def allowed_roots() -> tuple[Path, ...]:
    """The only directories a render may read from."""
    roots = [
        Path(settings.STATIC_ROOT),
        Path(settings.MEDIA_ROOT),
        Path(settings.BASE_DIR) / "static",
        Path(__file__).resolve().parent / "static",
    ]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    resolved = []
    for root in roots:
        path = root.resolve()
        if path not in resolved:
            resolved.append(path)
    return tuple(resolved)


def _within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _url_path(setting: str) -> str:
    path = urlsplit(setting or "").path or "/"
    return path if path.endswith("/") else path + "/"


# Where a refused resource is pointed: outside every allowed root, and not a file
# that could exist (a path below /dev/null), so xhtml2pdf's policy refuses it too.
REFUSED = "/dev/null/refused-by-certificate-resource-guard"


class ResourceGuard:
    """xhtml2pdf's link_callback for certificates: local project files only.

    Records every refusal in ``refused`` so the render can fail loudly.
    """

    def __init__(self, *, trusted: Iterable[str] = ()):
        self.trusted = frozenset(trusted)
        self.refused: list[str] = []
        self.roots = allowed_roots()

    def __call__(self, uri, rel=None) -> str:
        uri = "" if uri is None else str(uri)
        if uri in self.trusted:
            return uri
        path = self.resolve(uri)
        if path is None:
            self.refused.append(uri[:200])
            return REFUSED
        return str(path)

    def resolve(self, uri: str) -> Path | None:
        """The file a ``/static/...`` or ``/media/...`` address names, or None."""
        if not uri or any(ord(char) < 32 for char in uri) or "\\" in uri:
            return None
        parts = urlsplit(uri)
        if parts.scheme or parts.netloc or parts.query or parts.fragment:
            return None  # http(s):, file:, data:, //host/...: never
        path = unquote(parts.path)
        if "\\" in path or ".." in PurePosixPath(path).parts:
            return None
        candidates: list[Path] = []
        static_prefix = _url_path(settings.STATIC_URL)
        media_prefix = _url_path(settings.MEDIA_URL)
        if path.startswith(static_prefix):
            relative = path[len(static_prefix) :]
            found = finders.find(relative)
            if found:
                candidates.append(Path(found))
            candidates.append(Path(settings.STATIC_ROOT) / relative)
        elif path.startswith(media_prefix):
            candidates.append(Path(settings.MEDIA_ROOT) / path[len(media_prefix) :])
        for candidate in candidates:
            resolved = candidate.resolve()  # follows symlinks before the root check
            if _within(resolved, self.roots) and resolved.is_file():
                return resolved
        return None


def resource_policy() -> ResourceAccessPolicy:
    """xhtml2pdf's own limits: no network, local reads only under allowed_roots."""
    return ResourceAccessPolicy.server(
        base_dir=None,
        extra_roots=allowed_roots(),
        allow_remote=False,
        allowed_hosts=frozenset(),
        max_render_seconds=30,
    )


class _WarningCollector(logging.Handler):
    """Collects warnings xhtml2pdf logs on this thread while a render runs."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.messages.append(record.getMessage()[:300])


@contextmanager
def _xhtml2pdf_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("xhtml2pdf")
    if not logger.isEnabledFor(logging.WARNING):
        # Warnings are how it reports a refused resource; they must reach us.
        logger.setLevel(logging.WARNING)
    collector = _WarningCollector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def html_to_pdf(html: str, *, trusted: Iterable[str] = ()) -> bytes:
    """Render HTML to PDF bytes, or raise CertificateRenderError.

    ``trusted`` are the data: URIs this module made; no other data: URI, no URL and
    no path outside the allowed roots is read.
    """
    guard = ResourceGuard(trusted=trusted)
    out = io.BytesIO()
    with _xhtml2pdf_warnings() as warnings:
        try:
            status = pisa.CreatePDF(
                html,
                dest=out,
                encoding="utf-8",
                link_callback=guard,
                resource_policy=resource_policy(),
            )
        except Exception as error:  # noqa: BLE001 - any failure is a failed render
            raise CertificateRenderError(
                f"The PDF could not be made: {error}"
            ) from error
    problems = [f"blocked resource {uri!r}" for uri in guard.refused]
    problems += warnings
    if status.err:
        problems.append(f"{status.err} rendering error(s)")
    if problems:
        raise CertificateRenderError("; ".join(dict.fromkeys(problems)))
    data = out.getvalue()
    if not data.startswith(b"%PDF-"):
        raise CertificateRenderError("The renderer produced no PDF.")
    return data


# -- images a render embeds ---------------------------------------------------------


def png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def qr_png(text: str) -> bytes:
    """A QR code for ``text`` as PNG, with the quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="png", scale=10, border=4, dark="#000000", light="#ffffff"
    )
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


@lru_cache(maxsize=1)
def frame_png() -> bytes:
    """The page's decorative frame, drawn once per process (A4 landscape, 150 dpi)."""
    width, height = 1754, 1240
    mm = width / 297
    image = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def box(inset_mm: float, line: int, colour):
        inset = round(inset_mm * mm)
        draw.rectangle(
            (inset, inset, width - 1 - inset, height - 1 - inset),
            outline=colour,
            width=line,
        )

    box(7, 14, BRAND)
    box(10.5, 3, GOLD)
    # A band across the top, behind the issuer line.
    band = round(12 * mm)
    draw.rectangle((band, band, width - 1 - band, band + round(3 * mm)), fill=BRAND)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# -- the certificate ----------------------------------------------------------------


def script_fonts(text: str) -> list[ScriptFont]:
    return [font for font in SCRIPT_FONTS if font.used_in(text)]


def shaping_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed correctly, or None if it can."""
    for font in script_fonts(text):
        for char in font.needs_shaping:
            if char in text:
                return (
                    f"“{text}” is in {font.script} script and uses a sign "
                    f"(U+{ord(char):04X}) that must be reordered or joined to be "
                    f"printed correctly, which the PDF renderer cannot do yet. "
                    f"Reissue the certificate with the name in Latin letters."
                )
    return None


def font_stack(text: str) -> str:
    """The CSS font-family list for a piece of printed text."""
    fonts = script_fonts(text)
    families = [f.family for f in fonts if f.first]
    families.append(SANS)
    families += [f.family for f in fonts if not f.first]
    return ", ".join(f'"{family}"' for family in families)


def format_hours(hours: Decimal) -> str:
    """6.0 -> "6", 7.5 -> "7.5"."""
    return f"{Decimal(hours).normalize():f}"


def _step(length: int, steps: tuple[tuple[int, float], ...]) -> float:
    return next((size for limit, size in steps if length <= limit), steps[-1][1])


def layout_sizes(*, holder_name: str, course_title: str, logo: bool = False) -> dict:
    """Type sizes that keep long names and titles on one page, and the gap left.

    The longest name (150 characters) and title (255) still fit in two lines each;
    the gap above the footer takes up what they leave, so the page stays balanced.
    """
    name = _step(len(holder_name), ((26, 34), (36, 28), (55, 22), (90, 17), (999, 14)))
    title = _step(len(course_title), ((45, 22), (75, 18), (130, 14), (999, 12)))
    line_mm = 0.3528 * 1.25  # points to millimetres, with leading
    width_pt = 245 / 0.3528
    name_lines = 1 if len(holder_name) * name * 0.62 < width_pt else 2
    title_lines = 1 if len(course_title) * title * 0.6 < width_pt else 2
    used = (name_lines * name + title_lines * title) * line_mm + (20 if logo else 0)
    return {
        "name_size": name,
        "title_size": title,
        "foot_gap": max(3, round(44 - used)),
    }


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
    logo_uri = signature_uri = frame_uri = None
    if logo is not None:
        logo_uri = png_data_uri(image_png(logo, "max-900x260", what="logo"))
        trusted.append(logo_uri)
    if signature_image is not None:
        signature_uri = png_data_uri(
            image_png(signature_image, "max-600x180", what="signature image")
        )
        trusted.append(signature_uri)
    if frame:
        frame_uri = png_data_uri(frame_png())
        trusted.append(frame_uri)
    html = render_to_string(
        TEMPLATE,
        {
            "certificate": certificate,
            "cpd_hours": format_hours(certificate.cpd_hours),
            **layout_sizes(
                holder_name=certificate.holder_name,
                course_title=certificate.course_title,
                logo=logo_uri is not None,
            ),
            "qr_uri": qr,
            "logo_uri": logo_uri,
            "signature_uri": signature_uri,
            "frame_uri": frame_uri,
            "fonts": {name: static + path for name, path in FONT_FILES.items()},
            "script_faces": faces,
            "stacks": {name: font_stack(text) for name, text in printed.items()},
        },
    )
    return html_to_pdf(html, trusted=trusted)
