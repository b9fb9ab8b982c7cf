"""The admin's certificate screens: Certificates > Certificates, Course signatories,
Signing keys. Registered as snippets in wagtail_hooks.py, like the rest of the admin.

Certificates are never added, edited or deleted by hand (the permission policy says
no to those actions for everyone): they are issued on completion, and a trainer with
the permissions can revoke one, reissue one, or retry a PDF that failed
(``admin_actions``). Each action is recorded in the certificate's history (Wagtail's
audit log).
"""

from __future__ import annotations

import django_filters
from django.contrib.admin.utils import quote
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    TitleColumn,
)
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

from .admin_actions import DownloadPdfView, ReissueView, RetryConfirmView, RevokeView
from .codes import code_normalise
from .models import (
    EXPIRED,
    Certificate,
    CertificateStatus,
    CourseCertificateSettings,
    PdfSigningCertificate,
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


class PdfSigningCertificateViewSet(SnippetViewSet):
    """Certificates > PDF signing certificates: every X.509 certificate that has
    signed a PDF (read only)."""

    model = PdfSigningCertificate
    icon = "key"
    menu_label = "PDF signing certificates"
    list_display = [
        "subject",
        "fingerprint",
        DateColumn("first_used_at", label="First used"),
    ]
    inspect_view_enabled = True
    copy_view_enabled = False


class CertificatesGroup(SnippetViewSetGroup):
    menu_label = "Certificates"
    menu_icon = "doc-full"
    menu_order = 250
    items = (
        CertificateViewSet,
        CourseCertificateSettingsViewSet,
        SigningKeyViewSet,
        PdfSigningCertificateViewSet,
    )
