"""The admin's actions on one certificate: revoke, reissue, retry its PDF, download.

Each is a view mounted by ``CertificateViewSet.get_urlpatterns``; each checks the
model permission it needs and records what it did in the certificate's history
(through the service it calls).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from . import services
from .admin_forms import ReissueForm, RevokeForm
from .models import Certificate, PdfState


class CertificateActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """Shared by the revoke, reissue, retry and download views."""

    model = Certificate
    header_icon = "doc-full"
    template_name = "certificates/admin/action_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Certificate, pk=kwargs["pk"])

    @property
    def inspect_url(self):
        return reverse(
            Certificate.snippet_viewset.get_url_name("inspect"),
            args=(quote(self.object.pk),),
        )

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object, cancel_url=self.inspect_url, **kwargs
        )

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(Certificate.snippet_viewset.get_url_name("list")),
                "label": "Certificates",
            },
            {"url": self.inspect_url, "label": self.object.display_code},
            {"url": "", "label": self.get_page_title()},
        ]


class RevokeView(CertificateActionView, FormView):
    permission_required = "revoke"
    page_title = "Revoke certificate"
    form_class = RevokeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label="Revoke certificate",
            warning="The public verify page will say REVOKED from now on. This "
            "cannot be undone; to replace the certificate, reissue it instead.",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.certificate_revoke(
                certificate=self.object,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
                reason_public=form.cleaned_data["reason_public"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Certificate {self.object.display_code} is revoked."
        )
        return redirect(self.inspect_url)


class ReissueView(CertificateActionView, FormView):
    permission_required = "reissue"
    page_title = "Reissue certificate"
    form_class = ReissueForm

    def get_initial(self):
        user = self.object.user
        return {"holder_name": user.full_name if user else self.object.holder_name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label="Reissue with a new code",
            warning="A new certificate and code are issued and emailed to the "
            "learner. The current one will verify as SUPERSEDED, linking to the new.",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            new = services.certificate_reissue(
                certificate=self.object,
                by=self.request.user,
                holder_name=form.cleaned_data["holder_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Reissued as {new.display_code}; {self.object.display_code} is "
            f"superseded.",
        )
        return redirect(
            Certificate.snippet_viewset.get_url_name("inspect"), quote(new.pk)
        )


class RetryRenderView(CertificateActionView):
    permission_required = "reissue"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            certificate = services.certificate_render_retry(
                certificate=self.object, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.inspect_url)
        if certificate.pdf_state == PdfState.READY:
            messages.success(request, "The PDF is ready.")
        else:
            messages.error(request, f"PDF failed: {certificate.pdf_error}")
        return redirect(self.inspect_url)

    def get(self, request, *args, **kwargs):  # pragma: no cover - POST only
        raise PermissionDenied


class RetryConfirmView(CertificateActionView):
    """GET: a page with the Retry button (the listing's menu links here)."""

    permission_required = "reissue"
    page_title = "Retry PDF"
    template_name = "certificates/admin/retry.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        return RetryRenderView.as_view()(request, *args, **kwargs)


class DownloadPdfView(CertificateActionView):
    permission_required = "view"

    def get(self, request, *args, **kwargs):
        if not self.object.pdf_ready:
            raise Http404("This certificate has no PDF.")
        return FileResponse(
            self.object.pdf.open("rb"),
            as_attachment=True,
            filename=f"certificate-{self.object.display_code}.pdf",
            content_type="application/pdf",
        )
