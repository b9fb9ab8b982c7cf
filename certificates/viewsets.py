"""The admin's certificate screens: Certificates > Certificates, Course signatories,
Signing keys. Registered as snippets in wagtail_hooks.py, like the rest of the admin.

Certificates are never added, edited or deleted by hand (the permission policy says
no to those actions for everyone): they are issued on completion, and a trainer with
the permissions can revoke one, reissue one, or retry a PDF that failed. Each action
is recorded in the certificate's history (Wagtail's audit log).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import FormView, View
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    TitleColumn,
)
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import (
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from courses.models import CoursePage

from . import services
from .codes import code_normalise
from .models import (
    EXPIRED,
    Certificate,
    CertificateStatus,
    CourseCertificateSettings,
    PdfState,
    SigningKey,
)

# -- permissions -----------------------------------------------------------------------


class IssuedRecordPermissionPolicy(ModelPermissionPolicy):
    """Records the platform writes itself: viewable with the "view" permission, never
    added, edited or deleted in the admin, not even by a superuser. Other actions
    (revoke, reissue) are the model's own permissions."""

    NEVER = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.NEVER]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


# -- the certificates listing ----------------------------------------------------------

STATUS_FILTER_CHOICES = [
    (CertificateStatus.VALID, "Valid"),
    (EXPIRED, "Expired"),
    (CertificateStatus.REVOKED, "Revoked"),
    (CertificateStatus.SUPERSEDED, "Superseded"),
]


class CertificateFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        queryset=CoursePage.objects.order_by("title"), empty_label="All courses"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTER_CHOICES, method="filter_status", empty_label="Any status"
    )
    issued_at = django_filters.DateFromToRangeFilter(
        label="Issued", widget=DateRangePickerWidget
    )
    pdf_state = django_filters.ChoiceFilter(
        label="PDF", choices=PdfState.choices, empty_label="Any"
    )

    class Meta:
        model = Certificate
        fields = ["course", "status", "issued_at", "pdf_state"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == EXPIRED:
            return queryset.filter(status=CertificateStatus.VALID, expires_at__lte=now)
        if value == CertificateStatus.VALID:
            return queryset.filter(status=CertificateStatus.VALID).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        return queryset.filter(status=value)


class StatusColumn(Column):
    """Status in words, plus "PDF failed" where the PDF needs attention."""

    def get_value(self, instance):
        label = instance.status_label
        if instance.pdf_state == PdfState.FAILED:
            return format_html("{} · <strong>PDF failed</strong>", label)
        if instance.pdf_state == PdfState.PENDING:
            return f"{label} · PDF not rendered"
        return label


class CertificateIndexView(IndexView):
    """Search by code (any case, with or without dashes) or by name."""

    @cached_property
    def columns(self):
        # No bulk-action checkboxes: the only bulk action, delete, is never allowed.
        return [
            column
            for column in super().columns
            if not isinstance(column, BulkActionsCheckboxColumn)
        ]

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        squashed = "".join(query.upper().split()).replace("-", "")
        condition = Q(holder_name__icontains=query) | Q(code__icontains=squashed)
        if code := code_normalise(query):
            condition |= Q(code=code)
        return queryset.filter(condition)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.extend(action_buttons(self, instance, menu=True))
        return buttons


def _can(view, action: str) -> bool:
    return view.permission_policy.user_has_permission(view.request.user, action)


def action_buttons(view, certificate, *, menu: bool = False) -> list:
    """Revoke, reissue, retry PDF, download and the public page, as allowed."""
    viewset = Certificate.snippet_viewset
    items = []
    current = certificate.status != CertificateStatus.SUPERSEDED
    if current and certificate.pdf_state != PdfState.READY and _can(view, "reissue"):
        items.append(("Retry PDF", viewset.get_url_name("retry"), "resubmit", 5))
    if certificate.status == CertificateStatus.VALID and _can(view, "revoke"):
        items.append(("Revoke", viewset.get_url_name("revoke"), "cross", 40))
    if certificate.status == CertificateStatus.VALID and _can(view, "reissue"):
        items.append(("Reissue", viewset.get_url_name("reissue"), "repeat", 45))
    if certificate.pdf_ready and _can(view, "view"):
        items.append(("Download PDF", viewset.get_url_name("pdf"), "download", 50))
    buttons = [
        Button(
            label,
            url=reverse(url_name, args=(quote(certificate.pk),)),
            icon_name=icon,
            priority=priority,
        )
        for label, url_name, icon, priority in items
    ]
    buttons.append(
        Button(
            "Public verify page",
            url=certificate.verify_url,
            icon_name="link-external",
            priority=60,
            attrs={"target": "_blank", "rel": "noreferrer"},
        )
    )
    return buttons


class CertificateInspectView(InspectView):
    """Everything about one certificate, with its PDF state and the actions."""

    def get_field_label(self, field_name, field):
        labels = {
            "display_code": "Code",
            "status_label": "Status",
            "pdf_state": "PDF",
            "user": "Learner account",
            "key_id": "Signing key",
            "pdf_sha256": "PDF SHA-256",
        }
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_pdf_state_display_value(self):
        if self.object.pdf_state == PdfState.FAILED:
            return f"PDF failed: {self.object.pdf_error}"
        return self.object.get_pdf_state_display()

    def get_superseded_by_display_value(self):
        replacement = self.object.superseded_by
        return replacement.display_code if replacement else "-"

    def get_user_display_value(self):
        user = self.object.user
        return f"{user.full_name} <{user.email}>" if user else "Account deleted"

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *action_buttons(self, self.object)]


