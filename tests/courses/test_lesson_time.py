"""Time on task: reading time reported by the lesson page, clamped on the server,
and a course's minimum time per lesson before "Mark as complete"."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment, LessonPage, LessonTime, StepCompletion
from courses.services import lesson_time_record
from courses.timing import (
    BEAT_MAX_SECONDS,
    duration_text,
    required_seconds,
    token_make,
    token_opened_at,
)
from tests.factories import UserFactory
from training.services import user_data_export, user_delete

pytestmark = pytest.mark.django_db


def _lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


@pytest.fixture
def lesson(course):
    lesson = _lessons(course)[0]
    lesson.minutes = 10
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def minimum_course(course, lesson):
    """The course asks for half of each lesson's reading time (5 min of 10)."""
    course.lesson_minimum_percent = 50
    course.save_revision().publish()
    return course


def _seconds(user, lesson):
    row = LessonTime.objects.filter(user=user, lesson=lesson).first()
    return row.seconds if row else 0


def _beat(client, lesson, *, user, seconds, opened=None, **extra):
    token = token_make(
        user=user, lesson=lesson, now=opened or timezone.now() - timedelta(minutes=5)
    )
    return client.post(
        reverse("lesson_time_beat", args=[lesson.pk]),
        {"time_token": token, "seconds": str(seconds)},
        **extra,
    )


# --- The clamp --------------------------------------------------------------------


def test_a_report_adds_no_more_than_the_time_since_the_page_opened(enrolled, lesson):
    now = timezone.now()
    total = lesson_time_record(
        user=enrolled,
        lesson=lesson,
        seconds=BEAT_MAX_SECONDS,
        opened_at=now - timedelta(seconds=30),
        now=now,
    )
    assert total == 30


def test_a_report_adds_no_more_than_the_time_since_the_last_one(enrolled, lesson):
    opened = timezone.now() - timedelta(hours=1)
    first = opened + timedelta(minutes=10)
    lesson_time_record(
        user=enrolled, lesson=lesson, seconds=60, opened_at=opened, now=first
    )
    # A forged burst straight after: each claims a minute, but no time has passed.
    for _ in range(5):
        lesson_time_record(
            user=enrolled, lesson=lesson, seconds=60, opened_at=opened, now=first
        )
    assert _seconds(enrolled, lesson) == 60
    # Twenty seconds later a claim of a minute adds twenty seconds.
    total = lesson_time_record(
        user=enrolled,
        lesson=lesson,
        seconds=60,
        opened_at=opened,
        now=first + timedelta(seconds=20),
    )
    assert total == 80


def test_one_report_adds_at_most_the_per_report_limit(enrolled, lesson):
    now = timezone.now()
    total = lesson_time_record(
        user=enrolled,
        lesson=lesson,
        seconds=10 * BEAT_MAX_SECONDS,
        opened_at=now - timedelta(hours=3),
        now=now,
    )
    assert total == BEAT_MAX_SECONDS


def test_honest_minute_reports_add_up_however_the_clock_falls(enrolled, lesson):
    """Part-seconds the clock withheld from one report count in the next."""
    opened = timezone.now() - timedelta(hours=1)
    at = opened
    for _ in range(10):
        at += timedelta(seconds=59.6)
        lesson_time_record(
            user=enrolled, lesson=lesson, seconds=60, opened_at=opened, now=at
        )
    assert _seconds(enrolled, lesson) in (595, 596)


def test_a_stale_row_read_does_not_count_the_same_time_twice(enrolled, lesson):
    opened = timezone.now() - timedelta(minutes=10)
    now = opened + timedelta(minutes=2)
    lesson_time_record(
        user=enrolled, lesson=lesson, seconds=60, opened_at=opened, now=now
    )
    row = LessonTime.objects.get(user=enrolled, lesson=lesson)
    # Another tab's report landed between this one's read and its write.
    LessonTime.objects.filter(pk=row.pk).update(
        last_beat_at=now + timedelta(seconds=30), seconds=90
    )
    total = lesson_time_record(
        user=enrolled,
        lesson=lesson,
        seconds=60,
        opened_at=opened,
        now=now + timedelta(seconds=40),
    )
    assert total == 100  # 90 + the 10 s since the other tab's report


