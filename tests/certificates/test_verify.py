import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from certificates.codes import code_generate
from certificates.models import CertificateStatus
from certificates.services import certificate_reissue, certificate_revoke
from certificates.signing import statement_text, statement_verify
from tests.factories import CertificateFactory

JSON_KEYS = {
    "status",
    "code",
    "holder_name",
    "course_title",
    "cpd_hours",
    "completed_on",
    "issued_at",
    "expires_on",
    "revoked_on",
    "revocation_reason",
    "issuer",
    "superseded_by",
    "verify_url",
    "statement",
    "signature",
    "key_id",
    "signature_algorithm",
    "credential_url",
}


def _page(client, code):
    response = client.get(f"/verify/{code}/")
    return response, response.content.decode()


def test_valid_certificate(client, issue):
    certificate = issue(full_name="Siobhán Ó Briain")
    response, html = _page(client, certificate.display_code)
    assert response.status_code == 200
    assert "VALID" in html
    for text in ["Siobhán Ó Briain", certificate.course_title, "Does not expire"]:
        assert text in html
    assert certificate.issuer_name in html
    assert f"{certificate.completed_on:%-d %B %Y}" in html


def test_only_what_an_employer_needs_is_shown(client, issue):
    certificate = issue()
    user = certificate.user
    _, html = _page(client, certificate.display_code)
    data = client.get(f"/verify/{certificate.display_code}.json").json()
    for private in [user.email, user.organisation, f"/users/{user.pk}"]:
        assert private not in html
        assert private not in json.dumps(data, ensure_ascii=False)
    assert set(data) == JSON_KEYS


def test_pages_are_not_indexed_or_cached(client, issue):
    certificate = issue()
    for url in [
        f"/verify/{certificate.display_code}/",
        f"/verify/{certificate.display_code}.json",
        "/verify/NOT-A-CODE/",
        "/verify/",
    ]:
        response = client.get(url)
        assert response["X-Robots-Tag"] == "noindex, nofollow", url
        assert (
            "no-store" in response["Cache-Control"]
            or "max-age=0" in response["Cache-Control"]
        ), url
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.parametrize(
    "transform",
    [
        str.lower,
        lambda code: code.replace("-", ""),
        lambda code: code.lower().replace("-", " "),
        lambda code: code.replace("0", "O").replace("1", "I"),
        lambda code: code.replace("1", "l"),
    ],
)
def test_lookups_forgive_case_dashes_and_lookalike_letters(client, issue, transform):
    certificate = issue()
    certificate.code = "01AB-01CD-01EF-01GH-01JK".replace("-", "")
    certificate.save(update_fields=["code"])
    response, html = _page(client, transform(certificate.display_code))
    assert response.status_code == 200
    assert escape(certificate.holder_name) in html  # names like O'Brien are escaped


def test_expired_certificate(client, issue, validity_course):
    certificate = issue(course_=validity_course)
    certificate.expires_at = timezone.now() - timedelta(days=1)
    certificate.save(update_fields=["expires_at"])
    response, html = _page(client, certificate.display_code)
    assert response.status_code == 200
    assert "EXPIRED" in html and "Expired on" in html
    assert client.get(f"/verify/{certificate.code}.json").json()["status"] == "expired"


def test_revoked_certificate_shows_the_date_and_the_reason_only_if_public(
    client, issue
):
    private = issue()
    certificate_revoke(certificate=private, by=None, reason="Secret reason")
    response, html = _page(client, private.display_code)
    assert response.status_code == 200
    assert "REVOKED" in html
    assert f"{timezone.localdate():%-d %B %Y}" in html
    assert "Secret reason" not in html
    data = client.get(f"/verify/{private.code}.json").json()
    assert data["status"] == "revoked"
    assert data["revoked_on"] == timezone.localdate().isoformat()
    assert data["revocation_reason"] is None

    public = issue()
    certificate_revoke(
        certificate=public, by=None, reason="Issued in error", reason_public=True
    )
    _, html = _page(client, public.display_code)
    assert "Issued in error" in html
    data = client.get(f"/verify/{public.code}.json").json()
    assert data["revocation_reason"] == "Issued in error"


