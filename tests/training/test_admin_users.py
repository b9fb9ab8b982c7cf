"""Administrators manage users with the fields this platform has."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory, make_member
from training.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        User.objects.create_superuser(email="boss@example.org", full_name="Boss")
    )
    return client


def test_admin_creates_a_user_with_name_organisation_and_role(admin_client):
    ashcombe = OrganisationFactory(name="Ashcombe")
    form = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    assert "Full name" in form and "Organisation" in form
    assert "Not with an organisation" in form
    assert "First Name" not in form
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.trainer@example.org",
            "full_name": "Nia Evans",
            "current_organisation": ashcombe.pk,
            "job_role": "group_facilitator",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.trainer@example.org")
    assert (user.full_name, user.organisation) == ("Nia Evans", "Ashcombe")
    assert Membership.objects.get(user=user, status="active").organisation == ashcombe


def test_admin_edits_a_users_name_as_printed(admin_client):
    user = UserFactory(full_name="Old Name")
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    assert "Old Name" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "email": user.email,
            "full_name": "New Name",
            "current_organisation": "",
            "job_role": "keyworker",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "New Name"


def _edit(admin_client, user, organisation):
    return admin_client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "email": user.email,
            "full_name": user.full_name,
            "current_organisation": organisation.pk if organisation else "",
            "job_role": user.job_role,
            "is_active": "on",
        },
    )


def test_changing_organisation_in_the_user_form_is_recorded_as_history(admin_client):
    old = OrganisationFactory(name="Northbrook Recovery Service")
    new = OrganisationFactory(name="Eastgate Women's Centre")
    manager = make_member(old, role="manager")
    person = make_member(old, full_name="Mo Mover")
    url = reverse("wagtailusers_users:edit", args=[person.pk])
    form = admin_client.get(url)
    assert form.context["form"].initial["current_organisation"] == old.pk
    assert _edit(admin_client, person, new).status_code == 302
    history = {
        m.organisation.name: m.status
        for m in Membership.objects.filter(user=person).select_related("organisation")
    }
    assert history == {old.name: "ended", new.name: "active"}
    person.refresh_from_db()
    assert person.organisation == new.name
    # The old organisation's manager no longer sees them.
    client = Client()
    client.force_login(manager)
    assert "Mo Mover" not in client.get("/my-team/").content.decode()
    assert client.get(f"/my-team/people/{person.pk}/").status_code == 404
    # Saving again with the same organisation changes nothing.
    assert _edit(admin_client, person, new).status_code == 302
    assert Membership.objects.filter(user=person).count() == 2


def test_not_with_an_organisation_ends_the_membership(admin_client):
    org = OrganisationFactory()
    person = make_member(org)
    assert _edit(admin_client, person, None).status_code == 302
    assert not Membership.objects.filter(user=person, status="active").exists()
    assert Membership.objects.filter(user=person, status="ended").count() == 1
    person.refresh_from_db()
    assert person.organisation == ""


def test_an_unknown_organisation_is_a_form_error_and_saves_nothing(admin_client):
    org = OrganisationFactory()
    person = make_member(org, full_name="Stay Put")
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "email": person.email,
            "full_name": "Changed Name",
            "current_organisation": "999999",
            "job_role": person.job_role,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Stay Put"
    assert Membership.objects.get(user=person).status == "active"
