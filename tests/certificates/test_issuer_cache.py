"""Who issues a certificate is read from the content cache (as in production), and a
change to it shows on the next certificate issued: the site's issuer settings, a
course's own signatory, an image deleted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import ImageFactory

from certificates.models import CertificateIssuerSettings
from tests.factories import CourseCertificateSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_caches(settings):
    settings.CONTENT_CACHE_SECONDS = 3600


def _settings_read(issue) -> list[str]:
    """Issue one certificate; the issuer and signatory tables it read."""
    with CaptureQueriesContext(connection) as context:
        issue()
    return [
        query["sql"]
        for query in context.captured_queries
        if "issuersettings" in query["sql"]
        or "coursecertificatesettings" in query["sql"]
    ]


def test_the_issuer_is_read_once_then_from_the_cache(issue):
    issue()  # creates the site's issuer settings: a setting saved, the cache emptied
    assert _settings_read(issue)
    assert not _settings_read(issue)


def test_a_change_to_the_issuer_settings_shows_on_the_next_certificate(issue, home):
    assert issue().issuer_name == "ADVANCE training programme"
    settings = CertificateIssuerSettings.for_site(home.get_site())
    settings.organisation_name = "Example Recovery Service"
    settings.save()
    assert issue().issuer_name == "Example Recovery Service"


def test_a_course_signatory_added_changed_or_removed_shows_at_once(issue, course):
    assert issue().signatory_name == ""
    signatory = CourseCertificateSettingsFactory(
        course=course, signatory_name="Dr Gail Gilchrist", signatory_role="Lead"
    )
    assert issue().signatory_name == "Dr Gail Gilchrist"
    signatory.signatory_name = "Amy Johnson"
    signatory.save()
    assert issue().signatory_name == "Amy Johnson"
    signatory.delete()
    assert issue().signatory_name == ""


def test_a_deleted_logo_is_not_referred_to(issue, home):
    logo = ImageFactory(file=get_test_image_file(size=(600, 200)))
    settings = CertificateIssuerSettings.for_site(home.get_site())
    settings.logo = logo
    settings.save()
    assert issue().logo_id == logo.pk
    logo.delete()
    certificate = issue()
    assert certificate.logo_id is None