def test_superseded_certificate_points_to_its_replacement_and_nothing_personal(
    client, issue
):
    old = issue(full_name="Old Name")
    new = certificate_reissue(certificate=old, by=None, holder_name="New Name")
    response, html = _page(client, old.display_code)
    assert response.status_code == 200
    assert "SUPERSEDED" in html
    assert new.verify_url in html
    assert "Old Name" not in html and "New Name" not in html
    data = client.get(f"/verify/{old.code}.json").json()
    assert data["status"] == "superseded"
    assert data["superseded_by"] == new.verify_url
    assert data["holder_name"] is None and data["statement"] is None
    _, html = _page(client, new.display_code)
    assert "New Name" in html and "VALID" in html


def test_unknown_and_malformed_codes_look_the_same(client, db):
    unknown = code_generate()
    responses = {
        "unknown": client.get(f"/verify/{unknown}/"),
        "malformed": client.get("/verify/not-a-code/"),
    }
    for response in responses.values():
        assert response.status_code == 404
        assert "NOT FOUND" in response.content.decode()
        assert response.templates[0].name == "certificates/verify_detail.html"
    # The same page apart from the code echoed back.
    normalised = [
        response.content.decode().replace(code, "CODE")
        for response, code in [
            (responses["unknown"], unknown),
            (responses["malformed"], "not-a-code"),
        ]
    ]
    assert normalised[0] == normalised[1]
    data = client.get("/verify/not-a-code.json")
    assert data.status_code == 404
    assert data.json() == {
        **dict.fromkeys(JSON_KEYS),
        "status": "not_found",
        "code": "not-a-code",
    }


def test_typed_code_is_escaped(client, db):
    response = client.get("/verify/<script>alert(1)<%2Fscript>/")
    assert "<script>alert(1)" not in response.content.decode()


