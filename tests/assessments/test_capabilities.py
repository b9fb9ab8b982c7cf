"""The capabilities self-assessment: saving ratings, "My capabilities" beside quiz
results, the course-page prompt, privacy, sharing consent and the data export."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.capabilities import AREAS
from assessments.models import (
    Capability,
    CapabilitySharing,
    SelfAssessment,
    SelfRating,
)
from assessments.selectors import capability_overview, self_assessment_due
from courses.models import Enrolment, LessonPage
from tests.factories import UserFactory, make_questions, make_quiz

from .conftest import wrong_answers

RATE = reverse("assessments:self_assessment")
MINE = reverse("assessments:my_capabilities")
SHARING = reverse("assessments:capability_sharing")


def all_levels(level=2, **overrides):
    ratings = {area.key: level for area in AREAS}
    ratings.update(overrides)
    return ratings


def take_quiz(user, quiz, *, right: bool):
    attempt = services.attempt_start(user=user, quiz=quiz).attempt
    if right:
        from assessments.selectors import model_answers

        services.answers_save(attempt=attempt, answers=model_answers(attempt))
    else:
        services.answers_save(attempt=attempt, answers=wrong_answers(attempt))
    services.attempt_submit(user=user, attempt=attempt)
    return attempt


# --- services -----------------------------------------------------------------------


def test_every_area_has_four_described_levels():
    assert {area.key for area in AREAS} == set(Capability.values)
    for area in AREAS:
        levels = area.levels()
        assert [level for level, _, _ in levels] == [1, 2, 3, 4]
        assert all(text for _, _, text in levels)


def test_record_saves_one_rating_per_area_with_date(enrolled, course):
    saved = services.self_assessment_record(
        user=enrolled, ratings=all_levels(3, skills="1"), stage="start", course=course
    )
    assert saved.created_at is not None
    levels = dict(saved.ratings.values_list("capability", "level"))
    assert levels[Capability.SKILLS] == 1
    assert levels[Capability.KNOWLEDGE] == 3
    assert len(levels) == 5


@pytest.mark.parametrize(
    "ratings",
    [
        {},
        {"knowledge": 2},
        all_levels(2, skills="5"),
        all_levels(2, skills="0"),
        all_levels(2, skills="x"),
        all_levels(2, skills=None),
    ],
)
def test_record_refuses_incomplete_or_out_of_range(enrolled, ratings):
    with pytest.raises(ValidationError):
        services.self_assessment_record(user=enrolled, ratings=ratings, stage="start")
    assert not SelfAssessment.objects.exists()
    assert not SelfRating.objects.exists()


def test_record_refuses_unknown_stage(enrolled):
    with pytest.raises(ValidationError):
        services.self_assessment_record(
            user=enrolled, ratings=all_levels(), stage="middle"
        )


def test_sharing_is_off_by_default_and_can_be_turned_on_and_off(learner):
    assert not capability_overview(user=learner).sharing
    services.capability_sharing_set(user=learner, share=True)
    assert capability_overview(user=learner).sharing
    services.capability_sharing_set(user=learner, share=False)
    assert not capability_overview(user=learner).sharing
    assert CapabilitySharing.objects.filter(user=learner).count() == 1


def test_prompt_due_at_start_then_at_end(enrolled, course):
    assert self_assessment_due(user=enrolled, course=course, complete=False) == "start"
    services.self_assessment_record(
        user=enrolled, ratings=all_levels(), stage="start", course=course
    )
    assert self_assessment_due(user=enrolled, course=course, complete=False) is None
    assert self_assessment_due(user=enrolled, course=course, complete=True) == "end"
    services.self_assessment_record(
        user=enrolled, ratings=all_levels(), stage="end", course=course
    )
    assert self_assessment_due(user=enrolled, course=course, complete=True) is None


# --- quiz results per area ------------------------------------------------------


@pytest.fixture
def tagged_quiz(module):
    knowledge = make_questions(2, capability=Capability.KNOWLEDGE)
    skills = make_questions(2, capability=Capability.SKILLS)
    return make_quiz(module=module, questions=knowledge + skills, max_attempts=3)


def test_overview_sums_marks_per_area_and_suggests_lessons_for_weakest(
    enrolled, tagged_quiz, module
):
    take_quiz(enrolled, tagged_quiz, right=False)
    overview = capability_overview(user=enrolled)
    by_key = {area.key: area for area in overview.areas}
    assert by_key[Capability.KNOWLEDGE].quiz_percent == 0
    assert by_key[Capability.SKILLS].quiz_percent == 0
    assert by_key[Capability.ETHICAL_PRACTICE].quiz_percent is None
    assert overview.weakest.key in {Capability.KNOWLEDGE, Capability.SKILLS}
    lessons = set(LessonPage.objects.child_of(module))
    assert overview.suggested_lessons
    assert set(overview.suggested_lessons) <= lessons


def test_ratings_over_time_oldest_first(enrolled, course):
    import datetime

    from django.utils import timezone

    earlier = timezone.now() - datetime.timedelta(days=30)
    services.self_assessment_record(
        user=enrolled, ratings=all_levels(1), stage="start", course=course, now=earlier
    )
    services.self_assessment_record(
        user=enrolled, ratings=all_levels(3), stage="end", course=course
    )
    area = capability_overview(user=enrolled).areas[0]
    assert area.first_level == 1
    assert area.latest_level == 3
    assert [level for _, level in area.ratings] == [1, 3]


# --- views ---------------------------------------------------------------------


def post_rating(client, course=None, stage="start", **levels):
    data = {"stage": stage, **{k: str(v) for k, v in all_levels(**levels).items()}}
    if course is not None:
        data["course"] = str(course.pk)
    return client.post(RATE, data)


def test_rate_form_lists_every_area_and_descriptor(enrolled_client, course):
    response = enrolled_client.get(RATE, {"course": course.pk, "stage": "start"})
    assert response.status_code == 200
    html = response.content.decode()
    for area in AREAS:
        assert f'<legend class="quiz-question__legend">{area.label}</legend>' in html
        assert area.descriptors[4].replace("'", "&#x27;") in html
    assert 'name="share_with_manager"' in html
    assert "checked" not in html.split('id="share_with_manager"')[1].split(">")[0]


def test_saving_redirects_to_my_capabilities_with_ratings(enrolled_client, course):
    response = post_rating(enrolled_client, course, skills=4)
    assert response.status_code == 302
    assert response.url == MINE
    page = enrolled_client.get(MINE).content.decode()
    assert "4 of 4" in page
    assert "At the start of the course" in page
    assert not capability_overview(user=Enrolment.objects.get().user).sharing


def test_missing_area_is_400_and_keeps_choices(enrolled_client, course):
    data = {"stage": "start", "course": str(course.pk), "knowledge": "3"}
    response = enrolled_client.post(RATE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a level for each area" in html
    assert 'id="knowledge-3" value="3" checked' in html
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("course_value", ["abc", "999999"])
def test_unknown_course_is_404(enrolled_client, course_value):
    response = enrolled_client.post(
        RATE, {"course": course_value, "stage": "start", **all_levels()}
    )
    assert response.status_code == 404
    assert not SelfAssessment.objects.exists()


def test_course_not_enrolled_on_is_404(learner_client, course):
    response = learner_client.get(RATE, {"course": course.pk})
    assert response.status_code == 404


def test_pages_need_sign_in(client, db):
    assert client.get(MINE).status_code == 302
    assert client.post(RATE, all_levels()).status_code == 302
    assert not SelfAssessment.objects.exists()


def test_csrf_is_enforced(enrolled, course):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    assert post_rating(client, course).status_code == 403
    assert client.post(SHARING, {"share_with_manager": "yes"}).status_code == 403


def test_sharing_choice_saved_and_bad_value_is_400(enrolled_client, enrolled):
    assert (
        enrolled_client.post(SHARING, {"share_with_manager": "maybe"}).status_code
        == 400
    )
    assert not capability_overview(user=enrolled).sharing
    response = enrolled_client.post(SHARING, {"share_with_manager": "yes"})
    assert response.status_code == 302
    assert capability_overview(user=enrolled).sharing
    assert (
        'id="share-yes" value="yes" checked'
        in enrolled_client.get(MINE).content.decode()
    )


def test_another_learners_ratings_are_never_shown(client, enrolled, course):
    services.self_assessment_record(
        user=enrolled, ratings=all_levels(4), stage="start", course=course
    )
    other = UserFactory()
    client.force_login(other)
    page = client.get(MINE).content.decode()
    assert "4 of 4" not in page
    assert "You have not rated yourself yet." in page


def test_course_page_prompts_at_start_and_on_completion(enrolled_client, course):
    page = enrolled_client.get(course.url).content.decode()
    assert "Rate your capabilities" in page
    assert f"?course={course.pk}&amp;stage=start" in page
    post_rating(enrolled_client, course)
    page = enrolled_client.get(course.url).content.decode()
    assert "stage=start" not in page


def test_my_learning_links_to_my_capabilities(enrolled_client):
    page = enrolled_client.get(reverse("dashboard")).content.decode()
    assert f'href="{MINE}"' in page


def test_my_capabilities_has_chart_and_table(enrolled_client, enrolled, tagged_quiz):
    take_quiz(enrolled, tagged_quiz, right=True)
    post_rating(enrolled_client, stage="start", knowledge=1)
    html = enrolled_client.get(MINE).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "<table" in html
    assert "100% (" in html
    assert "style=" not in html.split("<main", 1)[-1]
    assert "<script>" not in html


@pytest.mark.parametrize("size", [1, 6])
def test_my_capabilities_query_count_is_fixed(
    client, course, module, size, django_assert_num_queries
):
    user = UserFactory()
    Enrolment.objects.create(user=user, course=course)
    quiz = make_quiz(
        module=module,
        questions=make_questions(size, capability=Capability.SKILLS),
        max_attempts=size + 1,
    )
    for _ in range(size):
        services.self_assessment_record(
            user=user, ratings=all_levels(), stage="start", course=course
        )
        take_quiz(user, quiz, right=False)
    client.force_login(user)
    client.get(MINE)  # warm the site and session caches
    with django_assert_num_queries(9):
        assert client.get(MINE).status_code == 200


# --- data export and deletion --------------------------------------------------


def test_export_includes_ratings_and_sharing_choice(enrolled_client, enrolled, course):
    post_rating(enrolled_client, course, reflection=4)
    response = enrolled_client.get(reverse("data_export"))
    text = b"".join(getattr(response, "streaming_content", [response.content]))
    data = json.loads(text)
    found = json.dumps(data)
    assert "Reflection and professional development" in found
    assert "share_self_assessments_with_manager" in found


def test_deleting_the_account_deletes_ratings(enrolled, course):
    from training.services import user_delete

    services.self_assessment_record(
        user=enrolled, ratings=all_levels(), stage="start", course=course
    )
    services.capability_sharing_set(user=enrolled, share=True)
    user_delete(user=enrolled)
    assert not SelfAssessment.objects.exists()
    assert not SelfRating.objects.exists()
    assert not CapabilitySharing.objects.exists()
