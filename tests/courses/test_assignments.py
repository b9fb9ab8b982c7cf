"""Managers assign courses with due dates; learners see them and get reminders,
each once however often the job runs; managers get one digest a week."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.tasks import manager_digests_send
from courses.models import Assignment, CourseCompletion, Enrolment
from courses.tasks import assignment_reminders_send
from tests.factories import OrganisationFactory, make_course, make_member
from training.models import Membership
from training.services import membership_end

pytestmark = pytest.mark.django_db

ASSIGN = "/my-team/assign/"


@pytest.fixture
def org():
    return OrganisationFactory(name="Northbrook Recovery Service")


@pytest.fixture
def manager_client(client, org):
    client.force_login(make_member(org, role="manager", full_name="Mina Manager"))
    return client


def _due(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_manager_assigns_a_course_to_chosen_people(manager_client, org, course):
    chosen, other = make_member(org), make_member(org)
    response = manager_client.post(
        ASSIGN, {"course": course.pk, "due_on": _due(30), "people": [chosen.pk]}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.user, assignment.organisation) == (chosen, org)
    assert Enrolment.objects.filter(user=chosen, course=course).exists()
    assert not Enrolment.objects.filter(user=other).exists()


def test_assigning_to_everyone_and_again_changes_the_due_date(
    manager_client, org, course
):
    people = [make_member(org) for _ in range(3)]
    manager_client.post(
        ASSIGN, {"course": course.pk, "due_on": _due(30), "everyone": "on"}
    )
    assert Assignment.objects.count() == 4  # the manager is in the team too
    manager_client.post(
        ASSIGN, {"course": course.pk, "due_on": _due(60), "people": [people[0].pk]}
    )
    assert Assignment.objects.count() == 4
    assert str(Assignment.objects.get(user=people[0]).due_on) == _due(60)


def test_draft_courses_and_past_dates_are_refused_clearly(manager_client, org, home):
    person = make_member(org)
    draft = make_course(home=home, title="Draft course")
    draft.unpublish()
    response = manager_client.post(
        ASSIGN, {"course": draft.pk, "due_on": _due(10), "people": [person.pk]}
    )
    assert response.status_code == 400
    assert "is a draft, so it cannot be assigned" in response.content.decode()
    live = make_course(home=home)
    response = manager_client.post(
        ASSIGN, {"course": live.pk, "due_on": _due(-1), "people": [person.pk]}
    )
    assert response.status_code == 400
    assert "has passed" in response.content.decode()
    response = manager_client.post(
        ASSIGN, {"course": live.pk, "due_on": "31/02/2027", "people": [person.pk]}
    )
    assert response.status_code == 400
    assert "real date" in response.content.decode()
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_people_from_another_organisation_cannot_be_assigned(manager_client, course):
    stranger = make_member(OrganisationFactory())
    response = manager_client.post(
        ASSIGN, {"course": course.pk, "due_on": _due(10), "people": [stranger.pk]}
    )
    assert response.status_code == 400
    assert "your organisation only" in response.content.decode()
    assert not Assignment.objects.exists()


def test_learners_see_who_assigned_a_course_and_when_it_is_due(client, org, course):
    person = make_member(org)
    Enrolment.objects.create(user=person, course=course)
    Assignment.objects.create(
        user=person, course=course, organisation=org, due_on=datetime.date(2030, 3, 31)
    )
    client.force_login(person)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Assigned by Northbrook Recovery Service, due 31 March 2030" in page


def _assignment(org, course, days):
    person = make_member(org)
    Enrolment.objects.create(user=person, course=course)
    return Assignment.objects.create(
        user=person,
        course=course,
        organisation=org,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_reminders_are_sent_once_each_however_often_the_job_runs(
    org, course, django_capture_on_commit_callbacks
):
    soon = _assignment(org, course, 3)
    late = _assignment(org, course, -2)
    _assignment(org, course, 40)  # not yet
    done = _assignment(org, course, -5)
    CourseCompletion.objects.create(
        user=done.user, course=course, completed_at=timezone.now()
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assignment_reminders_send.call()
    sent = {(m.to[0], m.subject.split(":")[0]) for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert (late.user.email, "Overdue") in sent
    assert any(to == soon.user.email for to, _ in sent)
    # A new due date earns a new reminder.
    late.due_on = timezone.localdate() + datetime.timedelta(days=2)
    late.save()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_reminders_send.call()
    assert len(mail.outbox) == 3


def test_no_reminders_after_leaving_the_organisation(
    org, course, django_capture_on_commit_callbacks
):
    late = _assignment(org, course, -2)
    membership_end(membership=Membership.objects.get(user=late.user))
    with django_capture_on_commit_callbacks(execute=True):
        assignment_reminders_send.call()
    assert mail.outbox == []


def test_managers_get_one_digest_a_week(
    org, course, django_capture_on_commit_callbacks
):
    manager = make_member(org, role="manager")
    late = _assignment(org, course, -2)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            manager_digests_send.call()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.email]
    assert f"{late.user.full_name}: {course.title}, was due" in message.body
