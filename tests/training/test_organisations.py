"""Organisations and memberships: the move from free text, one current membership
with history, merging near-duplicates in the admin, granting the manager role."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction

from courses.models import Assignment
from tests.factories import OrganisationFactory, UserFactory, make_member
from training import services
from training.models import Membership, MembershipStatus, Organisation, User
from training.selectors import managed_organisation, organisation_near_duplicates

pytestmark = pytest.mark.django_db

MERGE = "/admin/snippets/training/organisation/merge/"


def test_free_text_organisations_become_organisations_with_current_members():
    migration = importlib.import_module(
        "training.migrations.0006_organisations_from_free_text"
    )
    a = UserFactory(organisation="Northbrook Recovery Service")
    b = UserFactory(organisation="  northbrook   recovery service ")
    c = UserFactory(organisation="Northbrook Recovery Service")
    d = UserFactory(organisation="Eastgate Women's Centre")
    e = UserFactory(organisation="")

    migration.forwards(django_apps, None)

    northbrook = Organisation.objects.get(name="Northbrook Recovery Service")
    assert northbrook.type == "drug_and_alcohol"
    assert Organisation.objects.get(name="Eastgate Women's Centre").type == (
        "womens_support"
    )
    assert Organisation.objects.count() == 2
    for user in (a, b, c):
        membership = Membership.objects.get(user=user)
        assert membership.organisation == northbrook
        assert membership.status == MembershipStatus.ACTIVE
    b.refresh_from_db()
    assert b.organisation == "Northbrook Recovery Service"
    assert Membership.objects.filter(user=d).count() == 1
    assert not Membership.objects.filter(user=e).exists()
    # Running it again adds nothing.
    migration.forwards(django_apps, None)
    assert Membership.objects.count() == 4


def test_moving_job_ends_the_old_membership_and_keeps_it_as_history():
    old, new = OrganisationFactory(name="Old Service"), OrganisationFactory()
    user = make_member(old)
    services.membership_start(user=user, organisation=new)
    user.refresh_from_db()
    assert user.organisation == new.name
    history = {m.organisation: m.status for m in user.memberships.all()}
    assert history == {old: MembershipStatus.ENDED, new: MembershipStatus.ACTIVE}
    ended = user.memberships.get(organisation=old)
    assert ended.ended_at is not None


def test_the_database_allows_only_one_current_membership():
    user = make_member(OrganisationFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, organisation=OrganisationFactory(), status="active"
        )


def test_leaving_ends_the_membership_and_the_managers_view():
    organisation = OrganisationFactory()
    manager = make_member(organisation, role="manager")
    assert managed_organisation(user=manager) == organisation
    services.membership_end(membership=manager.memberships.get())
    manager.refresh_from_db()
    assert managed_organisation(user=manager) is None
    assert manager.organisation == ""


def test_near_duplicates_are_found_by_a_loose_form_of_the_name():
    a = OrganisationFactory(name="Northbrook Recovery Service")
    b = OrganisationFactory(name="The Northbrook Recovery Service Ltd")
    c = OrganisationFactory(name="northbrook recovery service.")
    OrganisationFactory(name="Eastgate Recovery")
    groups = organisation_near_duplicates()
    assert [set(group) for group in groups] == [{a, b, c}]


def test_merging_moves_people_history_and_assignments(course):
    keep = OrganisationFactory(name="Northbrook Recovery Service")
    dupe = OrganisationFactory(name="Northbrook Recovery Ltd")
    member = make_member(dupe)
    leaver = make_member(dupe)
    services.membership_start(user=leaver, organisation=OrganisationFactory())
    Assignment.objects.create(
        user=member, course=course, organisation=dupe, due_on="2030-01-01"
    )
    services.organisation_merge(source=dupe, target=keep)
    assert not Organisation.objects.filter(pk=dupe.pk).exists()
    member.refresh_from_db()
    assert member.organisation == keep.name
    assert member.memberships.get().organisation == keep
    assert leaver.memberships.filter(organisation=keep, status="ended").exists()
    assert Assignment.objects.get(user=member).organisation == keep


def test_a_trainer_merges_organisations_in_the_admin(trainer_client):
    keep = OrganisationFactory(name="Northbrook Recovery Service")
    dupe = OrganisationFactory(name="The Northbrook Recovery Service")
    make_member(dupe)
    page = trainer_client.get(MERGE)
    assert page.status_code == 200
    assert f"?source={dupe.pk}&amp;target={keep.pk}" in page.content.decode()
    same = trainer_client.post(MERGE, {"source": keep.pk, "target": keep.pk})
    assert same.status_code == 200
    assert "Choose two different organisations" in same.content.decode()
    response = trainer_client.post(MERGE, {"source": dupe.pk, "target": keep.pk})
    assert response.status_code == 302
    assert list(Organisation.objects.all()) == [keep]


def test_a_learner_cannot_open_the_merge_screen(learner_client):
    assert learner_client.get(MERGE).status_code in (302, 403)


def test_a_trainer_grants_the_manager_role_in_the_admin(trainer_client):
    organisation = OrganisationFactory()
    person = make_member(organisation)
    membership = person.memberships.get()
    url = f"/admin/snippets/training/membership/edit/{membership.pk}/"
    assert trainer_client.get(url).status_code == 200
    response = trainer_client.post(
        url,
        {
            "user": person.pk,
            "organisation": organisation.pk,
            "role": "manager",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert managed_organisation(user=person) == organisation
    # A manager has no admin.
    person = User.objects.get(pk=person.pk)
    assert not person.has_perm("wagtailadmin.access_admin")


def test_saving_a_second_current_membership_in_the_admin_ends_the_first(
    trainer_client,
):
    first, second = OrganisationFactory(), OrganisationFactory()
    person = make_member(first)
    response = trainer_client.post(
        "/admin/snippets/training/membership/add/",
        {
            "user": person.pk,
            "organisation": second.pk,
            "role": "member",
            "status": "active",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organisation == second.name
    assert person.memberships.get(organisation=first).status == "ended"


def test_data_export_and_deletion_include_memberships_and_assignments(client, course):
    import json

    from django.urls import reverse

    old, new = (
        OrganisationFactory(name="Old Service"),
        OrganisationFactory(name="New Service"),
    )
    person = make_member(old)
    services.membership_start(user=person, organisation=new)
    Assignment.objects.create(
        user=person, course=course, organisation=new, due_on="2030-01-31"
    )
    client.force_login(person)
    data = json.loads(client.get(reverse("data_export")).content)
    history = {(m["organisation"], m["status"]) for m in data["account"]["memberships"]}
    assert history == {("Old Service", "Left"), ("New Service", "Current")}
    assert data["assignments"] == [
        {
            "course": course.title,
            "organisation": "New Service",
            "due_on": "2030-01-31",
            "assigned_at": data["assignments"][0]["assigned_at"],
        }
    ]
    client.post(reverse("account_delete"), {"password": "correct-horse-9"})
    assert not Membership.objects.filter(user_id=person.pk).exists()
    assert not Assignment.objects.filter(user_id=person.pk).exists()
