"""The completion page shows the certificate, its verify link and LinkedIn's
add-to-profile link, or says the certificate is being prepared."""

from urllib.parse import parse_qs, urlsplit

from django.utils.html import escape

from certificates.models import PdfState
from certificates.selectors import linkedin_add_to_profile_url


def _page(client, certificate):
    client.force_login(certificate.user)
    response = client.get(f"/courses/{certificate.course.pk}/completed/")
    assert response.status_code == 200
    return response.content.decode()


def test_completion_page_shows_the_certificate_and_linkedin(client, issue):
    certificate = issue(full_name="Siobhán Ó Briain")
    html = _page(client, certificate)
    assert f"You have completed {escape(certificate.course_title)}" in html
    assert "Download certificate (PDF)" in html
    assert certificate.verify_url in html
    assert certificate.display_code in html
    assert "Add to LinkedIn profile" in html
    assert escape(linkedin_add_to_profile_url(certificate)) in html


def test_linkedin_link_names_the_certification(issue):
    certificate = issue()
    url = urlsplit(linkedin_add_to_profile_url(certificate))
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "www.linkedin.com",
        "/profile/add",
    )
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": certificate.issuer_name,
        "issueYear": str(certificate.issued_at.year),
        "issueMonth": str(certificate.issued_at.month),
        "certUrl": certificate.verify_url,
        "certId": certificate.display_code,
    }


def test_a_certificate_still_being_rendered_is_said_to_be_prepared(client, issue):
    certificate = issue()
    certificate.pdf_state = PdfState.PENDING
    certificate.pdf = ""
    certificate.save()
    html = _page(client, certificate)
    assert "Download certificate (PDF)" not in html
    assert "being prepared" in html
    assert certificate.verify_url in html
