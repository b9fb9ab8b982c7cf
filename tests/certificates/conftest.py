import pytest
from django.core.cache import cache

from certificates.pdf_signing import identity_cache_clear
from certificates.services import certificate_issue
from certificates.signing import keys_cache_clear
from courses.models import Enrolment
from tests.factories import CourseCompletionFactory, UserFactory, make_course


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    """Each test signs with a fresh key in its own keys file."""
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "signing-keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    settings.CERTIFICATE_PDF_SIGNING_KEY = ""
    settings.CERTIFICATE_PDF_SIGNING_CERT = ""
    settings.CERTIFICATE_PDF_SIGNING_FILE = str(tmp_path / "pdf-signing.pem")
    keys_cache_clear()
    identity_cache_clear()
    yield settings.CERTIFICATE_SIGNING_KEYS_FILE
    keys_cache_clear()
    identity_cache_clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def validity_course(home):
    return make_course(
        home=home, modules=1, lessons_per_module=1, certificate_validity_months=36
    )


@pytest.fixture
def issue(course, django_capture_on_commit_callbacks):
    """Issue a real certificate for a new completion, and run what its commit
    queues (the render and email tasks, run at once by the test settings)."""

    def _issue(*, user=None, course_=None, **user_fields):
        user = user or UserFactory(**user_fields)
        target = course_ or course
        Enrolment.objects.get_or_create(user=user, course=target)
        completion = CourseCompletionFactory(user=user, course=target)
        with django_capture_on_commit_callbacks(execute=True):
            certificate = certificate_issue(completion=completion)
        certificate.refresh_from_db()
        return certificate

    return _issue
