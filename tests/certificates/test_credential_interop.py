"""An independent implementation verifies our Open Badges credentials: the Digital
Credentials Consortium's JavaScript libraries (credential-check/), on a freshly
issued credential and on a revoked one, with Ajv checking 1EdTech's OB 3.0 schema.

Needs Node.js and ``npm ci`` in credential-check/; CI sets CREDENTIAL_CHECK_REQUIRED
so a missing toolchain fails there instead of skipping.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from certificates.services import certificate_revoke

CHECKER = Path(__file__).resolve().parents[2] / "credential-check"
READY = bool(shutil.which("node")) and (CHECKER / "node_modules").is_dir()


@pytest.fixture
def checker():
    if not READY:
        if os.environ.get("CREDENTIAL_CHECK_REQUIRED"):
            pytest.fail("credential-check needs node and `npm ci` (see .ci/run)")
        pytest.skip("needs node and `npm ci` in credential-check/")
    return CHECKER / "verify.mjs"


def _save(path: Path, response) -> dict:
    assert response.status_code == 200, response.content[:300]
    document = json.loads(response.content)
    path.write_text(json.dumps(document), encoding="utf-8")
    return document


def test_the_dcc_libraries_verify_a_fresh_and_a_revoked_credential(
    client, issue, checker, tmp_path, django_capture_on_commit_callbacks
):
    fresh = issue(full_name="Zoë Hartley")
    revoked = issue(full_name="Amir Haddad")
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=revoked, by=None, reason="Issued in error")

    (tmp_path / "status").mkdir()
    _save(tmp_path / "did.json", client.get("/.well-known/did.json"))
    _save(tmp_path / "status" / "1.json", client.get("/credentials/status/1"))
    for name, certificate in (("fresh.json", fresh), ("revoked.json", revoked)):
        _save(
            tmp_path / name,
            client.get(f"/verify/{certificate.display_code}/credential.json"),
        )
    tampered = json.loads((tmp_path / "fresh.json").read_text())
    tampered["credentialSubject"]["creditsEarned"] = 60
    (tmp_path / "tampered.json").write_text(json.dumps(tampered))
    # A term no context defines: a safe-mode verifier refuses it, as ours does.
    added = json.loads((tmp_path / "fresh.json").read_text())
    added["credentialSubject"]["nickname"] = "Zee"
    (tmp_path / "added.json").write_text(json.dumps(added))
    # Signed but not what the OB 3.0 schema allows: Ajv's check refuses it.
    unschematic = json.loads((tmp_path / "fresh.json").read_text())
    del unschematic["credentialSubject"]["achievement"]["criteria"]
    (tmp_path / "unschematic.json").write_text(json.dumps(unschematic))

    run = subprocess.run(  # noqa: S603 - our own script on files we just wrote
        [
            shutil.which("node"),
            str(checker),
            str(tmp_path),
            "fresh.json:valid",
            "revoked.json:revoked",
            "tampered.json:invalid",
            "added.json:invalid",
            "unschematic.json:invalid",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed, 0 failed" in run.stdout
    assert "unschematic.json: expected invalid, got invalid (schema:" in run.stdout
    assert "Safe mode validation error" in run.stdout  # added.json, as ours refuses
