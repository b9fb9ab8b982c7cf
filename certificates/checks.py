"""System checks: a deployment should say where its signing keys come from."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    """``check --deploy`` warns when certificates would be signed with a key the
    server generated for itself (fine for a demo, not for a real deployment)."""
    if getattr(settings, "CERTIFICATE_SIGNING_KEY", "") or os.environ.get(
        "CERTIFICATE_SIGNING_KEYS_FILE"
    ):
        return []
    return [
        Warning(
            "No certificate signing key is configured, so one will be generated "
            "into var/ on first use.",
            hint=(
                "Set CERTIFICATE_SIGNING_KEY (manage.py certificate_keys generate) "
                "or CERTIFICATE_SIGNING_KEYS_FILE to a file outside the repository "
                "that is kept and backed up."
            ),
            id="certificates.W001",
        )
    ]


@register(Tags.security, deploy=True)
def pdf_signing_configured(app_configs, **kwargs):
    """``check --deploy`` warns when PDFs would be signed with a self-signed
    certificate the server generated for itself."""
    if (
        getattr(settings, "CERTIFICATE_PDF_SIGNING_KEY", "")
        and getattr(settings, "CERTIFICATE_PDF_SIGNING_CERT", "")
    ) or os.environ.get("CERTIFICATE_PDF_SIGNING_FILE"):
        return []
    return [
        Warning(
            "No PDF signing certificate is configured, so a self-signed one will be "
            "generated into var/ on first use.",
            hint=(
                "Set CERTIFICATE_PDF_SIGNING_FILE to a PEM file (key and certificate) "
                "outside the repository (manage.py certificate_keys pdf-generate), "
                "or CERTIFICATE_PDF_SIGNING_KEY and CERTIFICATE_PDF_SIGNING_CERT."
            ),
            id="certificates.W002",
        )
    ]


@register(Tags.security, deploy=True)
def public_base_url_configured(app_configs, **kwargs):
    """``check --deploy`` reports an unset or local public address: certificates
    print it in their verify links and QR codes, once and for good."""
    from .addresses import configured_base_url, is_public_address

    url = configured_base_url()
    if is_public_address(url):
        return []
    return [
        Error(
            f"WAGTAILADMIN_BASE_URL is {url or 'not set'!r}: certificates would "
            "print a verify link and QR code nobody else can open, so issuing "
            "refuses.",
            hint=(
                "Set WAGTAILADMIN_BASE_URL to the site's public address, e.g. "
                "https://training.example.org."
            ),
            id="certificates.E002",
        )
    ]
