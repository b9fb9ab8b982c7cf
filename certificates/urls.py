from django.urls import path

from . import team_views, views, views_credentials

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/keys.json", views.keys_json, name="keys"),
    path("verify/check-pdf/", views.check_pdf, name="check_pdf"),
    # Open Badges 3.0: the issuer's DID, status lists, credentials and their check.
    path(".well-known/did.json", views_credentials.did_json, name="did"),
    path(
        "credentials/status/<int:number>",
        views_credentials.status_list,
        name="status_list",
    ),
    path(
        "verify/check-credential/",
        views_credentials.check_credential,
        name="check_credential",
    ),
    path(
        "verify/<str:code>/credential.json",
        views_credentials.credential_public,
        name="credential",
    ),
    path(
        "my-learning/certificates/<str:code>/credential/",
        views_credentials.credential_download,
        name="credential_download",
    ),
    path("verify/<str:code>.json", views.verify_json, name="verify_json"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path(
        "my-learning/certificates/<str:code>/download/",
        views.download,
        name="download",
    ),
    path(
        "my-learning/refreshers/<id:course_id>/again/",
        views.refresher_again,
        name="refresher_again",
    ),
    path("my-learning/cpd/", team_views.cpd, name="cpd"),
    path("my-learning/cpd.csv", team_views.cpd_csv, name="cpd_csv"),
    path("my-learning/cpd.pdf", team_views.cpd_download, name="cpd_pdf"),
    # A manager's "My team" (organisation, assignments, certificates).
    path("my-team/", team_views.team, name="team"),
    path(
        "my-team/capabilities/",
        team_views.team_capabilities,
        name="team_capabilities",
    ),
    path("my-team/export.csv", team_views.team_export, name="team_export"),
    path("my-team/people/<id:user_id>/", team_views.team_person, name="team_person"),
]
