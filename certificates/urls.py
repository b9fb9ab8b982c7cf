from django.urls import path

from . import views, views_credentials

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
]
