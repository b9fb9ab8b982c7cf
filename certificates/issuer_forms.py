"""The admin form for Settings > Certificate issuer.

Kept apart from ``admin_forms`` (which needs the services) so the settings model can
name it as its ``base_form_class`` without an import cycle.
"""

from urllib.parse import urlsplit

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm


class CertificateIssuerSettingsForm(WagtailAdminModelForm):
    def clean_public_base_url(self):
        """Only an origin: http(s), a host and perhaps a port.

        Django's URL check lets a path, query or fragment through, with quotes and
        angle brackets in it (``https://host/"><script>``). The address is printed
        on every certificate and in its QR code, and the Open Badges issuer is made
        from its origin, so anything after the host would print a broken link.
        """
        url = (self.cleaned_data.get("public_base_url") or "").strip()
        if not url:
            return ""
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            port_ok = False
        if (
            not port_ok
            or parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.username is not None
            or parts.path not in {"", "/"}
            or parts.query
            or parts.fragment
            or url.endswith(("?", "#"))
        ):
            raise forms.ValidationError(
                "Give the site's address only, such as https://training.example.org: "
                "http or https and the host name (and port, if any), with nothing "
                "after it."
            )
        return f"{parts.scheme}://{parts.netloc}"
