"""The address printed on certificates: follows the served address in development,
must be public in production."""

import pytest

from certificates.addresses import (
    PublicAddressMissing,
    ServedAddressMiddleware,
    is_public_address,
)
from certificates.checks import public_base_url_configured
from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from tests.factories import CourseCompletionFactory, UserFactory


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://training.example.org", True),
        ("http://training.example.org:8080", True),
        ("", False),
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8101", False),
        ("http://[::1]:8000", False),
        ("http://10.0.0.5", False),
        ("http://testserver", False),
        ("ftp://training.example.org", False),
        ("http://", False),
    ],
)
def test_what_counts_as_a_public_address(url, public):
    assert is_public_address(url) is public


def test_check_deploy_reports_an_unset_or_local_address(settings):
    for url in ["", "http://127.0.0.1:8000"]:
        settings.WAGTAILADMIN_BASE_URL = url
        [error] = public_base_url_configured(None)
        assert error.id == "certificates.E002"
        assert "WAGTAILADMIN_BASE_URL" in error.msg
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.org"
    assert public_base_url_configured(None) == []


def _complete(course):
    user = UserFactory()
    Enrolment.objects.get_or_create(user=user, course=course)
    return CourseCompletionFactory(user=user, course=course)


def test_production_refuses_to_issue_with_a_local_address(settings, issue, course):
    settings.CERTIFICATE_REQUIRE_PUBLIC_BASE_URL = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    with pytest.raises(PublicAddressMissing, match="WAGTAILADMIN_BASE_URL"):
        issue()
    assert not Certificate.objects.exists()

    settings.WAGTAILADMIN_BASE_URL = "https://training.example.org"
    certificate = issue()
    assert certificate.verify_url.startswith("https://training.example.org/verify/")


def test_a_refused_issue_keeps_the_learners_completion(settings, course, caplog):
    from certificates.handlers import issue_on_course_completed

    settings.CERTIFICATE_REQUIRE_PUBLIC_BASE_URL = True
    settings.WAGTAILADMIN_BASE_URL = ""
    completion = _complete(course)
    issue_on_course_completed(None, completion=completion)
    assert CourseCompletion.objects.filter(pk=completion.pk).exists()
    assert not Certificate.objects.exists()
    assert "public address" in caplog.text


def test_development_follows_the_address_being_served(settings, rf, course):
    from certificates.services import certificate_issue

    settings.CERTIFICATE_BASE_URL_FROM_REQUEST = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    completion = _complete(course)
    issued = {}

    def view(request):
        issued["certificate"] = certificate_issue(completion=completion)
        return None

    request = rf.get("/", HTTP_HOST="127.0.0.1:8101")
    ServedAddressMiddleware(view)(request)
    certificate = issued["certificate"]
    assert certificate.verify_url.startswith("http://127.0.0.1:8101/verify/")
