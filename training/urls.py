from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .admin_views import REPORTS
from .forms import EmailAuthenticationForm
from .health import healthz

account_patterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "signup/confirm/<uidb64>/<token>/",
        views.signup_confirm,
        name="signup_confirm",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="account_delete"),
    path("organisation/leave/", views.organisation_leave, name="organisation_leave"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Wagtail's reports at their own addresses, with safe CSV exports.
    *(path(f"admin/reports/{route}", view.as_view()) for route, view in REPORTS),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(account_patterns)),
    path("my-team/requests/", views.team_requests, name="team_requests"),
    path("my-team/invite/", views.team_invite, name="team_invite"),
    path("my-team/invite/new-link/", views.invite_link_reset, name="invite_link_reset"),
    path("join/<str:token>/", views.organisation_join, name="organisation_join"),
    path(
        "join/invitation/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents go through their serve view and its access rule.
    urlpatterns += static(
        f"{settings.MEDIA_URL}images/", document_root=settings.MEDIA_ROOT / "images"
    )

urlpatterns += [path("", include(wagtail_urls))]
