"""Learners' own pages (lesson pages, My learning) from the shared cache: served
again only while nothing they show has changed, with a fresh reading-time token."""

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import PdfState
from courses.models import LessonPage, StepCompletion
from courses.services import assignment_create
from courses.timing import token_opened_at
from tests.factories import (
    CertificateFactory,
    OrganisationFactory,
    UserFactory,
    make_member,
)
from training import learnercache
from training.learnercache import HIT_HEADER

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="time_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_ANY = re.compile(r'(?<=value=")[A-Za-z0-9]{64}(?=")|(?<=data-csrf=")[^"]+')


@pytest.fixture(autouse=True)
def learner_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lesson(course):
    return LessonPage.objects.descendant_of(course).order_by("path").first()


def _warm(client, url):
    """Opens ``url`` until an answer is kept (one that sets the CSRF cookie is
    not); returns the kept answer."""
    built = client.get(url)
    for _ in range(2):
        response = client.get(url)
        if response.get(HIT_HEADER) == "hit":
            return built
        built = response
    raise AssertionError(f"{url} was never served from the cache")


def test_a_lesson_page_comes_from_the_cache_with_a_fresh_token(
    enrolled_client, enrolled, lesson
):
    built = _warm(enrolled_client, lesson.url)
    again = enrolled_client.get(lesson.url)
    assert again[HIT_HEADER] == "hit"
    old, new = TOKEN.search(built.text).group(1), TOKEN.search(again.text).group(1)
    assert old != new and new in again.text and old not in again.text
    assert token_opened_at(new, user=enrolled, lesson_id=lesson.pk) >= (
        token_opened_at(old, user=enrolled, lesson_id=lesson.pk)
    )
    # Otherwise the same, but for the CSRF token, which is the browser's own.
    strip = lambda page: CSRF_ANY.sub("", page.replace(new, "").replace(old, ""))  # noqa: E731
    assert strip(again.text) == strip(built.text)


def test_a_page_kept_for_one_browser_carries_another_browsers_csrf_token(
    enrolled, lesson
):
    first, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(enrolled)
    # The same learner in another browser: its own session and CSRF cookie.
    other.force_login(enrolled)
    other.get("/accounts/profile/")  # a page that sets its CSRF cookie
    kept = _warm(first, lesson.url)
    cached = other.get(lesson.url)
    assert cached[HIT_HEADER] == "hit"
    theirs = CSRF.search(cached.text).group(1)
    assert theirs != CSRF.search(kept.text).group(1)
    assert f'data-csrf="{theirs}"' in cached.text
    # No token made for the first browser is left anywhere in the page.
    for token in re.findall(
        r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])", kept.text
    ):
        assert token not in cached.text
    response = other.post(
        reverse("lesson_complete", args=[lesson.pk]),
        {"csrfmiddlewaretoken": theirs, "time_token": TOKEN.search(cached.text)[1]},
    )
    assert response.status_code == 302
    assert StepCompletion.objects.filter(user=enrolled, page=lesson).exists()


def test_a_browser_without_a_csrf_cookie_gets_one_that_fits_the_kept_page(
    enrolled, lesson
):
    first, fresh = Client(), Client(enforce_csrf_checks=True)
    first.force_login(enrolled)
    fresh.force_login(enrolled)
    _warm(first, lesson.url)
    cached = fresh.get(lesson.url)
    assert cached[HIT_HEADER] == "hit" and "csrftoken" in cached.cookies
    response = fresh.post(
        reverse("lesson_complete", args=[lesson.pk]),
        {"csrfmiddlewaretoken": CSRF.search(cached.text)[1]},
    )
    assert response.status_code == 302


def test_what_the_learner_sends_shows_at_once(enrolled_client, enrolled, lesson):
    _warm(enrolled_client, lesson.url)
    _warm(enrolled_client, "/my-learning/")
    enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    # The redirect's message is shown, fresh; then the page is kept again.
    page = enrolled_client.get(lesson.url)
    assert HIT_HEADER not in page
    assert "Marked as complete" in page.text or "complete" in page.text.lower()
    dashboard = enrolled_client.get("/my-learning/")
    assert HIT_HEADER not in dashboard
    assert "25%" in dashboard.text  # 1 of 4 lessons


