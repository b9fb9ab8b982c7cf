"""Public verification (no account needed) and the learner's download. Thin: each
view checks input, counts the lookup against the rate limit and calls a selector.

Verify answers are never cached (a revocation shows at once) and never indexed
(``noindex`` in the page and the X-Robots-Tag header). An unknown code and a code
that cannot be one get the same page and the same status, 404.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from courses.models import CoursePage
from training.pagecache import is_anonymous_request

from .codes import code_display, code_normalise
from .forms import CappedMemoryUploadHandler, CheckPdfForm, VerifyForm, check_max_bytes
from .models import CertificateStatus
from .ratelimit import verify_rate_limit
from .recertification import refresher_take_again
from .selectors import (
    certificate_by_code,
    certificate_by_pdf_hash,
    learner_certificate,
    pdf_signature_for,
    published_keys,
    verification_for,
)
from .signing import ALGORITHM
from .verifycache import verify_cached

ROBOTS = "noindex, nofollow"


def _public(response):
    """Headers every verify answer carries."""
    response["X-Robots-Tag"] = ROBOTS
    # The code is in the address: never send it to another site. "same-origin"
    # (not "no-referrer") so that forms posted from these pages keep their Origin
    # header, which Django's CSRF check needs; "no-referrer" makes browsers send
    # "Origin: null" and every PDF check upload was refused.
    response["Referrer-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response


def _rate_limited(request, wait: int, *, as_json: bool = False):
    if as_json:
        response = JsonResponse(
            {"error": "rate_limited", "retry_after": wait}, status=429
        )
    else:
        response = TemplateResponse(
            request,
            "certificates/rate_limited.html",
            {"minutes": max(1, round(wait / 60))},
            status=429,
        )
    response["Retry-After"] = str(wait)
    return _public(response)


def _verify_page(request, verification, *, form=None):
    return _public(
        TemplateResponse(
            request,
            "certificates/verify_detail.html",
            {
                "verification": verification,
                "form": form or VerifyForm(),
            },
            status=200 if verification.found else 404,
        )
    )


@require_GET
def verify_form(request):
    """The form to type a code. A code that can be one goes to its verify page."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        entered = form.cleaned_data["code"]
        code = code_normalise(entered)
        if code is not None:
            return redirect("certificates:verify", code=code_display(code))
        # Not a code: counted, and answered exactly as an unknown code is.
        if (wait := verify_rate_limit(request)) is not None:
            return _rate_limited(request, wait)
        return _verify_page(
            request, verification_for(certificate=None, entered=entered)
        )
    return _public(
        TemplateResponse(request, "certificates/verify_form.html", {"form": form})
    )


@require_GET
def verify(request, code: str):
    """VALID / EXPIRED / REVOKED / SUPERSEDED / NOT FOUND for one code."""
    if (wait := verify_rate_limit(request)) is not None:
        return _rate_limited(request, wait)
    if is_anonymous_request(request):
        # Visitors who are not signed in all get the same page: keep it rendered.
        cached = verify_cached("html", code, lambda: _verify_html(request, code))
        if cached is not None:
            status, content = cached
            return _public(HttpResponse(content, status=status))
    return _verify_page(
        request,
        verify_cached("page", code, lambda: _verification(code)),
        form=VerifyForm(initial={"code": code}),
    )


def _verify_html(request, code: str) -> tuple[int, bytes] | None:
    response = _verify_page(
        request, _verification(code), form=VerifyForm(initial={"code": code})
    ).render()
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return None  # the page holds a CSRF token: never shared
    return response.status_code, response.content


def _verification(code: str):
    return verification_for(certificate=certificate_by_code(text=code), entered=code)


def _json(data, *, status=200):
    response = JsonResponse(
        data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    # Employers' own systems may call this from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def verify_json(request, code: str):
    """The verify answer as JSON; the shape is documented in certificates/README.md."""
    if (wait := verify_rate_limit(request)) is not None:
        response = _rate_limited(request, wait, as_json=True)
        response["Access-Control-Allow-Origin"] = "*"
        return response
    try:
        # The answer's bytes are kept with it: programs may ask many times a second.
        status, content = verify_cached("json", code, lambda: _verify_json(code))
    except DatabaseError:
        # Callers are programs: they get JSON they can act on, not an HTML page.
        response = _json(
            {
                "error": "unavailable",
                "detail": "Verification is unavailable just now. Try again shortly.",
            },
            status=503,
        )
        response["Retry-After"] = "30"
        return _public(response)
    response = HttpResponse(content, status=status, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)


def _verify_json(code: str) -> tuple[int, bytes]:
    verification = _verification(code)
    response = _json(verification.as_json(), status=200 if verification.found else 404)
    return response.status_code, response.content


@require_GET
def keys_json(request):
    """Every public key that signs or has signed certificates, active and retired."""
    response = _json(
        {
            "algorithm": ALGORITHM,
            "public_key_encoding": "base64 of the raw 32-byte Ed25519 public key",
            "signed_bytes": "the UTF-8 bytes of the 'statement' string",
            "keys": published_keys(),
        }
    )
    patch_cache_control(response, public=True, max_age=300)
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def check_pdf(request):
    """Upload a certificate PDF: is it exactly a file we issued?

    The upload handlers are swapped before the body is read, so the file is held in
    memory and never written anywhere; CSRF is checked by the view inside.
    """
    handler = CappedMemoryUploadHandler(request, limit=check_max_bytes())
    request.upload_handlers = [handler]
    return _check_pdf(request, handler)


@csrf_protect
def _check_pdf(request, handler):
    if request.method != "POST":
        return _public(
            TemplateResponse(
                request, "certificates/check_pdf.html", {"form": CheckPdfForm()}
            )
        )
    if (wait := verify_rate_limit(request)) is not None:
        return _rate_limited(request, wait)
    content_length = int(request.META.get("CONTENT_LENGTH") or 0)
    too_large = content_length > check_max_bytes() + 64 * 1024
    if too_large:
        form = CheckPdfForm(data={}, files={}, too_large=True)
    else:
        form = CheckPdfForm(request.POST, request.FILES, too_large=handler.too_large)
    context = {"form": form}
    status = 200
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        digest = hashlib.sha256(data).hexdigest()
        certificate = certificate_by_pdf_hash(sha256=digest)
        context["signature"] = pdf_signature_for(data=data)
        context["checked"] = True
        context["genuine"] = certificate is not None
        context["file_name"] = upload.name
        if certificate is not None:
            context["verification"] = verification_for(certificate=certificate)
        form = CheckPdfForm()
        context["form"] = form
    else:
        status = 413 if too_large or handler.too_large else 400
    return _public(
        TemplateResponse(request, "certificates/check_pdf.html", context, status=status)
    )


@login_required
@require_GET
def download(request, code: str):
    """The learner's own certificate PDF, as stored at issue. 404 for anyone else's."""
    certificate = learner_certificate(user=request.user, text=code)
    if certificate is None or not certificate.pdf_ready:
        raise Http404("No certificate of yours has that code.")
    if certificate.status == CertificateStatus.REVOKED:
        raise Http404("That certificate has been revoked.")
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}.pdf",
        content_type="application/pdf",
    )
    response["X-Robots-Tag"] = ROBOTS
    return response


@login_required
@require_POST
def refresher_again(request, course_id: int):
    """Take a completed refresher again in the next recertification window."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        refresher_take_again(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    messages.success(
        request,
        f"You have started {course.title} again. Your current certificate stays "
        "valid until it expires; completing the refresher renews it.",
    )
    return redirect(course.url)