def test_the_form_goes_to_the_verify_page(client, issue):
    certificate = issue()
    response = client.get("/verify/", {"code": certificate.display_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.display_code}/"
    response = client.get("/verify/", {"code": "nonsense"})
    assert response.status_code == 404
    assert "NOT FOUND" in response.content.decode()
    html = client.get("/verify/").content.decode()
    assert "Certificate code" in html
    response = client.get("/verify/", {"code": ""})
    assert "Enter the code printed on the certificate" in response.content.decode()


def test_the_verify_lookup_is_one_indexed_query(
    client, issue, django_assert_num_queries
):
    certificate = issue()
    for _ in range(5):
        CertificateFactory()
    with django_assert_num_queries(1):
        response = client.get(f"/verify/{certificate.display_code}.json")
    assert response.status_code == 200
    client.get("/verify/")  # the footer's support link is cached on first use
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/verify/{certificate.display_code}/")
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert '"certificates_certificate"."code" =' in queries[0]["sql"]
    # The page's total does not grow with the number of certificates.
    for _ in range(20):
        CertificateFactory()
    with CaptureQueriesContext(connection) as again:
        client.get(f"/verify/{certificate.display_code}/")
    assert len(again) == len(queries)


def test_json_shape_and_values(client, issue, validity_course):
    certificate = issue(course_=validity_course, full_name="Zoë Hartley")
    response = client.get(f"/verify/{certificate.display_code}.json")
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == JSON_KEYS
    assert data["status"] == "valid"
    assert data["code"] == certificate.display_code
    assert data["holder_name"] == "Zoë Hartley"
    assert data["course_title"] == validity_course.title
    assert data["cpd_hours"] == "6"
    assert data["completed_on"] == certificate.completed_on.isoformat()
    assert data["expires_on"] == certificate.expires_on.isoformat()
    assert data["issued_at"].endswith("Z")
    assert data["issuer"] == "ADVANCE training programme"
    assert data["signature_algorithm"] == "Ed25519"
    statement = json.loads(data["statement"])
    for field in [
        "code",
        "holder_name",
        "course_title",
        "cpd_hours",
        "completed_on",
        "issued_at",
        "expires_on",
    ]:
        assert statement[field] == data[field], field
    assert statement["issuer"] == data["issuer"]


def _public_key(client, key_id) -> str:
    """The published public key (base64) with this id, from the keys page."""
    keys = client.get("/verify/keys.json").json()["keys"]
    return next(key for key in keys if key["key_id"] == key_id)["public_key"]


def test_the_signature_verifies_with_the_published_key(client, issue):
    certificate = issue()
    data = client.get(f"/verify/{certificate.code}.json").json()
    key = _public_key(client, data["key_id"])
    assert statement_verify(data["statement"], data["signature"], key)


@pytest.mark.parametrize(
    "field,value",
    [
        ("holder_name", "Someone Else"),
        ("course_title", "Another course"),
        ("cpd_hours", "60"),
        ("completed_on", "2020-01-01"),
        ("issued_at", "2020-01-01T00:00:00Z"),
        ("expires_on", "2099-01-01"),
        ("issuer", "Fake Academy"),
        ("code", "0000-0000-0000-0000-0000"),
    ],
)
def test_the_signature_fails_after_any_field_is_changed(client, issue, field, value):
    certificate = issue()
    data = client.get(f"/verify/{certificate.code}.json").json()
    key = _public_key(client, data["key_id"])
    statement = json.loads(data["statement"])
    assert field in statement
    statement[field] = value
    assert statement_verify(data["statement"], data["signature"], key)
    assert not statement_verify(statement_text(statement), data["signature"], key)


def test_old_keys_stay_published_after_rotation(client, issue, signing_keys):
    from pathlib import Path

    from certificates.signing import keys_file_rotate

    old = issue()
    new_pair = keys_file_rotate(Path(signing_keys))
    new = issue()
    assert new.key_id == new_pair.key_id != old.key_id
    keys = {
        key["key_id"]: key for key in client.get("/verify/keys.json").json()["keys"]
    }
    assert keys[new.key_id]["status"] == "active"
    assert keys[old.key_id]["status"] == "retired"
    data = client.get(f"/verify/{old.code}.json").json()
    assert statement_verify(
        data["statement"], data["signature"], _public_key(client, old.key_id)
    )


def test_keys_from_the_environment_variable(client, issue, settings):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certificates.signing import (
        keys_cache_clear,
        pair_from_private,
        private_key_to_text,
    )

    private = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = private_key_to_text(private)
    keys_cache_clear()
    certificate = issue()
    assert certificate.key_id == pair_from_private(private).key_id
    keys = client.get("/verify/keys.json").json()["keys"]
    assert [key["key_id"] for key in keys if key["status"] == "active"] == [
        certificate.key_id
    ]


def test_verify_lookups_are_rate_limited_per_address(client, issue, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "3/60"
    certificate = issue()
    url = f"/verify/{certificate.display_code}/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait" in response.content.decode()
    json_response = client.get(f"/verify/{certificate.code}.json")
    assert json_response.status_code == 429
    assert json_response.json()["error"] == "rate_limited"
    # Unknown codes count too, so guessing is limited as much as looking up.
    assert client.get(f"/verify/{code_generate()}/").status_code == 429
    # Another address is not affected; a forged X-Forwarded-For changes nothing.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_rate_limit_trusts_the_configured_proxy(client, issue, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "1/60"
    settings.CERTIFICATE_VERIFY_PROXY_COUNT = 1
    certificate = issue()
    url = f"/verify/{certificate.display_code}/"
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_ipv6_clients_are_counted_per_64(rf):
    from certificates.ratelimit import client_address

    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert client_address(one) == client_address(two) == "2001:db8:1:2::/64"


def test_revocation_shows_at_once(client, issue):
    certificate = issue()
    assert "VALID" in _page(client, certificate.display_code)[1]
    certificate_revoke(certificate=certificate, by=None, reason="Withdrawn")
    assert "REVOKED" in _page(client, certificate.display_code)[1]
    assert certificate.status == CertificateStatus.VALID  # the caller's copy is stale


def test_a_revoked_certificate_says_nothing_about_being_valid(
    client, issue, validity_course
):
    certificate = issue(course_=validity_course)
    certificate_revoke(certificate=certificate, by=None, reason="Issued in error")
    _, html = _page(client, certificate.display_code)
    assert "Revoked on" in html
    assert "Valid until" not in html
    assert "Does not expire" not in html


def test_verify_pages_keep_the_code_within_the_site_and_keep_forms_working(
    client, issue
):
    """ "no-referrer" made browsers post the PDF check with Origin: null."""
    certificate = issue()
    for url in [f"/verify/{certificate.display_code}/", "/verify/check-pdf/"]:
        assert client.get(url)["Referrer-Policy"] == "same-origin", url