class CertificateHistoryView(HistoryView):
    """The audit trail: issue, revoke (with reason), reissue, PDF retries."""

    any_permission_required = ["view"]
    header_buttons = []  # no "Edit": certificates are not edited

    def get_edit_url(self, instance):
        return None


# -- actions ---------------------------------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded in the certificate's history with your name and the time.",
    )
    reason_public = forms.BooleanField(
        label="Show this reason on the public verify page",
        required=False,
        help_text="Leave unticked to show only that it was revoked, and when.",
    )


class ReissueForm(forms.Form):
    holder_name = forms.CharField(
        label="Name to print",
        max_length=150,
        help_text="The learner's current name is filled in. The new certificate gets "
        "a new code; the old one will show as replaced.",
    )


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


# -- viewsets --------------------------------------------------------------------------


class CertificateViewSet(SnippetViewSet):
    """Certificates > Certificates: list, search, filter, inspect, act."""

    model = Certificate
    icon = "doc-full"
    menu_label = "Certificates"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    inspect_view_enabled = True
    inspect_view_fields = [
        "display_code",
        "status_label",
        "pdf_state",
        "holder_name",
        "course_title",
        "cpd_hours",
        "completed_on",
        "issued_at",
        "expires_at",
        "issuer_name",
        "signatory_name",
        "signatory_role",
        "verify_url",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "reason_public",
        "superseded_by",
        "key_id",
        "pdf_sha256",
        "user",
    ]
    copy_view_enabled = False
    filterset_class = CertificateFilterSet
    search_fields = ["holder_name", "code"]
    list_per_page = 50
    ordering = ["-issued_at"]

    @cached_property
    def list_display(self):
        return [
            TitleColumn(
                "display_code",
                label="Code",
                get_url=lambda obj: reverse(
                    self.get_url_name("inspect"), args=(quote(obj.pk),)
                ),
            ),
            Column("holder_name", label="Name", sort_key="holder_name"),
            Column("course_title", label="Course", sort_key="course_title"),
            DateColumn("issued_at", label="Issued", sort_key="issued_at"),
            StatusColumn("status", label="Status", sort_key="status"),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<id:pk>/", RevokeView.as_view(), name="revoke"),
            path("reissue/<id:pk>/", ReissueView.as_view(), name="reissue"),
            path("retry/<id:pk>/", RetryConfirmView.as_view(), name="retry"),
            path("pdf/<id:pk>/", DownloadPdfView.as_view(), name="pdf"),
        ]


class CourseCertificateSettingsViewSet(SnippetViewSet):
    """Certificates > Course signatories: a course's own signatory."""

    model = CourseCertificateSettings
    icon = "user"
    menu_label = "Course signatories"
    list_display = ["course", "signatory_name", "signatory_role"]
    copy_view_enabled = False


class SigningKeyViewSet(SnippetViewSet):
    """Certificates > Signing keys: every public key that has signed (read only)."""

    model = SigningKey
    icon = "key"
    menu_label = "Signing keys"
    list_display = ["key_id", DateColumn("first_used_at", label="First used")]
    inspect_view_enabled = True
    copy_view_enabled = False


class CertificatesGroup(SnippetViewSetGroup):
    menu_label = "Certificates"
    menu_icon = "doc-full"
    menu_order = 250
    items = (CertificateViewSet, CourseCertificateSettingsViewSet, SigningKeyViewSet)
