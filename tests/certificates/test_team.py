"""A manager's "My team": what they see of their own organisation, and nothing of
anyone else's; filters, export, charts, and a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Assignment,
    Enrolment,
    LessonPage,
    ReflectionAnswer,
    StepCompletion,
)
from tests.factories import (
    CertificateFactory,
    OrganisationFactory,
    UserFactory,
    make_member,
)
from training.models import Membership
from training.services import membership_end

pytestmark = pytest.mark.django_db

TEAM = "/my-team/"
EXPORT = "/my-team/export.csv"


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Northbrook Recovery Service")


@pytest.fixture
def org_b():
    return OrganisationFactory(name="Eastgate Women's Centre")


@pytest.fixture
def manager(org_a):
    return make_member(org_a, role="manager", full_name="Mina Manager")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _assign(user, course, org, due):
    Enrolment.objects.get_or_create(user=user, course=course)
    return Assignment.objects.create(
        user=user, course=course, organisation=org, due_on=due
    )


def test_only_managers_open_my_team(client, org_a):
    assert client.get(TEAM).status_code == 302  # to sign in
    member = make_member(org_a)
    client.force_login(member)
    response = client.get(TEAM)
    assert response.status_code == 403
    assert "for managers" in response.content.decode()
    assert client.get(EXPORT).status_code == 403


def test_the_dashboard_shows_progress_due_dates_and_certificates(
    manager_client, org_a, course
):
    today = timezone.localdate()
    late = make_member(org_a, full_name="Lee Late")
    _assign(late, course, org_a, today - datetime.timedelta(days=3))
    first = LessonPage.objects.descendant_of(course).order_by("path").first()
    StepCompletion.objects.create(user=late, page=first)
    done = make_member(org_a, full_name="Dee Done")
    CertificateFactory(
        user=done,
        course=course,
        expires_at=timezone.now() + datetime.timedelta(days=20),
    )
    Enrolment.objects.create(user=done, course=course)
    page = manager_client.get(TEAM).content.decode()
    assert "Lee Late" in page and "Dee Done" in page
    assert "1 overdue" in page
    assert "25%" in page  # one of four lessons
    assert "Valid" in page and "until" in page
    assert "Certificates expiring in the next 90 days" in page
    assert "1 within 30 days" in page


def test_a_manager_never_sees_another_organisation(
    manager_client, org_a, org_b, course
):
    other = make_member(org_b, full_name="Olive Other")
    _assign(other, course, org_b, timezone.localdate())
    page = manager_client.get(TEAM).content.decode()
    assert "Olive Other" not in page
    url = reverse("certificates:team_person", kwargs={"user_id": other.pk})
    assert manager_client.get(url).status_code == 404
    export = b"".join(manager_client.get(EXPORT).streaming_content).decode()
    assert "Olive Other" not in export
    assert (
        manager_client.get(f"{TEAM}?q=Olive").content.decode().count("Olive Other") == 0
    )


def test_someone_who_left_is_no_longer_shown(manager_client, org_a, course):
    leaver = make_member(org_a, full_name="Lou Leaver")
    assert "Lou Leaver" in manager_client.get(TEAM).content.decode()
    membership_end(membership=Membership.objects.get(user=leaver))
    assert "Lou Leaver" not in manager_client.get(TEAM).content.decode()
    url = reverse("certificates:team_person", kwargs={"user_id": leaver.pk})
    assert manager_client.get(url).status_code == 404


def test_reflections_never_reach_the_manager(manager_client, org_a, course):
    person = make_member(org_a)
    Enrolment.objects.create(user=person, course=course)
    lesson = LessonPage.objects.descendant_of(course).first()
    ReflectionAnswer.objects.create(
        user=person, lesson=lesson, block_id="b1", text="My private thoughts"
    )
    url = reverse("certificates:team_person", kwargs={"user_id": person.pk})
    for response_text in (
        manager_client.get(TEAM).content.decode(),
        manager_client.get(url).content.decode(),
        b"".join(manager_client.get(EXPORT).streaming_content).decode(),
    ):
        assert "My private thoughts" not in response_text


def test_filters_and_sort(manager_client, org_a, course):
    today = timezone.localdate()
    late = make_member(org_a, full_name="Lee Late")
    _assign(late, course, org_a, today - datetime.timedelta(days=1))
    soon = make_member(org_a, full_name="Sam Soon")
    _assign(soon, course, org_a, today + datetime.timedelta(days=5))
    make_member(org_a, full_name="Nat None")
    overdue = manager_client.get(f"{TEAM}?show=overdue").content.decode()
    assert "Lee Late" in overdue and "Sam Soon" not in overdue
    due_soon = manager_client.get(f"{TEAM}?show=due_soon").content.decode()
    assert "Sam Soon" in due_soon and "Lee Late" not in due_soon
    by_due = manager_client.get(f"{TEAM}?sort=due").content.decode()
    assert (
        by_due.index("Lee Late") < by_due.index("Sam Soon") < by_due.index("Nat None")
    )
    bad = manager_client.get(f"{TEAM}?show=everything&sort=%27;drop")
    assert bad.status_code == 400
    assert "could not be used" in bad.content.decode()


def test_the_export_defuses_formulas(manager_client, org_a, course):
    person = make_member(org_a, full_name='=HYPERLINK("http://x")')
    _assign(person, course, org_a, timezone.localdate())
    response = manager_client.get(EXPORT)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Name", "Email", "Job role", "Course"]
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(cell.startswith("=") for row in rows for cell in row)


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_staff(org, course, n, start=0):
    today = timezone.localdate()
    users = UserFactory.create_batch(n)
    Membership.objects.bulk_create(
        [
            Membership(
                user=u, organisation=org, status="active", started_at=timezone.now()
            )
            for u in users
        ]
    )
    Enrolment.objects.bulk_create([Enrolment(user=u, course=course) for u in users])
    Assignment.objects.bulk_create(
        [
            Assignment(
                user=u,
                course=course,
                organisation=org,
                due_on=today + datetime.timedelta(days=(i % 20) - 10),
            )
            for i, u in enumerate(users)
        ]
    )


def test_query_count_is_the_same_for_10_and_1000_staff(manager_client, org_a, course):
    _add_staff(org_a, course, 10)
    small = _count(manager_client, TEAM)
    small_person = _count(
        manager_client,
        reverse(
            "certificates:team_person",
            kwargs={
                "user_id": Membership.objects.filter(role="member").first().user_id
            },
        ),
    )
    _add_staff(org_a, course, 990)
    assert _count(manager_client, TEAM) == small
    assert _count(manager_client, f"{TEAM}?show=overdue&sort=activity") == small
    assert (
        _count(
            manager_client,
            reverse(
                "certificates:team_person",
                kwargs={
                    "user_id": Membership.objects.filter(role="member").last().user_id
                },
            ),
        )
        == small_person
    )


def test_the_manager_sees_learning_time_but_not_per_lesson(
    manager_client, org_a, course
):
    from courses.models import LessonTime

    person = make_member(org_a, full_name="Rae Reader")
    _assign(person, course, org_a, timezone.localdate())
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    LessonTime.objects.create(user=person, lesson=lessons[0], seconds=1200)
    LessonTime.objects.create(user=person, lesson=lessons[1], seconds=720)
    assert "Learning time: 32 min" in manager_client.get(TEAM).content.decode()
    url = reverse("certificates:team_person", kwargs={"user_id": person.pk})
    html = manager_client.get(url).content.decode()
    assert "<dt>Learning time</dt><dd>32 min</dd>" in html
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(manager_client.get(EXPORT).streaming_content).decode())
        )
    )
    by_name = {row["Name"]: row["Learning time (minutes)"] for row in rows}
    assert by_name["Rae Reader"] == "32"
