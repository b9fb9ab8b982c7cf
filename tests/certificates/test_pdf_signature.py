"""PAdES signatures on certificate PDFs: made at issue, checked on upload."""

import hashlib
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from certificates import pdf_signing
from certificates.models import PdfSigningCertificate
from certificates.pdf_signing import SignatureState, signature_check


def _known() -> frozenset[str]:
    return frozenset(
        PdfSigningCertificate.objects.values_list("fingerprint", flat=True)
    )


def _upload(client, data: bytes):
    return client.post(
        "/verify/check-pdf/",
        {"file": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_every_certificate_pdf_is_signed_by_the_platform(issue):
    certificate = issue(full_name="Zoë Hartley")
    data = certificate.pdf.read()
    check = signature_check(data, known_fingerprints=_known())
    assert check.state is SignatureState.OURS
    assert check.signer == "ADVANCE training certificates"
    # The stored hash is the signed file's, so the byte-for-byte check still holds.
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_one_changed_byte_breaks_the_signature(issue, where):
    data = issue().pdf.read()
    changed = _flip(data, int(len(data) * where))
    check = signature_check(changed, known_fingerprints=_known())
    assert check.state in {SignatureState.BROKEN, SignatureState.NONE}
    assert check.state is not SignatureState.OURS


def test_a_file_signed_by_someone_else_is_not_ours(issue):
    from certificates.rendering import certificate_render

    unsigned = certificate_render(certificate=issue())
    other = pdf_signing.identity_generate(common_name="Someone Else Ltd")
    resigned = pdf_signing.pdf_sign(unsigned, identity=other, reason="test")
    check = signature_check(resigned, known_fingerprints=_known())
    assert check.state is SignatureState.OTHER


def test_the_upload_check_reports_the_signature(client, issue):
    certificate = issue(full_name="Zoë Hartley")
    data = certificate.pdf.read()
    html = _upload(client, data).content.decode()
    assert "GENUINE FILE" in html
    assert "Digitally signed by this platform, and unaltered" in html

    html = _upload(client, _flip(data, len(data) // 2)).content.decode()
    assert "NOT GENUINE" in html
    assert "Digitally signed by this platform" not in html
    assert "changed after it was signed" in html or "no digital signature" in html


def test_an_unsigned_pdf_is_reported_as_unsigned(client, db):
    from certificates.pdf_sandbox import html_to_pdf

    html = _upload(client, html_to_pdf("<p>Hello</p>")).content.decode()
    assert "NOT GENUINE" in html
    assert "It carries no digital signature." in html


def test_files_signed_before_a_rotation_stay_recognised(issue, settings, db):
    before = issue().pdf.read()
    call_command("certificate_keys", "pdf-rotate")
    after = issue().pdf.read()
    assert PdfSigningCertificate.objects.count() == 2
    for data in (before, after):
        assert signature_check(data, known_fingerprints=_known()).state is (
            SignatureState.OURS
        )


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="needs pdfsig (poppler-utils)")
def test_an_ordinary_pdf_tool_sees_a_valid_signature(issue, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(issue().pdf.read())
    report = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [shutil.which("pdfsig"), str(path)], capture_output=True, text=True
    ).stdout
    assert "Signature is Valid" in report
    assert "Total document signed" in report
