"""Account pages: sign up, profile, download or delete your data."""

import json

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import services
from .auth import account_activation_token, login_username
from .forms import ProfileForm, SignupForm


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
        data = form.cleaned_data
        services.signup_request(
            full_name=data["full_name"],
            email=data["email"],
            organisation=data["organisation"],
            job_role=data["job_role"],
            password=data["password1"],
        )
        # The same answer whether or not the address already has an account.
        return TemplateResponse(
            request, "registration/signup_sent.html", {"email": data["email"]}
        )
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "registration/signup.html",
        {"form": form, "next": _safe_next(request, "")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64: str, token: str):
    """The emailed link: a button confirms the address (a GET alone changes
    nothing, so mail scanners that open links do not confirm accounts)."""
    user = _user_from_uid(uidb64)
    valid = user is not None and account_activation_token.check_token(user, token)
    if not valid:
        return TemplateResponse(
            request, "registration/signup_confirm.html", {"valid": False}, status=400
        )
    if request.method == "POST":
        user = services.signup_confirm(user=user)
        login(request, user, backend="training.auth.EmailBackend")
        messages.success(request, f"Welcome, {user.full_name}. Your account is ready.")
        return redirect("/")
    return TemplateResponse(
        request, "registration/signup_confirm.html", {"valid": True, "user": user}
    )


def _user_from_uid(uidb64: str):
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    from .models import User

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    return User.objects.filter(pk=pk).first()


def login_locked_out(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets (django-axes calls this): when to try again,
    and the password reset that lifts the lock. Same page for an account and an
    address, and for accounts that exist and those that do not."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "admin": request.path.startswith("/admin/")},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response.render()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" page; a new password also lifts a sign-in
    lock on the account, so a locked-out learner has a way back at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=login_username(self.request, {"username": form.user.email}))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "registration/profile.html", {"form": form}, status=status
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
