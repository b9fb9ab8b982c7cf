"""Account pages: sign up, profile, download or delete your data; joining an
organisation; a manager's invitations and requests to join."""

import hashlib
import json

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .auth import account_activation_token, login_username
from .forms import ProfileForm, SignupForm
from .invitations import MAX_BYTES, MAX_ROWS, CsvError, invitation_plan
from .models import Invitation, Membership, MembershipStatus, Organisation, User
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
        data = form.cleaned_data
        services.signup_request(
            full_name=data["full_name"],
            email=data["email"],
            job_role=data["job_role"],
            password=data["password1"],
            join_organisation=data.get("join_organisation"),
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


# --- Invitations and joining -------------------------------------------------------

UPLOAD_SESSION_KEY = "training:invitation-upload"


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns: email, full name, job role (up to {MAX_ROWS:,} people). "
        "Nothing is sent until you have checked what will happen and confirmed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty.",
        },
    )


def _invite_page(request, *, form=None, plan=None, error="", status=200):
    organisation = request.organisation
    return TemplateResponse(
        request,
        "training/team_invite.html",
        {
            "organisation": organisation,
            "invite_url": request.build_absolute_uri(
                reverse("organisation_join", args=[organisation.invite_token])
            ),
            "form": form or InvitationUploadForm(),
            "plan": plan,
            "error": error,
            "invitations": Invitation.objects.filter(
                organisation=organisation
            ).order_by("-created_at", "pk")[:20],
            "invitation_count": Invitation.objects.filter(
                organisation=organisation
            ).count(),
        },
        status=status,
    )


@manager_required
@require_http_methods(["GET", "POST"])
def team_invite(request):
    """Invite staff: the organisation's link, or a CSV file checked row by row
    (the dry run) before anything is saved or sent."""
    organisation = request.organisation
    if request.method == "GET":
        return _invite_page(request)
    if "confirm" in request.POST:
        stored = request.session.get(UPLOAD_SESSION_KEY) or {}
        if stored.get("organisation") != organisation.pk or stored.get(
            "digest"
        ) != request.POST.get("confirm"):
            return _invite_page(
                request,
                error="That upload has expired or was replaced. Upload the file again.",
                status=400,
            )
        plan = invitation_plan(
            organisation=organisation, data=stored["text"].encode("utf-8")
        )
        created = services.invitations_create(
            organisation=organisation, rows=plan.to_invite, invited_by=request.user
        )
        del request.session[UPLOAD_SESSION_KEY]
        messages.success(
            request,
            f"{len(created)} {'invitation' if len(created) == 1 else 'invitations'} "
            f"sent. {plan.skipped} skipped, {plan.errors} with errors.",
        )
        return redirect("team_invite")
    form = InvitationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invite_page(request, form=form, status=400)
    # One byte past the limit is enough to refuse it: never read a huge upload whole.
    data = form.cleaned_data["file"].read(MAX_BYTES + 1)
    try:
        plan = invitation_plan(organisation=organisation, data=data)
    except CsvError as error:
        form.add_error("file", str(error))
        return _invite_page(request, form=form, status=400)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    digest = hashlib.sha256(data).hexdigest()
    request.session[UPLOAD_SESSION_KEY] = {
        "organisation": organisation.pk,
        "digest": digest,
        "text": text,
    }
    plan.digest = digest
    return _invite_page(request, plan=plan)


@manager_required
@require_POST
def invite_link_reset(request):
    services.organisation_invite_link_reset(organisation=request.organisation)
    messages.success(
        request, "There is a new invite link. The old one no longer works."
    )
    return redirect("team_invite")


@require_http_methods(["GET", "POST"])
def organisation_join(request, token: str):
    """An organisation's invite link: signed-in people join it at once."""
    organisation = get_object_or_404(Organisation, invite_token=token)
    current = current_membership(user=request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        services.membership_start(user=request.user, organisation=organisation)
        messages.success(request, f"You have joined {organisation.name}.")
        return redirect("dashboard")
    return TemplateResponse(
        request,
        "training/join.html",
        {"organisation": organisation, "current": current},
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Accept an emailed invitation: sign in, or create an account, and join."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), token=token
    )
    user = request.user
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if not user.is_authenticated and not has_account:
        data = None
        if request.method == "POST":
            data = request.POST.copy()
            data["email"] = invitation.email
        form = SignupForm(
            data,
            initial={
                "email": invitation.email,
                "full_name": invitation.full_name,
                "job_role": invitation.job_role,
            },
        )
        form.fields["email"].disabled = True
        del form.fields["join_organisation"]  # the invitation says which
        if request.method == "POST" and form.is_valid():
            user = form.save()
            login(request, user, backend="training.auth.EmailBackend")
            services.invitation_accept(invitation=invitation, user=user)
            messages.success(
                request,
                f"Welcome, {user.full_name}. You are in "
                f"{invitation.organisation.name}.",
            )
            return redirect("dashboard")
    elif request.method == "POST" and user.is_authenticated:
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, f"You have joined {invitation.organisation.name}.")
        return redirect("dashboard")
    return TemplateResponse(
        request,
        "training/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "wrong_account": user.is_authenticated
            and user.email.lower() != invitation.email.lower(),
        },
        status=400 if form is not None and form.errors else 200,
    )
