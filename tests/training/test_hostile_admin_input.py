"""Hostile organisation names typed by a trainer and hostile CSV invitations
uploaded by a manager reach every page only as text, and exports defuse formulas
(issue 10, hostile-input pass)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import UserFactory, make_member
from tests.hostile import FORMULA, assert_inert, hostile
from training.models import Invitation, Organisation

pytestmark = pytest.mark.django_db

ADMIN = "/admin/snippets/training/organisation/"


def test_a_hostile_organisation_name_shows_only_as_text(trainer_client):
    name = hostile("Northbrook", limit=200)
    response = trainer_client.post(
        f"{ADMIN}add/", {"name": name, "type": "other", "region": ""}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    org = Organisation.objects.get()
    assert org.name == name
    manager = Client()
    manager.force_login(make_member(org, role="manager", email="boss@example.org"))
    member = make_member(org, full_name=FORMULA)
    member_client = Client()
    member_client.force_login(member)
    invite_url = f"/join/{org.invite_token}/"
    pages = [
        trainer_client.get(ADMIN),
        trainer_client.get(f"{ADMIN}edit/{org.pk}/"),
        trainer_client.get(f"{ADMIN}merge/"),
        trainer_client.get("/admin/snippets/training/membership/"),
        Client().get("/accounts/signup/"),
        manager.get("/my-team/"),
        manager.get("/my-team/invite/"),
        member_client.get("/accounts/profile/"),
        member_client.get("/my-learning/"),
    ]
    joining = Client()
    joining.force_login(UserFactory(email="new@example.org"))
    pages.append(joining.get(invite_url))
    for page in pages:
        assert page.status_code == 200, page.wsgi_request.path
        assert_inert(page.content.decode(), where=page.wsgi_request.path)

    export = manager.get("/my-team/export.csv")
    text = b"".join(export.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells  # the member's name, defused
    assert FORMULA not in cells


def test_hostile_csv_invitations_show_as_text_and_never_save_a_formula(db):
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(name="Northbrook Recovery Service")
    manager = Client()
    manager.force_login(make_member(org, role="manager", email="boss@example.org"))
    text = (
        "Email,Full name,Job role\n"
        f'ann@example.org,"{hostile("Ann", limit=140)}",Keyworker\n'
        f'ben@example.org,"{FORMULA.replace(chr(34), chr(34) * 2)}",Keyworker\n'
        f'"<script>window.__pwned=1</script>@example.org",Cal,Keyworker\n'
        f'dee@example.org,Dee,"{hostile("Role", limit=60)}"\n'
        "eve@example.org,@SUM(1+1),-2+3\n"
    )
    upload = SimpleUploadedFile("staff.csv", text.encode(), "text/csv")
    response = manager.post("/my-team/invite/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert_inert(page)
    assert "which spreadsheets run as a formula" in page
    assert not Invitation.objects.exists()  # a dry run saves nothing
    # The invited person's page shows the name the manager typed as text.
    invitation = Invitation.objects.create(
        organisation=org, email="ann@example.org", full_name=hostile("Ann", limit=150)
    )
    page = Client().get(f"/join/invitation/{invitation.token}/")
    assert page.status_code == 200
    assert "Ann" in page.content.decode()
    assert_inert(page.content.decode())
