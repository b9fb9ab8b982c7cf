"""With routes, course outlines and lesson bodies kept in the cache (as in
production), the signed-in pages cost a fixed, small number of queries, and what a
learner sees is still current: their own progress at once, a published change at
once, locks, moves, unpublishing and view restrictions at once."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import Enrolment, LessonPage
from tests.factories import (
    LessonPageFactory,
    ModulePageFactory,
    OrganisationFactory,
    UserFactory,
    make_course,
    make_member,
)

pytestmark = pytest.mark.django_db

# The session, the person (with their admin access and membership role, for the
# "Admin" and "My team" links), the person's step completions, enrolment and course
# completion (one query), and their reading time on the lesson. The page comes with
# its remembered route.
LESSON_PAGE_QUERIES = 4
# The session, the person (as above), their enrolments, their step completions and
# course completions (one query), assignments, and reading time per course.
DASHBOARD_QUERIES = 6


@pytest.fixture(autouse=True)
def _content_caches(settings):
    settings.CONTENT_CACHE_SECONDS = 3600


def lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def test_lesson_page_queries_are_few_and_fixed(
    learner_client, learner, home, django_assert_num_queries
):
    one = make_course(home=home, modules=1, lessons_per_module=1)
    twenty = make_course(home=home, modules=4, lessons_per_module=5)
    for course in (one, twenty):
        Enrolment.objects.create(user=learner, course=course)
        learner_client.get(lessons(course)[0].url)  # remembers route and outline
    for course in (one, twenty):
        url = lessons(course)[0].url
        with django_assert_num_queries(LESSON_PAGE_QUERIES):
            response = learner_client.get(url)
        assert response.status_code == 200


def test_dashboard_queries_are_few_and_fixed(client, home, django_assert_num_queries):
    few, many = UserFactory(), UserFactory()
    courses = [make_course(home=home, modules=2) for _ in range(20)]
    Enrolment.objects.create(user=few, course=courses[0])
    for course in courses:
        Enrolment.objects.create(user=many, course=course)
    for user in (few, many):
        client.force_login(user)
        client.get(reverse("dashboard"))
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200


def test_own_completion_shows_on_the_next_page(enrolled_client, course):
    first, second = lessons(course)[:2]
    assert "Mark as complete" in enrolled_client.get(first.url).content.decode()
    enrolled_client.get(reverse("dashboard"))
    enrolled_client.post(reverse("lesson_complete", args=[first.pk]))
    page = enrolled_client.get(first.url).content.decode()
    assert "You completed this lesson." in page
    assert "(done)" in enrolled_client.get(second.url).content.decode()
    assert "25%" in enrolled_client.get(reverse("dashboard")).content.decode()


def test_locks_open_as_soon_as_the_module_before_is_complete(
    enrolled_client, enrolled, home
):
    course = make_course(home=home, modules=2, lessons_per_module=1, sequential=True)
    Enrolment.objects.create(user=enrolled, course=course)
    first, second = lessons(course)
    assert enrolled_client.get(second.url).status_code == 403
    enrolled_client.post(reverse("lesson_complete", args=[first.pk]))
    assert enrolled_client.get(second.url).status_code == 200


def test_a_published_change_shows_at_once(enrolled_client, course):
    lesson = lessons(course)[0]
    assert "Lesson text." in enrolled_client.get(lesson.url).content.decode()
    lesson.title = "Asking safely"
    lesson.body = [{"type": "rich_text", "value": "<p>Ask when he is alone.</p>"}]
    lesson.save_revision().publish()
    page = enrolled_client.get(lesson.url).content.decode()
    assert "Ask when he is alone." in page and "Lesson text." not in page
    assert (
        "Asking safely" in enrolled_client.get(lessons(course)[1].url).content.decode()
    )


def test_a_new_lesson_joins_the_outline_at_once(enrolled_client, course):
    lesson = lessons(course)[0]
    enrolled_client.get(lesson.url)
    LessonPageFactory(parent=lesson.get_parent(), title="A lesson added later")
    assert "A lesson added later" in enrolled_client.get(lesson.url).content.decode()


def test_unpublished_and_moved_lessons_leave_their_address_at_once(
    enrolled_client, course
):
    first, second = lessons(course)[:2]
    old_url = first.url
    assert enrolled_client.get(old_url).status_code == 200
    assert enrolled_client.get(second.url).status_code == 200
    second.unpublish()
    assert enrolled_client.get(second.url).status_code == 404
    first.move(ModulePageFactory(parent=course), pos="last-child")
    first.refresh_from_db()
    assert first.url != old_url
    # Wagtail leaves a redirect behind; the old address no longer serves the page.
    response = enrolled_client.get(old_url)
    assert response.status_code == 301 and response["Location"] == first.url
    assert enrolled_client.get(first.url).status_code == 200


def test_a_view_restriction_applies_at_once(enrolled_client, course):
    lesson = lessons(course)[0]
    assert enrolled_client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Trainers"))
    assert enrolled_client.get(lesson.url).status_code == 302


def test_reflections_stay_personal_when_the_body_is_cached(
    enrolled_client, enrolled, course
):
    module = course.get_children().first()
    lesson = LessonPageFactory(
        parent=module,
        body=[
            {"type": "rich_text", "value": "<p>Before the question.</p>"},
            {"type": "reflection", "value": {"prompt": "What stops you asking?"}},
        ],
    )
    url = reverse("reflection_save", args=[lesson.pk, lesson.body[1].id])
    enrolled_client.post(url, {"text": "Fear of making it worse."})
    assert (
        "Fear of making it worse." in enrolled_client.get(lesson.url).content.decode()
    )

    other = UserFactory()
    Enrolment.objects.create(user=other, course=course)
    enrolled_client.force_login(other)
    page = enrolled_client.get(lesson.url).content.decode()
    assert "Before the question." in page and "What stops you asking?" in page
    assert "Fear of making it worse." not in page


def test_permissions_are_read_in_one_query(learner, trainer, django_assert_num_queries):
    direct = UserFactory()
    direct.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    for user, expected in ((learner, False), (trainer, True), (direct, True)):
        with django_assert_num_queries(1):
            assert user.has_perm("wagtailadmin.access_admin") is expected
            assert user.has_perm("wagtailadmin.access_admin") is expected


def test_admin_and_team_links_follow_the_person(client, course, trainer):
    lesson = lessons(course)[0]
    client.force_login(trainer)
    page = client.get(lesson.url).content.decode()
    assert 'href="/admin/"' in page and "My team" not in page
    trainer.groups.clear()
    Enrolment.objects.create(user=trainer, course=course)
    assert 'href="/admin/"' not in client.get(lesson.url).content.decode()

    client.force_login(make_member(OrganisationFactory(), role="manager"))
    assert "My team" in client.get(reverse("dashboard")).content.decode()


def test_a_migration_empties_the_content_caches(settings):
    """Data migrations write pages without signals: nothing kept before is used."""
    from django.apps import apps
    from django.core.cache import cache
    from django.db.models.signals import post_migrate

    from training.pagecache import VERSION_KEY

    cache.set(VERSION_KEY, "before", timeout=None)
    post_migrate.send(
        sender=apps.get_app_config("training"),
        app_config=apps.get_app_config("training"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert cache.get(VERSION_KEY) not in (None, "before")
