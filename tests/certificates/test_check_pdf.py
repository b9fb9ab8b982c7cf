from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client

from certificates.services import certificate_revoke


def _upload(client, data: bytes, name="certificate.pdf"):
    return client.post(
        "/verify/check-pdf/",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_the_genuine_file_is_recognised_and_its_status_shown(client, issue):
    certificate = issue(full_name="Zoë Hartley")
    response = _upload(client, certificate.pdf.read())
    html = response.content.decode()
    assert response.status_code == 200
    assert "GENUINE FILE" in html and "NOT GENUINE" not in html
    assert "VALID" in html and "Zoë Hartley" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_genuine_file_of_a_revoked_certificate_says_so(client, issue):
    certificate = issue()
    certificate_revoke(certificate=certificate, by=None, reason="Withdrawn")
    html = _upload(client, certificate.pdf.read()).content.decode()
    assert "GENUINE FILE" in html and "REVOKED" in html


def test_a_one_byte_change_is_not_genuine(client, issue):
    certificate = issue(full_name="Zoë Hartley")
    data = bytearray(certificate.pdf.read())
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256
    response = _upload(client, bytes(data))
    html = response.content.decode()
    assert response.status_code == 200
    assert "NOT GENUINE" in html
    assert "Zoë Hartley" not in html


def test_not_a_pdf_gets_a_clear_message(client, db):
    response = _upload(client, b"hello", name="notes.txt")
    assert response.status_code == 400
    assert "not a PDF" in response.content.decode()
    response = client.post("/verify/check-pdf/", {})
    assert response.status_code == 400
    assert "Choose the certificate" in response.content.decode()


def test_uploads_are_size_limited(client, db, settings):
    settings.CERTIFICATE_CHECK_MAX_BYTES = 10_000
    response = _upload(client, b"%PDF-" + b"0" * 20_000)
    assert response.status_code == 413
    assert "larger than 5 MB" in response.content.decode()


def test_uploads_are_never_stored(client, issue, settings, monkeypatch):
    certificate = issue()
    data = certificate.pdf.read()
    # Django would spool anything over this size to a temporary file on disk.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    written = []
    monkeypatch.setattr(
        TemporaryUploadedFile, "__init__", lambda *a, **k: written.append(a)
    )
    before = _all_files()
    assert _upload(client, data).status_code == 200
    assert _upload(client, data + b"tampered").status_code == 200
    assert _all_files() == before
    assert written == []


def _all_files():
    found = set()
    stack = [""]
    while stack:
        folder = stack.pop()
        dirs, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" for name in files)
        stack.extend(f"{folder}/{name}".lstrip("/") for name in dirs)
    return found


def test_the_upload_form_is_csrf_protected(issue):
    data = issue().pdf.read()
    client = Client(enforce_csrf_checks=True)
    response = _upload(client, data)
    assert response.status_code == 403
    page = client.get("/verify/check-pdf/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/verify/check-pdf/",
        {
            "file": SimpleUploadedFile("c.pdf", data),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 200
    assert "GENUINE FILE" in response.content.decode()
