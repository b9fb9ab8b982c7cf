"""The team checklist of the capabilities framework on a manager's "My team": totals
per area and level, start and end of course, named rows only for those who agreed,
totals hidden where they would give one person's rating away, and nothing of another
organisation."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.capabilities import AREAS
from assessments.models import (
    CapabilitySharing,
    SelfAssessment,
    SelfAssessmentStage,
    SelfRating,
)
from assessments.services import capability_sharing_set, self_assessment_record
from certificates.team_checklist import HIDDEN_FEW, HIDDEN_NAMED, HIDDEN_SAME
from tests.factories import OrganisationFactory, UserFactory, make_member
from training.models import Membership
from training.services import membership_end

pytestmark = pytest.mark.django_db

URL = "/my-team/capabilities/"
KNOWLEDGE = AREAS[0].key


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Northbrook Recovery Service")


@pytest.fixture
def org_b():
    return OrganisationFactory(name="Eastgate Women's Centre")


@pytest.fixture
def manager_client(client, org_a):
    client.force_login(make_member(org_a, role="manager", full_name="Mina Manager"))
    return client


def _rate(user, level, *, stage="start", share=None, when=None, **per_area):
    ratings = {area.key: per_area.get(area.key, level) for area in AREAS}
    self_assessment_record(user=user, ratings=ratings, stage=stage, now=when)
    if share is not None:
        capability_sharing_set(user=user, share=share)


def _checklist(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.context["checklist"]


def _stage(checklist, key, stage):
    area = next(a for a in checklist.areas if a.key == key)
    return next(row for row in area.stages if row.stage == stage)


def test_only_managers_open_the_checklist(client, org_a):
    assert client.get(URL).status_code == 302
    client.force_login(make_member(org_a))
    assert client.get(URL).status_code == 403


def test_totals_per_level_start_and_end(manager_client, org_a):
    people = [make_member(org_a) for _ in range(5)]
    for person, level in zip(people, [1, 1, 2, 3, 2], strict=True):
        _rate(person, level)
    for person, level in zip(people[:4], [3, 2, 4, 4], strict=True):
        _rate(person, level, stage="end")
    checklist = _checklist(manager_client)
    start = _stage(checklist, KNOWLEDGE, SelfAssessmentStage.START)
    end = _stage(checklist, KNOWLEDGE, SelfAssessmentStage.END)
    assert (start.rated, start.level_counts) == (5, [2, 2, 1, 0])
    assert (end.rated, end.level_counts) == (4, [0, 1, 1, 2])
    html = manager_client.get(URL).content.decode()
    assert "Team capability checklist" in html
    assert "Start of course: 5 rated; 2 at level 1, 2 at level 2" in start.summary
    # No one shared, so no names.
    for person in people:
        assert person.full_name not in html
    assert "No one in your team has chosen to share" in html


def test_each_person_counts_once_per_stage_with_their_latest_rating(
    manager_client, org_a
):
    people = [make_member(org_a) for _ in range(4)]
    earlier = timezone.now() - datetime.timedelta(days=30)
    for person in people:
        _rate(person, 1, when=earlier)
    for person, level in zip(people, [2, 3, 3, 4], strict=True):
        _rate(person, level)
    start = _stage(_checklist(manager_client), KNOWLEDGE, SelfAssessmentStage.START)
    assert (start.rated, start.level_counts) == (4, [0, 1, 2, 1])


def test_fewer_than_three_raters_hides_the_counts_and_says_so(manager_client, org_a):
    first, second = make_member(org_a), make_member(org_a)
    _rate(first, 1)
    _rate(second, 4)
    start = _stage(_checklist(manager_client), KNOWLEDGE, SelfAssessmentStage.START)
    assert not start.shown and start.hidden_reason == HIDDEN_FEW
    html = manager_client.get(URL).content.decode()
    assert HIDDEN_FEW in html
    assert "Fewer than 3" in html
    assert "Hidden to protect privacy" in html  # in the chart too


def test_named_rows_only_for_those_who_agreed(manager_client, org_a):
    sharer = make_member(org_a, full_name="Sam Sharer")
    private = [make_member(org_a, full_name=f"Pat Private {i}") for i in range(3)]
    changed_mind = make_member(org_a, full_name="Chris Changed")
    _rate(sharer, 4, share=True, **{KNOWLEDGE: 2})
    for person, level in zip(private, [1, 2, 3], strict=True):
        _rate(person, level)
    _rate(changed_mind, 3, share=True)
    capability_sharing_set(user=changed_mind, share=False)
    checklist = _checklist(manager_client)
    assert [p.full_name for p in checklist.named] == ["Sam Sharer"]
    [row] = checklist.named
    assert row.levels[(KNOWLEDGE, SelfAssessmentStage.START)] == 2
    html = manager_client.get(URL).content.decode()
    assert "Sam Sharer" in html
    for person in [*private, changed_mind]:
        assert person.full_name not in html
    # The private ratings still count in the totals (4 private, 1 shared).
    start = _stage(checklist, KNOWLEDGE, SelfAssessmentStage.START)
    assert (start.rated, start.level_counts) == (5, [1, 2, 2, 0])


def test_totals_hidden_when_named_rows_would_reveal_the_rest(manager_client, org_a):
    # Three shared, one private: the totals minus the named rows give the private one.
    for level in (1, 2, 3):
        _rate(make_member(org_a), level, share=True)
    loner = make_member(org_a, full_name="Lou Private")
    _rate(loner, 4)
    checklist = _checklist(manager_client)
    start = _stage(checklist, KNOWLEDGE, SelfAssessmentStage.START)
    assert not start.shown and start.hidden_reason == HIDDEN_NAMED
    assert len(checklist.named) == 3
    html = manager_client.get(URL).content.decode()
    assert "Lou Private" not in html
    assert HIDDEN_NAMED in html


def test_totals_hidden_when_every_private_rating_is_the_same(manager_client, org_a):
    for _ in range(4):
        _rate(make_member(org_a), 2)
    start = _stage(_checklist(manager_client), KNOWLEDGE, SelfAssessmentStage.START)
    assert not start.shown and start.hidden_reason == HIDDEN_SAME
    html = manager_client.get(URL).content.decode()
    assert HIDDEN_SAME in html


def test_a_manager_of_a_sees_nothing_of_b(client, org_a, org_b):
    manager_b = make_member(org_b, role="manager")
    for level in (1, 2, 3, 4):
        _rate(make_member(org_a, full_name=f"Ash A{level}"), level, share=True)
    client.force_login(manager_b)
    checklist = _checklist(client)
    assert not checklist.any_rated
    assert checklist.named == ()
    html = client.get(URL).content.decode()
    assert "Ash A" not in html
    assert "No one in your team has rated themselves yet" in html


def test_someone_who_left_is_no_longer_counted(manager_client, org_a, org_b):
    people = [make_member(org_a, full_name=f"Kim Staff {i}") for i in range(4)]
    for person, level in zip(people, [1, 2, 3, 4], strict=True):
        _rate(person, level, share=True)
    leaver = people[0]
    membership_end(membership=Membership.objects.get(user=leaver, organisation=org_a))
    checklist = _checklist(manager_client)
    assert leaver.full_name not in [p.full_name for p in checklist.named]
    assert _stage(checklist, KNOWLEDGE, SelfAssessmentStage.START).rated == 3


def test_the_page_has_no_inline_script_or_style(manager_client, org_a):
    for level in (1, 2, 3, 4):
        _rate(make_member(org_a), level)
    html = manager_client.get(URL).content.decode()
    assert "<script>" not in html.replace(" ", "")
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "style=" not in html
    assert 'role="img"' in html and "<table" in html


def _add_raters(org, n, share_every=4):
    users = UserFactory.create_batch(n)
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=org, status="active", started_at=now)
            for u in users
        ]
    )
    assessments = SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(user=u, stage=stage, created_at=now)
            for u in users
            for stage in ("start", "end")
        ]
    )
    SelfRating.objects.bulk_create(
        [
            SelfRating(assessment=a, capability=area.key, level=1 + (i % 4))
            for i, a in enumerate(assessments)
            for area in AREAS
        ]
    )
    CapabilitySharing.objects.bulk_create(
        [
            CapabilitySharing(user=u, share_with_manager=True, changed_at=now)
            for u in users[::share_every]
        ]
    )


def _count(client):
    client.get(URL)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_is_the_same_for_10_and_1000_staff(manager_client, org_a):
    _add_raters(org_a, 10)
    small = _count(manager_client)
    _add_raters(org_a, 990)
    assert _count(manager_client) == small
    checklist = manager_client.get(URL).context["checklist"]
    assert _stage(checklist, KNOWLEDGE, "start").rated == 1000
    assert len(checklist.named) == 3 + 248  # every fourth of each batch
