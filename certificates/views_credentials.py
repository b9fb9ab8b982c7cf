"""Open Badges 3.0 views: the issuer's DID document, status lists, a certificate's
credential (public by code, and the learner's download), and checking an uploaded
credential. Thin: input, then a call into ``credentials``.
"""

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from . import open_badges
from .credentials import credential_check, did_document_for, status_list_current
from .models import CertificateStatus
from .ratelimit import verify_rate_limit
from .selectors import credential_by_code, learner_certificate, verification_for
from .views import ROBOTS, _rate_limited

CREDENTIAL_MAX_BYTES = 256 * 1024


def _site_base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _vc_response(text: str, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type=open_badges.MEDIA_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Robots-Tag"] = ROBOTS
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@require_GET
def did_json(request):
    """``/.well-known/did.json``: the did:web document naming every signing key."""
    response = JsonResponse(
        did_document_for(base_url=_site_base(request)),
        content_type="application/did+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    add_never_cache_headers(response)
    return response


@require_GET
def status_list(request, number: int):
    """A signed Bitstring Status List credential."""
    row = status_list_current(number=number)
    if row is None:
        raise Http404("No such status list.")
    return _vc_response(row.credential)


@require_GET
def credential_public(request, code: str):
    """A certificate's credential by its code, linked from the verify page."""
    if (wait := verify_rate_limit(request)) is not None:
        return _rate_limited(request, wait, as_json=True)
    certificate = credential_by_code(text=code)
    if certificate is None or not certificate.credential:
        raise Http404("No credential has that code.")
    if certificate.status == CertificateStatus.SUPERSEDED:
        raise Http404("That certificate has been replaced.")
    return _vc_response(certificate.credential)


@login_required
@require_GET
def credential_download(request, code: str):
    """The learner's own credential, to keep or add to a wallet."""
    certificate = learner_certificate(user=request.user, text=code)
    if certificate is None or not certificate.credential:
        raise Http404("No credential of yours has that code.")
    return _vc_response(
        certificate.credential,
        filename=f"certificate-{certificate.display_code}.json",
    )


class CheckCredentialForm(forms.Form):
    file = forms.FileField(
        label="Credential file (.json)",
        help_text="The Open Badges credential exactly as you received it, up to "
        "256 KB. It is checked and then discarded.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/vc+ld+json,application/json,.json"}
        ),
        error_messages={"required": "Choose the credential's .json file."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CREDENTIAL_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 256 KB.")
        try:
            self.cleaned_data["document"] = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise forms.ValidationError(
                "That file is not JSON, so it is not a credential we issued."
            ) from error
        return upload


@require_http_methods(["GET", "POST"])
def check_credential(request):
    """Upload a credential: schema, proof, status and dates, and which failed."""
    template = "certificates/check_credential.html"
    if request.method != "POST":
        response = TemplateResponse(request, template, {"form": CheckCredentialForm()})
        response["X-Robots-Tag"] = ROBOTS
        return response
    if (wait := verify_rate_limit(request)) is not None:
        return _rate_limited(request, wait)
    form = CheckCredentialForm(request.POST, request.FILES)
    context = {"form": form}
    status = 400
    if form.is_valid():
        result = credential_check(
            document=form.cleaned_data["document"], base_url=_site_base(request)
        )
        context.update(checked=True, result=result, form=CheckCredentialForm())
        if result.certificate is not None and result.valid:
            context["verification"] = verification_for(certificate=result.certificate)
        status = 200
    response = TemplateResponse(request, template, context, status=status)
    response["X-Robots-Tag"] = ROBOTS
    add_never_cache_headers(response)
    return response
