"""The public address printed on certificates: in their verify links and QR codes.

A certificate is printed once, so a wrong address is permanent. In production the
address comes from the issuer settings' public address or ``WAGTAILADMIN_BASE_URL``
and must be one the public can reach: issuing refuses an unset or local address, and
``check --deploy`` reports it. In development (``CERTIFICATE_BASE_URL_FROM_REQUEST``)
the address follows the one the site is being served at, recorded per request by
``ServedAddressMiddleware``, so ``make run PORT=8101`` prints port 8101.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

_served: ContextVar[str] = ContextVar("certificates_served_base_url", default="")

LOCAL_HOSTNAMES = {"localhost", "testserver", "localhost.localdomain"}


class PublicAddressMissing(ValidationError):
    """Raised instead of issuing a certificate that would print an unusable link.

    A ValidationError, so the admin's reissue screen shows it as a message.
    """


def is_public_address(url: str) -> bool:
    """Whether ``url`` is an http(s) address that others could open."""
    try:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not host:
        return False
    if host in LOCAL_HOSTNAMES or host.endswith((".localhost", ".local")):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return not (ip.is_loopback or ip.is_private or ip.is_unspecified)


def served_base_url() -> str:
    """The address of the request being served, when development settings follow it."""
    if not getattr(settings, "CERTIFICATE_BASE_URL_FROM_REQUEST", False):
        return ""
    return _served.get()


def configured_base_url() -> str:
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""


def require_public(url: str) -> None:
    """Refuse to print ``url`` on a certificate where settings demand a public one."""
    if not getattr(settings, "CERTIFICATE_REQUIRE_PUBLIC_BASE_URL", False):
        return
    if not is_public_address(url):
        raise PublicAddressMissing(
            f"Certificates are not being issued: the site's public address is "
            f"{url or 'not set'!r}, which nobody else can open, and it would be "
            "printed on the certificate for good. Set WAGTAILADMIN_BASE_URL (or the "
            "public address in Settings > Certificate issuer) to the address the "
            "public uses, e.g. https://training.example.org, then issue again."
        )


class ServedAddressMiddleware:
    """Development only: remember the address each request came in on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = request.build_absolute_uri("/").rstrip("/")
        except Exception:  # noqa: BLE001 - a disallowed host: Django answers it later
            base = ""
        token = _served.set(base)
        try:
            return self.get_response(request)
        finally:
            _served.reset(token)
