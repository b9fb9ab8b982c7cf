"""Hostile text an administrator or trainer types into the certificate settings,
revocations, reissues and courses prints and shows only as text, and the PDF
renderer fetches nothing (issue 10, hostile-input pass)."""

import shutil
import subprocess

import pytest
from django.test import Client
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from certificates.models import CertificateIssuerSettings, CertificateStatus, PdfState
from courses.models import CoursePage
from tests.certificates.test_rendering_security import local_server  # noqa: F401
from tests.factories import UserFactory
from tests.hostile import assert_inert, hostile

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/certificates/certificate/"


def pdf_text(certificate) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    result = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", "-", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def admin_client(db):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    return client


def _issuer_form(**fields):
    return {
        "organisation_name": "ADVANCE",
        "logo": "",
        "signatory_name": "",
        "signatory_role": "",
        "signature_image": "",
        "public_base_url": "",
        **fields,
    }


def test_hostile_issuer_settings_print_as_text_and_fetch_nothing(
    admin_client,
    home,
    issue,
    local_server,  # noqa: F811
):
    base, requests = local_server
    url = (
        f"/admin/settings/certificates/certificateissuersettings/{home.get_site().pk}/"
    )
    assert admin_client.get(url).status_code == 200
    for address in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        f'{base}/"><script>window.__pwned=1</script>',
    ):
        response = admin_client.post(url, _issuer_form(public_base_url=address))
        assert response.status_code == 200, address  # refused, with the form again
        assert_inert(response.content.decode())
    fields = {
        "organisation_name": (
            f'Org <img src="{base}/org.png"> <link rel=stylesheet href="{base}/s.css">'
            " file:///etc/passwd " + hostile("")
        )[:200],
        "signatory_name": f"<style>@import url({base}/s.css);</style>Ann ../../"[:150],
        "signatory_role": hostile("Lead", limit=150),
    }
    response = admin_client.post(url, _issuer_form(**fields))
    assert response.status_code == 302
    assert_inert(admin_client.get(url).content.decode())
    issuer = CertificateIssuerSettings.for_site(home.get_site())
    assert issuer.signatory_role.startswith("Lead <script>")  # stored as typed

    certificate = issue(full_name="Ann Smith")
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    assert requests == []
    text = pdf_text(certificate)
    assert "file:///etc/passwd" in text and "Ann ../../" in text and "Lead" in text
    assert "<img" not in text  # markup was dropped when the certificate was issued
    page = Client().get(f"/verify/{certificate.display_code}/").content.decode()
    assert "file:///etc/passwd" in page
    assert_inert(page)