def test_the_update_is_one_small_write(enrolled, lesson):
    opened = timezone.now() - timedelta(minutes=10)
    lesson_time_record(
        user=enrolled,
        lesson=lesson,
        seconds=60,
        opened_at=opened,
        now=opened + timedelta(minutes=1),
    )
    with CaptureQueriesContext(connection) as queries:
        lesson_time_record(
            user=enrolled,
            lesson=lesson,
            seconds=60,
            opened_at=opened,
            now=opened + timedelta(minutes=2),
        )
    writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("UPDATE")
    assert '"seconds" = ("courses_lessontime"."seconds" + ' in writes[0]


# --- The report endpoint ----------------------------------------------------------


def test_the_page_reports_time_and_gets_the_total(enrolled_client, enrolled, lesson):
    response = _beat(enrolled_client, lesson, user=enrolled, seconds=45)
    assert response.status_code == 200
    assert json.loads(response.content) == {"seconds": 45}
    assert response["Cache-Control"] == "no-store"
    assert _seconds(enrolled, lesson) == 45


def test_reports_need_the_csrf_token(enrolled, lesson):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    response = _beat(client, lesson, user=enrolled, seconds=45)
    assert response.status_code == 403
    assert _seconds(enrolled, lesson) == 0
    client.get(lesson.url)  # the page sets the CSRF cookie and carries the token
    token = client.cookies["csrftoken"].value
    response = _beat(client, lesson, user=enrolled, seconds=45, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert _seconds(enrolled, lesson) == 45


def test_a_beacon_with_the_token_in_the_body_is_accepted(enrolled, lesson):
    """sendBeacon cannot set headers: the CSRF token travels in the form body."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    client.get(lesson.url)
    token = token_make(
        user=enrolled, lesson=lesson, now=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(
        reverse("lesson_time_beat", args=[lesson.pk]),
        {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "time_token": token,
            "seconds": "20",
        },
    )
    assert response.status_code == 200
    assert _seconds(enrolled, lesson) == 20


def test_a_token_made_for_someone_else_or_another_lesson_is_refused(
    enrolled_client, enrolled, lesson, course
):
    other_lesson = _lessons(course)[1]
    someone = UserFactory()
    url = reverse("lesson_time_beat", args=[lesson.pk])
    for token in (
        token_make(user=someone, lesson=lesson, now=timezone.now()),
        token_make(user=enrolled, lesson=other_lesson, now=timezone.now()),
        "not-a-token",
    ):
        response = enrolled_client.post(url, {"time_token": token, "seconds": "30"})
        assert response.status_code == 400
        assert "not valid" in json.loads(response.content)["error"]
    assert not LessonTime.objects.exists()


def test_bad_seconds_and_old_tokens_get_a_clear_400(enrolled_client, enrolled, lesson):
    for odd in ("-5", "1e9", "", "²", "1.5", "9" * 400):
        response = _beat(enrolled_client, lesson, user=enrolled, seconds=odd)
        assert response.status_code == 400, odd
        assert "whole number" in json.loads(response.content)["error"]
    old = timezone.now() - timedelta(days=2)
    response = _beat(enrolled_client, lesson, user=enrolled, seconds=30, opened=old)
    assert response.status_code == 400
    assert "reload" in json.loads(response.content)["error"]
    assert not LessonTime.objects.exists()


def test_anonymous_reports_are_refused(client, enrolled, lesson):
    response = _beat(client, lesson, user=enrolled, seconds=30)
    assert response.status_code == 403
    assert not LessonTime.objects.exists()


def test_the_report_runs_a_fixed_handful_of_queries(enrolled_client, enrolled, lesson):
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            _beat(enrolled_client, lesson, user=enrolled, seconds=5)
        counts.append(len(queries))
    assert counts[1] == counts[2] <= 6


def test_the_token_says_when_the_page_opened(learner, lesson):
    now = timezone.now()
    opened = token_opened_at(
        token_make(user=learner, lesson=lesson, now=now),
        user=learner,
        lesson_id=lesson.pk,
    )
    assert abs((opened - now).total_seconds()) < 0.01


# --- The minimum before "Mark as complete" ----------------------------------------


def test_no_minimum_by_default(course, lesson):
    assert course.lesson_minimum_percent is None
    assert required_seconds(course=course, lesson=lesson) == 0


def test_the_minimum_is_a_share_of_the_reading_time(minimum_course, lesson):
    assert required_seconds(course=minimum_course, lesson=lesson) == 300


def test_the_server_refuses_an_early_completion(
    enrolled_client, enrolled, minimum_course, lesson
):
    response = enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "at least 5 minutes" in html
    assert "about 5 more minutes" in html
    assert lesson.url in html
    assert not StepCompletion.objects.filter(user=enrolled, page=lesson).exists()


def test_a_forged_report_with_the_completion_does_not_get_past_the_minimum(
    enrolled_client, enrolled, minimum_course, lesson
):
    token = token_make(
        user=enrolled, lesson=lesson, now=timezone.now() - timedelta(seconds=20)
    )
    response = enrolled_client.post(
        reverse("lesson_complete", args=[lesson.pk]),
        {"time_token": token, "seconds": "3000"},
    )
    assert response.status_code == 403
    assert not StepCompletion.objects.filter(user=enrolled, page=lesson).exists()
    assert _seconds(enrolled, lesson) == 20  # the time that had passed, kept


def test_once_the_time_is_spent_the_lesson_can_be_marked_complete(
    enrolled_client, enrolled, minimum_course, lesson
):
    LessonTime.objects.create(
        user=enrolled,
        lesson=lesson,
        seconds=290,
        last_beat_at=timezone.now() - timedelta(seconds=30),
    )
    token = token_make(
        user=enrolled, lesson=lesson, now=timezone.now() - timedelta(seconds=15)
    )
    # The last seconds travel with the form and count before the check.
    response = enrolled_client.post(
        reverse("lesson_complete", args=[lesson.pk]),
        {"time_token": token, "seconds": "12"},
    )
    assert response.status_code == 302
    assert StepCompletion.objects.filter(user=enrolled, page=lesson).exists()


def test_without_the_script_the_time_since_the_page_opened_counts(
    enrolled_client, enrolled, minimum_course, lesson
):
    token = token_make(
        user=enrolled, lesson=lesson, now=timezone.now() - timedelta(minutes=7)
    )
    response = enrolled_client.post(
        reverse("lesson_complete", args=[lesson.pk]),
        {"time_token": token, "seconds": ""},
    )
    assert response.status_code == 302
    assert _seconds(enrolled, lesson) == 7 * 60


def test_the_page_says_how_long_and_holds_the_button(
    enrolled_client, enrolled, minimum_course, lesson
):
    LessonTime.objects.create(user=enrolled, lesson=lesson, seconds=100)
    html = enrolled_client.get(lesson.url).content.decode()
    assert "at least 5 minutes on this lesson" in html
    assert "about 4 more minutes" in html
    assert 'aria-disabled="true" aria-describedby="lesson-time-wait"' in html
    assert 'data-required="300"' in html and 'data-seconds="100"' in html
    assert "js/lesson-time.js" in html
    assert "<script>" not in html  # strict CSP: no inline script


def test_on_reload_after_the_minimum_the_button_is_offered(
    enrolled_client, enrolled, minimum_course, lesson
):
    LessonTime.objects.create(user=enrolled, lesson=lesson, seconds=300)
    html = enrolled_client.get(lesson.url).content.decode()
    assert "lesson-time-wait" not in html
    assert "aria-disabled" not in html
    assert "Mark as complete</button>" in html


def test_without_a_minimum_the_page_still_counts_time(enrolled_client, lesson):
    html = enrolled_client.get(lesson.url).content.decode()
    assert "aria-disabled" not in html
    assert 'data-required="0"' in html and "data-lesson-time=" in html


def test_editors_who_are_not_enrolled_do_not_count_time(trainer_client, lesson):
    html = trainer_client.get(lesson.url).content.decode()
    assert "data-lesson-time" not in html


def test_a_completed_lesson_stays_complete_when_a_minimum_is_added(
    enrolled_client, enrolled, course, lesson
):
    enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    course.lesson_minimum_percent = 50
    course.save_revision().publish()
    response = enrolled_client.post(reverse("lesson_complete", args=[lesson.pk]))
    assert response.status_code == 302
    assert (
        "You completed this lesson" in enrolled_client.get(lesson.url).content.decode()
    )


# --- The admin field --------------------------------------------------------------


def test_the_course_form_offers_the_minimum_with_help(trainer_client, course):
    html = trainer_client.get(
        reverse("wagtailadmin_pages:edit", args=[course.pk])
    ).content.decode()
    assert 'name="lesson_minimum_percent"' in html
    assert "Minimum time on each lesson (% of its reading time)" in html
    assert "Leave blank for no minimum." in html


def test_the_minimum_is_a_percentage(course):
    from django.core.exceptions import ValidationError

    course.lesson_minimum_percent = 150
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "lesson_minimum_percent" in error.value.message_dict


# --- Where the time is shown ------------------------------------------------------


@pytest.fixture
def read(enrolled, course):
    lessons = _lessons(course)
    LessonTime.objects.create(user=enrolled, lesson=lessons[0], seconds=1500)
    LessonTime.objects.create(user=enrolled, lesson=lessons[1], seconds=2400)
    return enrolled


def test_my_learning_shows_time_per_course(enrolled_client, read):
    html = enrolled_client.get(reverse("dashboard")).content.decode()
    assert "Learning time: 1 h 5 min" in html


def test_the_progress_report_has_a_learning_time_column(trainer_client, read, course):
    UserFactory(full_name="Ola Other")
    Enrolment.objects.create(user=UserFactory(full_name="Nia Fresh"), course=course)
    report = reverse("course_reports:progress")
    html = trainer_client.get(report).content.decode()
    assert "Learning time (minutes)" in html
    response = trainer_client.get(report, {"export": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    by_name = {row["Learner"]: row["Learning time (minutes)"] for row in rows}
    assert by_name[read.full_name] == "65"
    assert by_name["Nia Fresh"] == "0"
    ordered = trainer_client.get(report, {"ordering": "-learning_seconds"})
    html = ordered.content.decode()
    assert html.index(read.full_name) < html.index("Nia Fresh")


def test_the_learner_record_shows_time_per_course_and_lesson(
    trainer_client, read, course
):
    html = trainer_client.get(
        reverse("course_reports:learner", args=[read.pk])
    ).content.decode()
    first, second = _lessons(course)[:2]
    assert "Learning time by lesson" in html
    assert "1 h 5 min" in html  # the course
    assert first.title in html and "25 min" in html
    assert second.title in html and "40 min" in html


def test_the_data_export_includes_reading_time_and_deletion_removes_it(read, course):
    data = user_data_export(user=read)
    rows = {row["lesson"]: row["seconds"] for row in data["lesson_reading_time"]}
    assert rows == {_lessons(course)[0].title: 1500, _lessons(course)[1].title: 2400}
    user_delete(user=read)
    assert not LessonTime.objects.exists()


def test_duration_text():
    assert duration_text(0) == ""
    assert duration_text(30) == "less than a minute"
    assert duration_text(60 * 12 + 5) == "12 min"
    assert duration_text(3600) == "1 h"
    assert duration_text(3900) == "1 h 5 min"
