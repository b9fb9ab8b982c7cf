"""Sign-ins are throttled per account and per address, on both sign-in forms.

Before: 40 wrong passwords on /accounts/login/ (20 on /admin/login/), then the right
one signed in. Now, past the limit, the account or address is refused for the
cool-off time with a page that says when to try again and links to a password reset.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"
FORMS = [reverse("login"), "/admin/login/"]
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def staff(db):
    user = UserFactory(email="tess@example.org")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def _sign_in(client, url, email, password, address="198.51.100.7"):
    return client.post(
        url, {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, url, email, times, address="198.51.100.7"):
    for _ in range(times):
        response = _sign_in(client, url, email, "wrong-password", address)
        assert response.status_code in (200, 429)


@pytest.mark.parametrize("url", FORMS)
def test_an_account_is_locked_after_repeated_wrong_passwords(client, staff, url):
    _fail(client, url, staff.email, LIMIT)
    response = _sign_in(client, url, staff.email, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "Try again in 15 minutes" in html
    assert reverse("password_reset") in html
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", FORMS)
def test_the_account_lock_holds_from_any_address(client, staff, url):
    _fail(client, url, staff.email, LIMIT, address="198.51.100.7")
    response = _sign_in(client, url, staff.email.upper(), PASSWORD, "203.0.113.9")
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, staff):
    url = reverse("login")
    for n in range(LIMIT):
        _sign_in(client, url, f"guess{n}@example.org", "wrong-password")
    # The address is locked, even for an account it never tried, on both forms.
    assert _sign_in(client, url, staff.email, PASSWORD).status_code == 429
    assert _sign_in(client, "/admin/login/", staff.email, PASSWORD).status_code == 429
    # Another address still signs the same account in.
    response = _sign_in(client, url, staff.email, PASSWORD, "203.0.113.9")
    assert response.status_code == 302


def test_fewer_failures_than_the_limit_still_sign_in(client, staff):
    url = reverse("login")
    _fail(client, url, staff.email, LIMIT - 1)
    assert _sign_in(client, url, staff.email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_account_lock(client, staff):
    url = reverse("login")
    _fail(client, url, staff.email, LIMIT, address="198.51.100.7")
    client.post(reverse("password_reset"), {"email": staff.email})
    link = re.search(r"https?://\S+/password/reset/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )
    # From another address (the first one is still locked as an address).
    response = _sign_in(client, url, staff.email, "brand-new-pass-42", "203.0.113.9")
    assert response.status_code == 302
