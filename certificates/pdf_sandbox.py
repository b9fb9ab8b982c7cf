"""HTML to PDF with xhtml2pdf, confined to the project's own files.

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

import io
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from reportlab import rl_config
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

# ReportLab wraps every binary stream in ASCII85 by default, a quarter bigger and a
# third of a render's time; a PDF is a binary file anyway.
rl_config.useA85 = 0


def _cache_font_digests() -> None:
    """Read each font file once per process, not once per render.

    xhtml2pdf registers a font with ReportLab once, but checks on every document that
    the file behind the name has not changed by hashing the whole file (three
    DejaVu faces, about 2 MB, each render). Our fonts are the project's own static
    files, so the digest is kept per path, size and modification time.
    """
    from xhtml2pdf import context as xhtml2pdf_context

    original = getattr(xhtml2pdf_context, "_file_digest", None)
    if original is None or getattr(original, "cached_by_certificates", False):
        return

    @lru_cache(maxsize=64)
    def digest_of(name: str, size: int, mtime: int) -> str | None:
        return original(name)

    def cached(name):
        if name is None:
            return None
        try:
            stat = os.stat(name)
        except OSError:
            return original(name)
        return digest_of(name, stat.st_size, stat.st_mtime_ns)

    cached.cached_by_certificates = True
    xhtml2pdf_context._file_digest = cached


def _cache_default_css() -> None:
    """Parse xhtml2pdf's own default stylesheet once per process, not per render.

    It is the same text every time and holds no @-rules (fonts, pages) that act on
    the document being built, so its parsed rules can be shared; a document's own
    stylesheet is still parsed with it.
    """
    from xhtml2pdf import parser as xhtml2pdf_parser
    from xhtml2pdf.context import pisaContext

    original = pisaContext._parseCSSSource
    if getattr(original, "cached_by_certificates", False):
        return
    parsed: dict[str, object] = {}

    def parse(self, text, source_name):
        if source_name != xhtml2pdf_parser.DEFAULT_CSS_SOURCE or "@" in text:
            return original(self, text, source_name)
        if text not in parsed:
            parsed.clear()  # one default stylesheet per process
            parsed[text] = original(self, text, source_name)
        return parsed[text]

    parse.cached_by_certificates = True
    pisaContext._parseCSSSource = parse


_cache_font_digests()
_cache_default_css()


class CertificateRenderError(Exception):
    """A certificate could not be rendered completely; the message says why."""


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
