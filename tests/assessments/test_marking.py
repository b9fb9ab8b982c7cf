"""Written answers marked by trainers: the question type, the attempt's states
(submitted -> awaiting marking -> marked -> re-marked), completion and certificates
following the mark, the email, bad input and permissions."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import marking, services
from assessments.models import (
    Attempt,
    AttemptMarking,
    AttemptQuestion,
    MarkChange,
    MarkingState,
    WrittenAnswerQuestion,
)
from assessments.selectors import model_answers
from assessments.tasks import attempt_marked_notify
from certificates.models import Certificate, CertificateStatus
from certificates.signing import keys_cache_clear
from courses.models import CourseCompletion, Enrolment, ModulePage
from tests.factories import (
    SingleChoiceQuestionFactory,
    UserFactory,
    WrittenAnswerQuestionFactory,
    make_course,
    make_home,
    make_quiz,
)


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "signing-keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    keys_cache_clear()
    yield
    keys_cache_clear()


@pytest.fixture
def setup(db):
    """A one-module course whose only step is a quiz of one choice question
    (1 mark) and one written answer (4 marks: two criteria of 2); pass at 60%."""
    home = make_home()
    course = make_course(home=home, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).get()
    written = WrittenAnswerQuestionFactory(word_limit=20)
    quiz = make_quiz(
        module=module,
        questions=[SingleChoiceQuestionFactory(), written],
        pass_mark=60,
        max_attempts=3,
        marking_days=7,
    )
    learner = UserFactory(full_name="Lee Learner")
    Enrolment.objects.create(user=learner, course=course)
    return {"course": course, "quiz": quiz, "learner": learner, "written": written}


def submit(setup, text="I would ask about his partner's safety first."):
    attempt = services.attempt_start(user=setup["learner"], quiz=setup["quiz"]).attempt
    answers = model_answers(attempt)
    written = attempt.items.get(question_type="written")
    answers[written.position] = text
    services.attempt_submit(user=setup["learner"], attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    return attempt


def marks_for(attempt, *values, feedback="Well reasoned."):
    """``{(position, criterion id): CriterionInput}`` for the written answer."""
    item = attempt.items.get(question_type="written")
    criteria = item.answer_key["criteria"]
    return {
        (item.position, c["id"]): marking.CriterionInput(
            marks=str(v), feedback=feedback
        )
        for c, v in zip(criteria, values, strict=True)
    }


def release(attempt, trainer, *values, **kwargs):
    version = AttemptMarking.objects.get(attempt=attempt).version
    return marking.marking_save(
        attempt=attempt,
        trainer=trainer,
        version=version,
        marks=marks_for(attempt, *values),
        release=True,
        **kwargs,
    )


# --- the question type -------------------------------------------------------------


def test_written_answers_wait_for_a_trainer_and_empty_ones_score_nothing(setup):
    presented, key = setup["written"].snapshot()
    cls = WrittenAnswerQuestion
    assert cls.score(presented, key, "An answer", 4) is None
    assert cls.score(presented, key, "", 4) == Decimal("0.00")
    assert cls.score(presented, key, None, 4) == Decimal("0.00")
    # The rubric is frozen with the attempt; guidance never reaches the learner.
    assert [c["max_marks"] for c in key["criteria"]] == [2, 2]
    assert "guidance" not in presented and "Look for safety" in key["guidance"]


def test_word_limit_is_counted_on_the_server(setup):
    presented, _ = setup["written"].snapshot()
    ok = " ".join(["word"] * 20)
    assert WrittenAnswerQuestion.clean_response(presented, ok) == ok
    with pytest.raises(ValidationError, match="21 words; the limit is 20"):
        WrittenAnswerQuestion.clean_response(presented, ok + " more")
    with pytest.raises(ValidationError):
        WrittenAnswerQuestion.clean_response(presented, ["not", "text"])
    with pytest.raises(ValidationError):
        WrittenAnswerQuestion.clean_response(presented, "bad\x00byte")


def test_rich_answers_keep_only_emphasis_and_lists(setup):
    setup["written"].answer_format = "rich"
    setup["written"].save()
    presented, _ = setup["written"].snapshot()
    cleaned = WrittenAnswerQuestion.clean_response(
        presented,
        '<p onclick="x()">Ask <strong>first</strong></p><script>alert(1)</script>'
        '<a href="javascript:x">link</a><ul><li>refer</li></ul>',
    )
    assert cleaned == (
        "<p>Ask <strong>first</strong></p>alert(1)link<ul><li>refer</li></ul>"
    )


def test_over_the_limit_autosave_is_refused_and_the_saved_answer_kept(setup, client):
    attempt = services.attempt_start(user=setup["learner"], quiz=setup["quiz"]).attempt
    item = attempt.items.get(question_type="written")
    client.force_login(setup["learner"])
    url = reverse("assessments:answer_save", args=[attempt.pk])
    ok = client.post(url, {"question": item.position, f"q{item.position}": "Short."})
    assert ok.status_code == 200 and ok.json()["saved"]
    long = " ".join(["word"] * 25)
    refused = client.post(url, {"question": item.position, f"q{item.position}": long})
    assert refused.status_code == 400
    assert "25 words; the limit is 20" in refused.json()["error"]
    item.refresh_from_db()
    assert item.response == "Short."


def test_markup_in_a_plain_answer_is_shown_as_typed(setup, client):
    attempt = submit(setup, text="<script>alert('x')</script> ask first")
    client.force_login(setup["learner"])
    page = client.get(reverse("assessments:result", args=[attempt.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ask first" in html
    assert "<script>alert" not in html


def test_rubric_total_must_equal_the_points(setup, trainer_client):
    viewset = WrittenAnswerQuestion.snippet_viewset
    url = reverse(viewset.get_url_name("add"))
    data = {
        "stem": '{"blocks":[{"key":"a","type":"unstyled","text":"What next?",'
        '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "answer_format": "plain",
        "word_limit": "200",
        "points": "5",
        "category": str(setup["written"].category_id),
        "capability": "skills",
        "key": "new-written",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-description": "Safety first",
        "criteria-0-max_marks": "2",
        "criteria-0-ORDER": "1",
        "criteria-1-description": "Records and refers",
        "criteria-1-max_marks": "2",
        "criteria-1-ORDER": "2",
    }
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert "add up to 4, but the question is worth 5 points" in (
        response.content.decode()
    )
    assert not WrittenAnswerQuestion.objects.filter(key="new-written").exists()
    data["points"] = "4"
    response = trainer_client.post(url, data)
    assert response.status_code == 302
    question = WrittenAnswerQuestion.objects.get(key="new-written")
    assert [c.max_marks for c in question.criteria.all()] == [2, 2]


# --- the states and what follows them ------------------------------------------------


def test_submitting_a_written_answer_awaits_marking(setup, client):
    attempt = submit(setup)
    assert attempt.marking_state == MarkingState.AWAITING
    assert attempt.score == Decimal("1.00")  # the choice question, marked at once
    assert attempt.percent is None and not attempt.passed
    assert (attempt.marking_due - attempt.submitted_at).days == 7
    assert not CourseCompletion.objects.filter(user=setup["learner"]).exists()
    client.force_login(setup["learner"])
    page = client.get(reverse("assessments:result", args=[attempt.pk])).content
    assert b"Awaiting marking" in page
    assert attempt.marking_due.strftime("%-d %B %Y").encode() in page
    assert b"Not passed" not in page
    # No new attempt while one waits for its mark.
    with pytest.raises(ValidationError, match="awaiting marking"):
        services.attempt_start(user=setup["learner"], quiz=setup["quiz"])


def test_release_passes_completes_the_course_and_issues_the_certificate(
    setup, trainer, django_capture_on_commit_callbacks
):
    attempt = submit(setup)
    with django_capture_on_commit_callbacks(execute=True):
        result = release(attempt, trainer, 2, "1.5")
    attempt.refresh_from_db()
    assert result.released and result.course_completed_now
    assert attempt.marking_state == MarkingState.MARKED
    assert attempt.score == Decimal("4.50") and attempt.percent == Decimal("90.00")
    assert attempt.passed
    assert Certificate.objects.filter(
        user=setup["learner"], status=CertificateStatus.VALID
    ).exists()
    marked = [m for m in mail.outbox if "marked" in m.subject]
    assert len(marked) == 1 and setup["learner"].email in marked[0].to
    assert "90%" in marked[0].body


def test_a_low_mark_fails_and_the_learner_may_try_again(setup, trainer):
    attempt = submit(setup)
    release(attempt, trainer, 0, 1)
    attempt.refresh_from_db()
    assert not attempt.passed and attempt.percent == Decimal("40.00")
    assert not CourseCompletion.objects.filter(user=setup["learner"]).exists()
    again = services.attempt_start(user=setup["learner"], quiz=setup["quiz"])
    assert again.created


def test_the_learner_sees_marks_feedback_and_model_answer(setup, trainer, client):
    attempt = submit(setup)
    release(attempt, trainer, 2, 1)
    client.force_login(setup["learner"])
    html = client.get(reverse("assessments:result", args=[attempt.pk])).content
    html = html.decode()
    assert "Marks and feedback from your trainer" in html
    assert "Puts safety first" in html and "Well reasoned." in html
    assert "1 of 2" in html
    assert "Model answer" in html and "Ask about safety, then record" in html
    assert "Look for safety first" not in html  # guidance is for trainers only


def test_the_model_answer_is_hidden_when_the_quiz_shows_no_answers(
    setup, trainer, client
):
    setup["quiz"].show_answers = "never"
    setup["quiz"].save()
    attempt = submit(setup)
    release(attempt, trainer, 2, 1)
    client.force_login(setup["learner"])
    html = client.get(reverse("assessments:result", args=[attempt.pk])).content
    assert b"Well reasoned." in html
    assert b"Ask about safety, then record" not in html


def test_remarking_is_recorded_and_needs_a_reason(setup, trainer):
    attempt = submit(setup)
    release(attempt, trainer, 2, 2)
    with pytest.raises(marking.MarkingError, match="reason"):
        release(attempt, trainer, 2, 1)
    result = release(attempt, trainer, 2, 1, reason="Second marker moderated.")
    attempt.refresh_from_db()
    assert result.remarked and attempt.marking_state == MarkingState.REMARKED
    assert attempt.score == Decimal("4.00") and attempt.passed
    change = MarkChange.objects.get(marking__attempt=attempt)
    assert change.changed_by == trainer and change.reason == "Second marker moderated."
    assert (change.old_score, change.new_score) == (Decimal("5.00"), Decimal("4.00"))
    assert sorted(m["marks"] for m in change.old_marks.values()) == ["2.00", "2.00"]
    assert sorted(m["marks"] for m in change.new_marks.values()) == ["1.00", "2.00"]


def test_a_remark_that_fails_a_certified_learner_needs_confirmation(setup, trainer):
    attempt = submit(setup)
    release(attempt, trainer, 2, 2)
    certificate = Certificate.objects.get(user=setup["learner"])
    with pytest.raises(marking.RevocationNeedsConfirmation):
        release(attempt, trainer, 0, 0, reason="Plagiarised answer.")
    attempt.refresh_from_db()
    assert attempt.passed  # nothing changed
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    result = release(
        attempt, trainer, 0, 0, reason="Plagiarised answer.", confirm_withdrawal=True
    )
    assert result.completion_withdrawn
    attempt.refresh_from_db()
    assert not attempt.passed
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == trainer
    assert not CourseCompletion.objects.filter(user=setup["learner"]).exists()


def test_a_remark_from_fail_to_pass_completes_the_course(setup, trainer):
    attempt = submit(setup)
    release(attempt, trainer, 0, 0)
    assert not Certificate.objects.filter(user=setup["learner"]).exists()
    result = release(attempt, trainer, 2, 2, reason="Misread the answer.")
    assert result.course_completed_now
    assert Certificate.objects.filter(user=setup["learner"]).count() == 1


# --- bad input ---


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((3, 1), "between 0 and 2"),
        ((-1, 1), "between 0 and 2"),
        (("lots", 1), "must be a number"),
        (("NaN", 1), "between 0 and 2"),
        (("1.3", 1), "whole or half"),
        (("", 1), "Give a mark"),
    ],
)
def test_bad_marks_are_refused_and_nothing_changes(setup, trainer, values, message):
    attempt = submit(setup)
    with pytest.raises(marking.MarkingError, match=message):
        release(attempt, trainer, *values)
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.AWAITING
    assert AttemptMarking.objects.get(attempt=attempt).version == 0


def test_a_draft_may_be_partial_and_the_learner_sees_nothing(setup, trainer, client):
    attempt = submit(setup)
    marking.marking_save(
        attempt=attempt,
        trainer=trainer,
        version=0,
        marks=marks_for(attempt, 2, ""),
        release=False,
    )
    row = AttemptMarking.objects.get(attempt=attempt)
    assert row.version == 1 and row.draft_by == trainer
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.AWAITING
    client.force_login(setup["learner"])
    html = client.get(reverse("assessments:result", args=[attempt.pk])).content
    assert b"Well reasoned." not in html and b"Awaiting marking" in html


def test_saving_over_another_trainers_release_is_refused(setup, trainer):
    attempt = submit(setup)
    other = UserFactory(full_name="Olu Other")
    other.groups.add(Group.objects.get(name="Trainers"))
    # Both opened version 0; the other released first.
    release(attempt, other, 2, 2)
    with pytest.raises(marking.StaleMarking, match="changed by Olu Other"):
        marking.marking_save(
            attempt=attempt,
            trainer=trainer,
            version=0,
            marks=marks_for(attempt, 0, 0),
            release=True,
        )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("5.00")


def test_releasing_twice_is_refused(setup, trainer):
    attempt = submit(setup)
    marks = marks_for(attempt, 2, 2)
    marking.marking_save(
        attempt=attempt, trainer=trainer, version=0, marks=marks, release=True
    )
    with pytest.raises(marking.StaleMarking):
        marking.marking_save(
            attempt=attempt, trainer=trainer, version=0, marks=marks, release=True
        )
    assert len([m for m in mail.outbox if "marked" in m.subject]) <= 1


def test_a_deleted_questions_answer_is_marked_from_its_snapshot(setup, trainer):
    attempt = submit(setup)
    setup["written"].delete()
    item = AttemptQuestion.objects.get(attempt=attempt, question_type="written")
    assert item.question_id is None
    release(attempt, trainer, 1, 1)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.00") and attempt.passed


def test_an_attempt_with_only_empty_written_answers_is_marked_at_once(setup):
    attempt = submit(setup, text="   ")
    assert attempt.marking_state == MarkingState.NONE
    assert attempt.percent == Decimal("20.00") and not attempt.passed


# --- the email ---


def test_the_email_is_sent_after_commit_and_only_once(
    setup, trainer, django_capture_on_commit_callbacks
):
    attempt = submit(setup)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        release(attempt, trainer, 2, 2)
    assert not [m for m in mail.outbox if "marked" in m.subject]
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert len([m for m in mail.outbox if "marked" in m.subject]) == 1
    # Run again (a retry): nothing more is sent.
    assert attempt_marked_notify.call(attempt_id=attempt.pk) is False
    assert len([m for m in mail.outbox if "marked" in m.subject]) == 1


# --- permissions ---


def test_only_trainers_who_can_edit_the_quiz_may_mark(setup, trainer):
    attempt = submit(setup)
    with pytest.raises(PermissionDenied):
        release(attempt, setup["learner"], 2, 2)
    outsider = UserFactory(is_staff=False)
    with pytest.raises(PermissionDenied):
        marking.marking_open(attempt=attempt, trainer=outsider)
    attempt.refresh_from_db()
    assert attempt.marking_state == MarkingState.AWAITING


def test_the_second_trainer_is_told_who_is_marking(setup, trainer):
    attempt = submit(setup)
    other = UserFactory(full_name="Olu Other")
    other.groups.add(Group.objects.get(name="Trainers"))
    _, first_warning = marking.marking_open(attempt=attempt, trainer=trainer)
    _, warning = marking.marking_open(attempt=attempt, trainer=other)
    assert first_warning is None and warning == trainer


def test_attempts_without_written_answers_are_not_markable(setup, trainer):
    setup["quiz"].quiz_questions.filter(
        question__polymorphic_ctype__model="writtenanswerquestion"
    ).delete()
    attempt = services.attempt_start(user=setup["learner"], quiz=setup["quiz"]).attempt
    services.attempt_submit(
        user=setup["learner"], attempt=attempt, answers=model_answers(attempt)
    )
    with pytest.raises(marking.MarkingError):
        marking.marking_open(
            attempt=Attempt.objects.get(pk=attempt.pk), trainer=trainer
        )
