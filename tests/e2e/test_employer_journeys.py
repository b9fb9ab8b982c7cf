"""Employers in a real browser: the PDF check with each answer, and a certificate
whose verify link and QR code carry the address the site was served at."""

import re
import shutil
import subprocess  # noqa: S404

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from courses.models import Enrolment, LessonPage
from tests.factories import CourseCompletionFactory, UserFactory, make_course

PASSWORD = "a-long-passphrase-7"


pytestmark = pytest.mark.usefixtures("signing_key")


@pytest.fixture
def certificate(live_home, django_capture_on_commit_callbacks):
    course = make_course(home=live_home, modules=1, lessons_per_module=1,
                         title="Foundation: IPV-P and substance use")  # fmt: skip
    user = UserFactory(full_name="Siobhán Ó Briain")
    Enrolment.objects.create(user=user, course=course)
    # The PDF is rendered by a task after commit: run what the commit queues.
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(
            completion=CourseCompletionFactory(user=user, course=course)
        )
    certificate.refresh_from_db()
    return certificate


def _pdf(certificate, tmp_path, name="certificate.pdf", change=None):
    with certificate.pdf.open("rb") as stored:
        data = stored.read()
    if change:
        data = change(data)
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _check(page, path):
    page.goto("/verify/")
    page.get_by_role("link", name="Check a certificate PDF").click()
    page.get_by_label("Certificate PDF").set_input_files(path)
    page.get_by_role("button", name="Check file").click()


def test_check_pdf_genuine(browse, certificate, tmp_path):
    path = _pdf(certificate, tmp_path)

    def flow(page):
        _check(page, path)
        expect(page.get_by_text("GENUINE FILE")).to_be_visible()
        expect(page.get_by_text("This certificate is valid.")).to_be_visible()
        expect(page.get_by_text("Siobhán Ó Briain")).to_be_visible()
        expect(page.get_by_text("This form has expired")).to_have_count(0)

    browse(flow)


def test_check_pdf_altered(browse, certificate, tmp_path):
    # One byte changed near the end: still a PDF, no longer the file issued.
    path = _pdf(certificate, tmp_path, change=lambda d: d[:-20] + b"#" + d[-19:])

    def flow(page):
        _check(page, path)
        expect(page.get_by_text("NOT GENUINE")).to_be_visible()
        expect(page.get_by_text("Siobhán Ó Briain")).to_have_count(0)

    browse(flow)


def test_check_pdf_not_a_pdf(browse, certificate, tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("Just some text, not a PDF.")

    def flow(page):
        _check(page, str(path))
        # The summary of problems takes focus; its link puts focus on the field.
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_focused()
        expect(page.get_by_text("GENUINE FILE")).to_have_count(0)
        page.get_by_role("link", name="Certificate PDF: That file is not a PDF").click()
        expect(page.get_by_label("Certificate PDF")).to_be_focused()

    browse(flow)


def test_check_pdf_of_a_revoked_certificate(browse, certificate, tmp_path):
    path = _pdf(certificate, tmp_path)
    certificate_revoke(
        certificate=certificate, by=None, reason="Issued in error", reason_public=True
    )

    def flow(page):
        _check(page, path)
        expect(page.get_by_text("GENUINE FILE")).to_be_visible()
        expect(page.locator("#verify-status")).to_contain_text("REVOKED")
        expect(page.get_by_text("Issued in error")).to_be_visible()
        expect(page.get_by_text("Valid until")).to_have_count(0)

    browse(flow)


@pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="zbar-tools and poppler-utils are needed to read the QR code",
)
def test_certificate_issued_on_another_port_carries_that_port(
    browse, live_home, live_server, settings, tmp_path
):
    """As in development (make run PORT=8101): the address follows the server."""
    settings.CERTIFICATE_BASE_URL_FROM_REQUEST = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    course = make_course(home=live_home, modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    user = UserFactory(email="port@example.org", password=PASSWORD)
    Enrolment.objects.create(user=user, course=course)
    lesson_url = lesson.url
    base = live_server.url  # http://localhost:PORT
    assert not base.endswith(":8000")

    def flow(page):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("port@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(lesson_url)
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("heading", name="You have completed")).to_be_visible()
        link = page.get_by_label("Link for employers to verify it")
        expect(link).to_have_value(re.compile("^" + re.escape(base) + "/verify/"))

    browse(flow)
    certificate = Certificate.objects.get(user=user)
    assert certificate.verify_url.startswith(base + "/verify/")
    pdf = _pdf(certificate, tmp_path)
    assert certificate.verify_url in _run("pdftotext", pdf, "-")
    _run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", pdf,
         str(tmp_path / "page"))  # fmt: skip
    [png] = tmp_path.glob("page*.png")
    assert _run("zbarimg", "--raw", "-q", str(png)).strip() == certificate.verify_url


def _run(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - fixed tools, our own files
        list(args), capture_output=True, check=True, text=True
    ).stdout
