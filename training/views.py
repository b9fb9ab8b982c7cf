"""Account pages: sign up, profile, download or delete your data."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import services
from .forms import ProfileForm, SignupForm
from .models import Membership, MembershipStatus
from .permissions import manager_required
from .selectors import current_membership, pending_requests


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="training.auth.EmailBackend")
        messages.success(request, f"Welcome, {user.full_name}. Your account is ready.")
        return redirect(_safe_next(request, "/"))
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "registration/signup.html",
        {"form": form, "next": _safe_next(request, "")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "membership": current_membership(user=request.user),
        "pending": Membership.objects.filter(
            user=request.user, status=MembershipStatus.PENDING
        )
        .select_related("organisation")
        .first(),
    }
    return TemplateResponse(
        request, "registration/profile.html", context, status=status
    )


@login_required
def data_export(request):
    data = services.user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-training-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            services.user_delete(user=request.user)
            logout(request)
            messages.success(
                request, "Your account and your training records are deleted."
            )
            return redirect("/")
        error = "That password is not right, so nothing was deleted."
    return TemplateResponse(
        request,
        "registration/account_delete.html",
        {"error": error},
        status=400 if error else 200,
    )


@manager_required
@require_http_methods(["GET", "POST"])
def team_requests(request):
    """A manager approves or declines requests to join their organisation."""
    organisation = request.organisation
    if request.method == "POST":
        membership = get_object_or_404(
            Membership,
            pk=request.POST.get("membership")
            if request.POST.get("membership", "").isdigit()
            else None,
            organisation=organisation,
            status=MembershipStatus.PENDING,
        )
        approve = request.POST.get("decision") == "approve"
        services.membership_decide(membership=membership, approve=approve)
        name = membership.user.full_name
        if approve:
            messages.success(request, f"{name} is now in {organisation.name}.")
        else:
            messages.info(request, f"{name}'s request is declined.")
        return redirect("team_requests")
    return TemplateResponse(
        request,
        "training/team_requests.html",
        {
            "organisation": organisation,
            "requests": pending_requests(organisation=organisation),
        },
    )


@login_required
@require_http_methods(["POST"])
def organisation_leave(request):
    """The learner leaves their organisation: its managers stop seeing them."""
    membership = current_membership(user=request.user)
    if membership is not None:
        services.membership_end(membership=membership)
        messages.success(
            request,
            f"You have left {membership.organisation.name}. Its managers no longer "
            "see your training.",
        )
    return redirect("profile")
