"""The admin's screens for people: users (with this platform's fields), and
Organisations > Organisations / Memberships, with merging of near-duplicates.

Trainers and administrators grant the manager role by editing a membership; a
manager uses "My team" on the site and never sees the admin.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import (
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .forms import WagtailUserCreationForm, WagtailUserEditForm
from .models import Membership, MembershipStatus, Organisation
from .selectors import organisation_near_duplicates


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return WagtailUserEditForm if for_update else WagtailUserCreationForm


# -- organisations ---------------------------------------------------------------------


class OrganisationIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "delete"):
            buttons.append(
                HeaderButton(
                    "Merge duplicates",
                    url=reverse(Organisation.snippet_viewset.get_url_name("merge")),
                    icon_name="resubmit",
                )
            )
        return buttons


class MergeForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Merge this organisation",
        queryset=Organisation.objects.order_by("name"),
        help_text="It is deleted once its people and assignments have moved.",
    )
    target = forms.ModelChoiceField(
        label="Into this organisation",
        queryset=Organisation.objects.order_by("name"),
        help_text="It keeps its name, type and region.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            raise ValidationError("Choose two different organisations to merge.")
        return cleaned


class OrganisationMergeView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """Merge a near-duplicate into another organisation (needs the delete
    permission: the duplicate is deleted)."""

    permission_required = "delete"
    page_title = "Merge organisations"
    header_icon = "resubmit"
    form_class = MergeForm
    template_name = "training/admin/organisation_merge.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.permission_policy = Organisation.snippet_viewset.permission_policy

    def get_initial(self):
        initial = {}
        for key in ("source", "target"):
            value = self.request.GET.get(key, "")
            if value.isdigit():
                initial[key] = int(value)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            duplicates=organisation_near_duplicates(),
            list_url=reverse(Organisation.snippet_viewset.get_url_name("list")),
            **kwargs,
        )

    def form_valid(self, form):
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        name = source.name
        try:
            services.organisation_merge(source=source, target=target)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{name}” is merged into “{target.name}”.")
        return redirect(reverse(Organisation.snippet_viewset.get_url_name("merge")))

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(Organisation.snippet_viewset.get_url_name("list")),
                "label": "Organisations",
            },
            {"url": "", "label": self.page_title},
        ]


class OrganisationViewSet(SnippetViewSet):
    """Organisations > Organisations: employers, their type and region."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    index_view_class = OrganisationIndexView
    list_display = [
        "name",
        Column("type", label="Type", accessor="get_type_display", sort_key="type"),
        Column(
            "region", label="Region", accessor="get_region_display", sort_key="region"
        ),
    ]
    list_filter = ["type", "region"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["name"]
    copy_view_enabled = False
    panels = [FieldPanel("name"), FieldPanel("type"), FieldPanel("region")]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/", OrganisationMergeView.as_view(), name="merge"),
        ]


class MembershipAdminForm(WagtailAdminModelForm):
    """Saves through ``membership_save`` so each person keeps one current
    membership (saving one as current ends any other) and reports show it."""

    def clean(self):
        cleaned = super().clean()
        user, status = cleaned.get("user"), cleaned.get("status")
        if user and status == MembershipStatus.PENDING:
            clash = Membership.objects.filter(
                user=user, status=MembershipStatus.PENDING
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(
                    f"{user} already has a request waiting for approval. Answer or "
                    "delete that one first."
                )
        return cleaned

    def _get_validation_exclusions(self):
        # The one-current-membership constraint is kept by ``membership_save``
        # (saving one as current ends the other); the pending one is checked in
        # ``clean``. Excluding "user" skips both constraints in model validation.
        return {*super()._get_validation_exclusions(), "user"}

    def save(self, commit=True):
        membership = super().save(commit=False)
        if commit:
            services.membership_save(membership=membership)
        return membership


class MembershipViewSet(SnippetViewSet):
    """Organisations > Memberships: who is in which organisation, since when, and
    who manages it. Ended memberships are kept as history."""

    model = Membership
    icon = "user"
    menu_label = "Memberships"
    list_display = [
        Column("user", label="Person", sort_key="user__full_name"),
        Column("organisation", label="Organisation", sort_key="organisation__name"),
        Column("role", label="Role", accessor="get_role_display", sort_key="role"),
        Column(
            "status", label="Status", accessor="get_status_display", sort_key="status"
        ),
        DateColumn("started_at", label="From", sort_key="started_at"),
        DateColumn("ended_at", label="Until", sort_key="ended_at"),
    ]
    list_filter = ["role", "status", "organisation"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    search_backend_name = None
    list_per_page = 50
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("user", heading="Person"),
            FieldPanel(
                "organisation",
                help_text="To move someone to another organisation, edit the "
                "person under Users and choose it there: their time here is then "
                "kept as history.",
            ),
            FieldPanel(
                "role",
                help_text="A manager sees this organisation's staff under “My team” "
                "on the website: courses, progress, due dates, certificates and the "
                "team capability checklist. Never their quiz answers, reflections "
                "or feedback, and never the admin.",
            ),
            FieldPanel(
                "status",
                help_text="Current: works here now (a person has one current "
                "organisation; saving this as current ends any other). Left: kept "
                "as history, and this organisation's managers no longer see what "
                "the person does from now on.",
            ),
        ],
        base_form_class=MembershipAdminForm,
    )

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "organisation")


class OrganisationsGroup(SnippetViewSetGroup):
    menu_label = "Organisations"
    menu_icon = "group"
    menu_order = 240
    items = (OrganisationViewSet, MembershipViewSet)