def test_a_hostile_public_revocation_reason_shows_as_text(trainer_client, issue):
    certificate = issue()
    url = f"{LIST}revoke/{certificate.pk}/"
    reason = hostile("Completed by someone else") + " =1+1"
    response = trainer_client.post(url, {"reason": reason, "reason_public": "on"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    for page in (
        Client().get(f"/verify/{certificate.display_code}/"),
        trainer_client.get(f"{LIST}history/{certificate.pk}/"),
        trainer_client.get(f"{LIST}inspect/{certificate.pk}/"),
        trainer_client.get(LIST),
        trainer_client.get("/admin/reports/site-history/"),
    ):
        assert page.status_code == 200
        assert_inert(page.content.decode())
    assert "Completed by someone else" in (
        Client().get(f"/verify/{certificate.display_code}/").content.decode()
    )
    data = Client().get(f"/verify/{certificate.display_code}.json").json()
    assert data["status"] == "revoked"
    # A reason too long is refused with a message, not a 500.
    other = issue()
    response = trainer_client.post(
        f"{LIST}revoke/{other.pk}/", {"reason": "x" * 100_000}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("Ann \u202eeeL", "invisible characters"),
        ("Ann\u200bLee", "invisible characters"),
        ("Ann 😀", "emoji"),
        ("<b></b>", "only markup"),
        ("<img src=x onerror=alert(1)>", "only markup"),
    ],
)
def test_reissuing_under_a_name_that_cannot_print_is_refused(
    trainer_client, issue, name, refused
):
    certificate = issue(full_name="Old Name")
    response = trainer_client.post(
        f"{LIST}reissue/{certificate.pk}/", {"holder_name": name}
    )
    assert response.status_code == 200
    assert refused in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_reissuing_under_a_name_with_markup_prints_the_text(
    trainer_client, issue, django_capture_on_commit_callbacks
):
    certificate = issue(full_name="Old Name")
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            f"{LIST}reissue/{certificate.pk}/",
            {"holder_name": 'Ann <b>Lee</b> <img src="/etc/passwd"> Smith'},
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    new = certificate.superseded_by
    assert new.holder_name == "Ann Lee Smith"
    assert new.pdf_state == PdfState.READY, new.pdf_error
    assert "Ann Lee Smith" in pdf_text(new)


def _course_form(course, **fields):
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "audience": "All workers",
            "hours": "6",
            "summary": "A summary.",
            "intro": rich_text("<p>Intro</p>"),
            "content_note": "",
            "learning_outcomes": streamfield([]),
            "certificate_validity_months": "",
            "refresher_course": "",
            "action-publish": "publish",
        }
    )
    data.update(fields)
    return data


@pytest.mark.parametrize(
    "hours", ["abc", "-1", "1e9", "NaN", "Infinity", "99999", "1" * 40, "7.55"]
)
def test_hostile_cpd_hours_are_refused_with_a_message(trainer_client, course, hours):
    url = f"/admin/pages/{course.pk}/edit/"
    response = trainer_client.post(url, _course_form(course, hours=hours))
    assert response.status_code == 200
    assert "could not be saved" in response.content.decode()
    course.refresh_from_db()
    assert course.hours != hours


def test_a_hostile_course_title_shows_and_prints_as_text(trainer_client, course, issue):
    title = hostile("Foundation", limit=255)
    response = trainer_client.post(
        f"/admin/pages/{course.pk}/edit/",
        _course_form(
            course,
            title=title,
            summary=hostile("Summary"),
            audience=hostile("Workers", limit=200),
            content_note=hostile("Note"),
            **{
                "learning_outcomes-count": "1",
                "learning_outcomes-0-type": "outcome",
                "learning_outcomes-0-value": hostile("Outcome", limit=300),
                "learning_outcomes-0-deleted": "",
                "learning_outcomes-0-order": "0",
                "learning_outcomes-0-id": "3f0e6a47-8a4b-4a55-9d3f-5c3a0e9b2a11",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    course = CoursePage.objects.get(pk=course.pk)
    assert course.title == title
    certificate = issue(course_=course)
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    assert "Foundation" in pdf_text(certificate)
    for page in (
        Client().get(course.url),
        Client().get(course.get_parent().url),
        Client().get(f"/verify/{certificate.display_code}/"),
        trainer_client.get(f"/admin/pages/{course.pk}/edit/"),
        trainer_client.get(f"/admin/pages/{course.get_parent().pk}/"),
        trainer_client.get(LIST),
    ):
        assert page.status_code == 200
        assert_inert(page.content.decode())


def test_invisible_characters_typed_by_editors_are_not_stated(issue, course, home):
    """A direction override reads backwards on the verify page and forwards in
    the PDF; zero-width characters make two titles look alike."""
    course.title = "Foundation \u202eesruoc\u202c \u200bcourse\ufeff"
    course.save()
    issuer = CertificateIssuerSettings.for_site(home.get_site())
    issuer.organisation_name = "ADVANCE\u2066 programme\u2069"
    issuer.save()
    certificate = issue()
    assert certificate.course_title == "Foundation esruoc course"
    assert certificate.issuer_name == "ADVANCE programme"
    assert certificate.pdf_state == PdfState.READY
