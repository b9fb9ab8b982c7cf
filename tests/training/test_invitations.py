"""Joining an organisation: the invite link, CSV invitations with a dry run,
invitation emails, and asking to join at sign-up."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory, make_member
from training.invitations import MAX_ROWS
from training.models import Invitation, Membership, User
from training.selectors import current_membership
from training.services import signup_confirm

pytestmark = pytest.mark.django_db

INVITE = "/my-team/invite/"


@pytest.fixture
def org():
    return OrganisationFactory(name="Northbrook Recovery Service")


@pytest.fixture
def manager_client(client, org):
    client.force_login(make_member(org, role="manager", email="boss@example.org"))
    return client


def upload(client, text, name="staff.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(INVITE, {"file": SimpleUploadedFile(name, data, "text/csv")})


GOOD = (
    "Email,Full name,Job role\n"
    "ann@example.org,Ann Adeyemi,Keyworker\n"
    "BEN@example.org, Ben  Okafor ,group facilitator\n"
    "not-an-email,Cal Jones,Keyworker\n"
    "ann@example.org,Ann Again,Keyworker\n"
    'dee@example.org,=HYPERLINK("http://evil"),Keyworker\n'
    "eve@example.org,Eve Evans,Astronaut\n"
    "boss@example.org,The Boss,Manager or supervisor\n"
)


def test_the_dry_run_says_what_will_happen_per_row_and_saves_nothing(
    manager_client,
):
    response = upload(manager_client, GOOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 will be invited, 2 skipped, 3 with errors" in page
    assert "“not-an-email” is not an email address." in page
    assert "Same email address as row 2." in page
    assert "which spreadsheets run as a formula" in page
    assert "“Astronaut” is not a job role" in page
    assert "Already in your organisation." in page
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_confirming_invites_once_and_a_reupload_creates_nothing_twice(
    manager_client, org, django_capture_on_commit_callbacks
):
    plan = upload(manager_client, GOOD)
    digest = plan.context["plan"].digest
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(INVITE, {"confirm": digest})
    assert response.status_code == 302
    invited = {(i.email, i.full_name, i.job_role) for i in Invitation.objects.all()}
    assert invited == {
        ("ann@example.org", "Ann Adeyemi", "keyworker"),
        ("ben@example.org", "Ben Okafor", "group_facilitator"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@example.org",
        "ben@example.org",
    ]
    assert "Join Northbrook Recovery Service" in mail.outbox[0].subject
    # The same confirmation again, and the same file again: nothing new.
    assert manager_client.post(INVITE, {"confirm": digest}).status_code == 400
    again = upload(manager_client, GOOD)
    assert "0 will be invited" in again.content.decode()
    assert "Already invited." in again.content.decode()
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,phone\nAnn,0123\n", "columns are: “name”, “phone”"),
        ("", "The file is empty."),
        ("email,full name\n", "no people in it"),
        (b"\xff\xfe\x00\x00\x81", "could not be read"),
    ],
)
def test_unusable_files_get_a_clear_message(manager_client, content, message):
    response = upload(manager_client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_ten_thousand_rows_are_checked_and_more_are_refused(manager_client):
    rows = "".join(f"p{i}@example.org,Person {i},Keyworker\n" for i in range(MAX_ROWS))
    response = upload(manager_client, "email,full name,job role\n" + rows)
    assert response.status_code == 200
    assert f"{MAX_ROWS} will be invited" in response.content.decode()
    too_many = upload(
        manager_client, "email,full name\n" + rows + "extra@example.org,Extra\n"
    )
    assert too_many.status_code == 400
    assert "more than 10,000 people" in too_many.content.decode()


def test_accepting_an_invitation_creates_the_account_and_joins(client, org):
    invitation = Invitation.objects.create(
        organisation=org, email="new@example.org", full_name="Nia New"
    )
    url = reverse("invitation_accept", args=[invitation.token])
    page = client.get(url).content.decode()
    assert "new@example.org" in page and "Nia New" in page
    response = client.post(
        url,
        {
            "full_name": "Nia New",
            "email": "someone.else@example.org",  # ignored: the invitation decides
            "job_role": "keyworker",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert current_membership(user=user).organisation == org
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_invitation_for_someone_else_is_refused(client, org):
    invitation = Invitation.objects.create(
        organisation=org, email="new@example.org", full_name="Nia New"
    )
    client.force_login(UserFactory())
    url = reverse("invitation_accept", args=[invitation.token])
    assert "Sign out and sign in as new@example.org" in client.get(url).content.decode()
    client.post(url)
    assert not Membership.objects.filter(organisation=org).exists()


def test_the_invite_link_joins_and_a_new_link_replaces_it(org, manager_client):
    from django.test import Client

    old = reverse("organisation_join", args=[org.invite_token])
    person = UserFactory()
    client = Client()
    client.force_login(person)
    assert client.post(old).status_code == 302
    assert current_membership(user=person).organisation == org
    manager_client.post(reverse("invite_link_reset"))
    assert client.get(old).status_code == 404


def test_sign_up_may_ask_to_join_and_the_manager_approves(org, manager_client):
    from django.test import Client

    newcomer = Client()
    response = newcomer.post(
        reverse("signup"),
        {
            "full_name": "Pat Pending",
            "email": "pat@example.org",
            "join_organisation": org.pk,
            "job_role": "keyworker",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    user = User.objects.get(email="pat@example.org")
    assert current_membership(user=user) is None
    # Nobody's request until the account is confirmed from the emailed link.
    assert (
        "Pat Pending" not in manager_client.get("/my-team/requests/").content.decode()
    )
    signup_confirm(user=user)
    assert "Pat Pending" not in manager_client.get("/my-team/").content.decode()
    requests_page = manager_client.get("/my-team/requests/").content.decode()
    assert "Pat Pending" in requests_page
    pending = Membership.objects.get(user=user)
    manager_client.post(
        "/my-team/requests/", {"membership": pending.pk, "decision": "approve"}
    )
    assert current_membership(user=user).organisation == org
    assert "Pat Pending" in manager_client.get("/my-team/").content.decode()


def test_a_manager_cannot_answer_another_organisations_request(manager_client):
    other = OrganisationFactory()
    person = UserFactory()
    pending = Membership.objects.create(
        user=person, organisation=other, status="pending"
    )
    response = manager_client.post(
        "/my-team/requests/", {"membership": pending.pk, "decision": "approve"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_file_over_the_size_limit_is_refused_without_saving(manager_client):
    from training.invitations import MAX_BYTES

    row = "someone@example.org,Some One,Keyworker\n"
    text = "email,full name,job role\n" + row * (MAX_BYTES // len(row) + 10)
    response = upload(manager_client, text)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    assert not Invitation.objects.exists()
