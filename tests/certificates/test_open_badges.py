"""Open Badges 3.0 credentials: schema, proof, DID document, status list, download
and the upload check."""

import copy
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from certificates import open_badges
from certificates.credentials import credential_check
from certificates.services import certificate_reissue, certificate_revoke
from certificates.signing import keys_cache_clear

BASE = "http://testserver"


def _credential(certificate) -> dict:
    return json.loads(certificate.credential)


def _keys(client) -> dict[str, bytes]:
    did = client.get("/.well-known/did.json").json()
    return {
        method["id"]: open_badges.multikey_public_bytes(method["publicKeyMultibase"])
        for method in did["verificationMethod"]
    }


SCHEMA = Path(open_badges.__file__).parent / "schemas" / open_badges.SCHEMA_FILE


def test_the_credential_validates_against_1edtechs_ob3_schema(issue, validity_course):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The bundled file is the schema the credential names, in the draft it is in.
    assert schema["$id"] == open_badges.SCHEMA_URL
    assert schema["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    validator = jsonschema.Draft201909Validator(schema)
    for certificate in (
        issue(full_name="Zoë Hartley", email="zoe@example.org"),
        issue(course_=validity_course),  # with validUntil
    ):
        credential = _credential(certificate)
        assert list(validator.iter_errors(credential)) == []
        assert open_badges.schema_validator().is_valid(credential)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][1].endswith("context-3.0.3.json")
    assert credential["credentialSchema"] == [
        {"id": open_badges.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
    ]


def test_the_schema_rejects_what_ob3_forbids(issue):
    credential = _credential(issue())
    validator = open_badges.schema_validator()
    for change in (
        lambda c: c.pop("validFrom"),
        lambda c: c.update(validFrom="1 May 2026"),
        lambda c: c.update(type=["VerifiableCredential"]),
        lambda c: c["@context"].reverse(),
        lambda c: c["credentialSubject"].pop("achievement"),
        lambda c: c["credentialSubject"]["identifier"][0].update(extra="x"),
    ):
        changed = copy.deepcopy(credential)
        change(changed)
        assert not validator.is_valid(changed)


def test_the_credential_states_the_certificate(issue, validity_course):
    certificate = issue(course_=validity_course, email="zoe@example.org")
    credential = _credential(certificate)
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["name"] == certificate.course_title
    assert achievement["criteria"]["narrative"]
    assert achievement["creditsAvailable"] == subject["creditsEarned"] == 6
    assert credential["issuer"]["id"] == "did:web:testserver"
    assert credential["validFrom"].endswith("Z")
    assert credential["validUntil"][:10] == certificate.expires_at.strftime("%Y-%m-%d")
    assert credential["credentialSchema"][0]["id"] == open_badges.SCHEMA_URL
    # The learner is identified by a salted hash of their email, never the email.
    identity = subject["identifier"][0]
    expected = hashlib.sha256(("zoe@example.org" + identity["salt"]).encode())
    assert identity["identityHash"] == "sha256$" + expected.hexdigest()
    assert "zoe@example.org" not in certificate.credential


def test_the_proof_verifies_with_the_published_key(client, issue):
    credential = _credential(issue())
    method = open_badges.proof_verify(credential, keys=_keys(client))
    assert method.startswith("did:web:testserver#ed25519-")


def _paths(value, path=()):
    """Every leaf of a JSON document, as a path of keys and indexes."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))
    else:
        yield path


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return value + "x" if value else "x"


def test_changing_any_field_breaks_the_proof(client, issue):
    credential = _credential(issue(full_name="Zoë Hartley"))
    keys = _keys(client)
    leaves = [p for p in _paths(credential) if p[0] != "proof" and p[0] != "@context"]
    assert len(leaves) > 25
    for path in leaves:
        tampered = copy.deepcopy(credential)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = _changed(target[path[-1]])
        with pytest.raises(open_badges.ProofError):
            open_badges.proof_verify(tampered, keys=keys)


def test_a_term_no_context_defines_is_refused_not_dropped_from_the_proof(client, issue):
    """A property the contexts do not define would vanish from the RDF a proof
    covers, so a plain canonicalisation would let it be added after signing."""
    from pyld import jsonld as pyld

    from certificates import jsonld

    credential = _credential(issue())
    keys = _keys(client)
    added = copy.deepcopy(credential)
    added["credentialSubject"]["nickname"] = "Zee"
    unsigned = {k: v for k, v in added.items() if k != "proof"}
    original = {k: v for k, v in credential.items() if k != "proof"}
    lax = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    lax["documentLoader"] = jsonld.document_loader
    assert pyld.normalize(unsigned, lax) == pyld.normalize(original, lax)
    with pytest.raises(open_badges.ProofError, match="nickname"):
        open_badges.proof_verify(added, keys=keys)
    # Types and ids no context defines are refused the same way.
    for change in (
        lambda c: c["type"].append("HonoursCredential"),
        lambda c: c["credentialSchema"][0].update(type="MySchemaValidator"),
        lambda c: c["credentialSubject"]["achievement"].update(id="course-7"),
    ):
        changed = copy.deepcopy(credential)
        change(changed)
        with pytest.raises(open_badges.ProofError, match="not"):
            open_badges.proof_verify(changed, keys=keys)


def test_the_did_document_keeps_retired_keys_after_a_rotation(client, issue):
    first = _credential(issue())
    call_command("certificate_keys", "rotate")
    keys_cache_clear()
    second = _credential(issue())
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did["Content-Type"] == "application/did+json"
    document = did.json()
    methods = [m["id"] for m in document["verificationMethod"]]
    assert len(methods) == 2
    assert first["proof"]["verificationMethod"] in methods
    assert second["proof"]["verificationMethod"] == methods[0]  # active first
    assert set(document["assertionMethod"]) == set(methods)
    assert all(m["type"] == "Multikey" for m in document["verificationMethod"])
    for credential in (first, second):
        open_badges.proof_verify(credential, keys=_keys(client))


def _status_bit(client, credential) -> bool:
    entry = credential["credentialStatus"]
    response = client.get(entry["statusListCredential"].removeprefix(BASE))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    status_list = json.loads(response.content)
    open_badges.proof_verify(status_list, keys=_keys(client))
    assert status_list["validUntil"] > status_list["validFrom"]
    return open_badges.decode_bit(
        status_list["credentialSubject"]["encodedList"],
        int(entry["statusListIndex"]),
    )


def test_revoked_and_reissued_certificates_show_in_the_status_list(
    client, issue, django_capture_on_commit_callbacks
):
    kept, revoked, replaced = issue(), issue(), issue()
    for certificate in (kept, revoked, replaced):
        assert _status_bit(client, _credential(certificate)) is False
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=revoked, by=None, reason="Issued in error")
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=replaced, by=None, holder_name="New Name")
    new.refresh_from_db()  # rendered and signed by the task after commit
    assert _status_bit(client, _credential(kept)) is False
    assert _status_bit(client, _credential(revoked)) is True
    assert _status_bit(client, _credential(replaced)) is True
    assert _status_bit(client, _credential(new)) is False


def test_the_learner_downloads_the_credential_from_my_learning(client, issue):
    certificate = issue()
    client.force_login(certificate.user)
    response = client.get(f"/my-learning/certificates/{certificate.code}/credential/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert response["Content-Disposition"].endswith('.json"')
    assert json.loads(response.content) == _credential(certificate)


def test_someone_else_cannot_download_a_learners_credential(client, issue, learner):
    certificate = issue()
    client.force_login(learner)
    response = client.get(f"/my-learning/certificates/{certificate.code}/credential/")
    assert response.status_code == 404


def test_the_verify_page_and_json_link_the_credential(client, issue):
    certificate = issue()
    page = client.get(f"/verify/{certificate.display_code}/").content.decode()
    url = f"/verify/{certificate.display_code}/credential.json"
    assert url in page
    data = client.get(f"/verify/{certificate.display_code}.json").json()
    assert data["credential_url"] == BASE + url
    response = client.get(url)
    assert response["Content-Type"] == "application/vc+ld+json"
    assert json.loads(response.content)["id"] == certificate.verify_url


def _upload(client, document):
    data = (
        json.dumps(document).encode() if not isinstance(document, bytes) else document
    )
    return client.post(
        "/verify/check-credential/",
        {
            "file": SimpleUploadedFile(
                "badge.json", data, content_type="application/json"
            )
        },
    )


def test_uploading_a_valid_credential_says_so(client, issue):
    certificate = issue(full_name="Zoë Hartley")
    response = _upload(client, _credential(certificate))
    html = response.content.decode()
    assert response.status_code == 200
    assert "VALID CREDENTIAL" in html and "Zoë Hartley" in html
    for name in ("Schema", "Proof", "Status", "Dates"):
        assert f"{name}: passed" in html


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        (lambda c: c.pop("issuer"), "schema"),
        (lambda c: c["credentialSubject"].update(creditsEarned=60), "proof"),
        (lambda c: c.pop("proof"), "proof"),
        (lambda c: c["credentialSubject"].update(nickname="Zee"), "proof"),
        (lambda c: c.update(validUntil="next year"), "schema"),
    ],
)
def test_an_uploaded_credential_says_which_check_failed(client, issue, change, failed):
    credential = _credential(issue())
    change(credential)
    html = _upload(client, credential).content.decode()
    assert "NOT VALID" in html
    assert f"Failed check: <strong>{failed}</strong>" in html


def test_an_uploaded_credential_with_an_undefined_term_names_it(client, issue):
    credential = _credential(issue())
    credential["credentialSubject"]["nickname"] = "Zee"
    html = _upload(client, credential).content.decode()
    assert "Failed check: <strong>proof</strong>" in html
    assert "do not define: nickname" in html


def test_an_uploaded_revoked_credential_fails_the_status_check(
    client, issue, django_capture_on_commit_callbacks
):
    certificate = issue()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=None, reason="Withdrawn")
    html = _upload(client, _credential(certificate)).content.decode()
    assert "Failed check: <strong>status</strong>" in html
    assert "has been revoked" in html


def test_an_expired_credential_fails_the_dates_check(client, issue, settings):
    from datetime import timedelta

    from django.utils import timezone

    certificate = issue()
    past = timezone.now() - timedelta(days=1)
    certificate.expires_at = past
    certificate.save(update_fields=["expires_at"])
    from certificates.credentials import credential_build
    from certificates.signing import active_key_pair

    document = json.loads(
        credential_build(certificate=certificate, pair=active_key_pair())
    )
    result = credential_check(document=document, base_url=BASE)
    assert result.failed[0] == "dates"


def test_an_upload_that_is_not_json_gets_a_clear_message(client, db):
    response = _upload(client, b"\x89PNG not json")
    assert response.status_code == 400
    assert "That file is not JSON" in response.content.decode()
