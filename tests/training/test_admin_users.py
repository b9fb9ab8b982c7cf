"""Administrators manage users with the fields this platform has."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from training.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        User.objects.create_superuser(email="boss@example.org", full_name="Boss")
    )
    return client


def test_admin_creates_a_user_with_name_organisation_and_role(admin_client):
    form = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    assert "Full name" in form and "Organisation" in form
    assert "First Name" not in form
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.trainer@example.org",
            "full_name": "Nia Evans",
            "organisation": "Ashcombe",
            "job_role": "group_facilitator",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.trainer@example.org")
    assert (user.full_name, user.organisation) == ("Nia Evans", "Ashcombe")


def test_admin_edits_a_users_name_as_printed(admin_client):
    user = UserFactory(full_name="Old Name")
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    assert "Old Name" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "email": user.email,
            "full_name": "New Name",
            "organisation": "",
            "job_role": "keyworker",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "New Name"