def test_a_manager_assigning_a_course_shows_on_my_learning(client, course):
    org = OrganisationFactory(name="Northbrook Recovery Service")
    learner = make_member(org)
    client.force_login(learner)
    _warm(client, "/my-learning/")
    assert client.get("/my-learning/")[HIT_HEADER] == "hit"
    assignment_create(
        organisation=org,
        users=[learner],
        course=course,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    response = client.get("/my-learning/")
    assert HIT_HEADER not in response
    assert "Assigned by Northbrook Recovery Service" in response.text

    _warm(client, "/my-learning/")
    org.name = "Northbrook Recovery Partnership"
    org.save()
    assert "Assigned by Northbrook Recovery Partnership" in (
        client.get("/my-learning/").text
    )


def test_a_certificate_made_ready_by_the_worker_shows_at_once(client, course):
    learner = UserFactory()
    certificate = CertificateFactory(user=learner, course=course)
    certificate.pdf_state = PdfState.PENDING
    certificate.save()
    client.force_login(learner)
    _warm(client, "/my-learning/")
    assert client.get("/my-learning/")[HIT_HEADER] == "hit"
    certificate.pdf_state = PdfState.READY
    certificate.save(update_fields=["pdf_state"])
    assert HIT_HEADER not in client.get("/my-learning/")


def test_publishing_a_lesson_shows_at_once(
    enrolled_client, lesson, django_capture_on_commit_callbacks
):
    _warm(enrolled_client, lesson.url)
    lesson.title = "A retitled lesson"
    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision().publish()
    response = enrolled_client.get(lesson.url)
    assert HIT_HEADER not in response and "A retitled lesson" in response.text


def test_joining_a_group_changes_the_header_at_once(enrolled_client, enrolled):
    _warm(enrolled_client, "/my-learning/")
    enrolled.groups.add(Group.objects.get(name="Trainers"))
    response = enrolled_client.get("/my-learning/")
    assert HIT_HEADER not in response and 'href="/admin/"' in response.text


def test_no_one_else_gets_the_page(enrolled, lesson, course):
    first = Client()
    first.force_login(enrolled)
    _warm(first, "/my-learning/")
    someone = Client()
    someone.force_login(UserFactory(full_name="Somebody Else"))
    someone.get("/my-learning/")
    response = someone.get("/my-learning/")
    assert response[HIT_HEADER] == "hit"  # their own, kept by their first visit
    assert enrolled.full_name not in response.text


def test_signing_out_ends_it(enrolled_client):
    _warm(enrolled_client, "/my-learning/")
    enrolled_client.post("/accounts/logout/")
    assert enrolled_client.get("/my-learning/").status_code == 302


def test_waiting_messages_are_never_skipped(enrolled_client, course):
    _warm(enrolled_client, "/my-learning/")
    # A message set for the next page (as enrolling sets one).
    session = enrolled_client.session
    session["_messages"] = '[["__json_message",0,25,"A message for the next page."]]'
    session.save()
    response = enrolled_client.get("/my-learning/")
    assert HIT_HEADER not in response


def test_turned_off_with_no_page_cache(enrolled_client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    enrolled_client.get("/my-learning/")
    enrolled_client.get("/my-learning/")
    assert HIT_HEADER not in enrolled_client.get("/my-learning/")


def test_every_row_that_belongs_to_a_learner_is_accounted_for():
    """A new model with a learner's rows must say whether cached pages show it."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    known = {
        *learnercache.OWNED_BY,
        *learnercache.OWNED_THROUGH,
        *learnercache.NOT_SHOWN,
        *learnercache.EVERYONE,
    }
    owned = set(learnercache.OWNED_BY) - {"training.User"}
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in {
            "training",
            "courses",
            "assessments",
            "certificates",
        }:
            continue
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target is None or field.name in {"page_ptr", "question_ptr"}:
                continue
            if target is user_model:
                belongs = field.name == "user"  # not owner, marker, revoked_by...
            else:
                belongs = target._meta.label in owned
            if belongs and model._meta.label not in known:
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing


def test_a_kept_page_asks_the_database_only_for_the_session(
    enrolled_client, lesson, django_assert_num_queries, settings
):
    settings.CONTENT_CACHE_SECONDS = 3600  # routes remembered, as in production
    _warm(enrolled_client, lesson.url)
    with django_assert_num_queries(1):  # the session (Redis in production)
        assert enrolled_client.get(lesson.url)[HIT_HEADER] == "hit"


def test_a_kept_lesson_page_reads_the_cache_twice_after_the_session(
    enrolled_client, lesson, settings, monkeypatch
):
    """The person, then the route with the kept page and its versions, in one
    round trip (the session is Redis's too in production, not here)."""
    settings.CONTENT_CACHE_SECONDS = 3600
    _warm(enrolled_client, lesson.url)
    backend = caches["default"]
    reads, depth = [], []
    for name in ("get", "get_many"):
        method = getattr(backend, name)

        def counted(*args, _method=method, _name=name, **kwargs):
            if not depth:  # the local cache's get_many calls get: one read
                reads.append(_name)
            depth.append(_name)
            try:
                return _method(*args, **kwargs)
            finally:
                depth.pop()

        monkeypatch.setattr(backend, name, counted)
    assert enrolled_client.get(lesson.url)[HIT_HEADER] == "hit"
    assert reads == ["get_many", "get_many"]


def test_a_deactivated_account_is_signed_out_at_once(enrolled_client, enrolled):
    _warm(enrolled_client, "/my-learning/")
    enrolled.is_active = False
    enrolled.save()
    assert enrolled_client.get("/my-learning/").status_code == 302


def test_a_confirmed_sign_up_is_read_afresh(client, db):
    from training.services import signup_confirm

    person = UserFactory(is_active=False)
    versions_before = cache.get(f"{learnercache.LEARNER_PREFIX}{person.pk}")
    signup_confirm(user=person)
    assert cache.get(f"{learnercache.LEARNER_PREFIX}{person.pk}") != versions_before


def test_a_query_string_is_never_kept(enrolled_client):
    for _ in range(3):
        response = enrolled_client.get("/my-learning/?filler=1")
        assert response.status_code == 200 and HIT_HEADER not in response


def test_learner_records_stay_out_of_the_reference_index():
    """Wagtail's reference index is for content ("where is this image used"):
    indexing learners' rows would queue a task for the worker on every save of
    one, a certificate issued or rendered, a membership started."""
    from wagtail.models import ReferenceIndex

    records = [
        *learnercache.OWNED_BY,
        *learnercache.OWNED_THROUGH,
        *learnercache.NOT_SHOWN,
    ]
    indexed = [
        label
        for label in records
        if label != "training.User" and ReferenceIndex.is_indexed(apps.get_model(label))
    ]
    assert not indexed


def _version(user_id):
    return cache.get(f"{learnercache.LEARNER_PREFIX}{user_id}")


def test_a_transaction_replaces_versions_at_each_write_and_once_after_commit(
    django_capture_on_commit_callbacks,
):
    one, two = 1001, 1002  # learners' ids: no rows written before
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        learnercache.learner_pages_changed([one])
        after_first = _version(one)
        learnercache.learner_pages_changed([one, two])
        assert _version(one) != after_first  # each write, at once
        learnercache.learner_pages_changed([two])
    replacing = [c for c in callbacks if isinstance(c, learnercache._AfterCommit)]
    assert len(replacing) == 1
    before = _version(one), _version(two)
    replacing[0]()
    assert _version(one) not in before and _version(two) not in before


def test_a_write_after_a_savepoint_rolled_back_is_still_replaced_after_commit(
    django_capture_on_commit_callbacks,
):
    one, two = 1001, 1002
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                learnercache.learner_pages_changed([one])
                raise RuntimeError
        except RuntimeError:
            pass
        learnercache.learner_pages_changed([two])
    replacing = [c for c in callbacks if isinstance(c, learnercache._AfterCommit)]
    # The callback queued in the savepoint went with it; the write after it
    # queued its own.
    assert [sorted(c.keys) for c in replacing] == [
        [f"{learnercache.LEARNER_PREFIX}{two}"]
    ]
