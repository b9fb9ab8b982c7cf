"""Quiz statistics for trainers: the figures against a hand-worked example, who may
see them, and a query count that does not grow with the number of attempts."""

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptQuestion, AttemptStatus, Question
from assessments.statistics import (
    QuestionStats,
    median_percents,
    quiz_statistics,
    submitted_attempts,
)
from courses.models import Enrolment
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    make_quiz,
)
from training.models import User

pytestmark = pytest.mark.django_db
INDEX = reverse("quiz_statistics:index")


def _url(quiz):
    return reverse("quiz_statistics:quiz", args=[quiz.pk])


# --- the hand-worked example ----------------------------------------------------------
#
# A quiz of four questions (5 marks), pass mark 60%, taken once by five learners:
#
#   Q1 single choice, 1 mark, options A (right), B, C
#   Q2 true or false, 1 mark, the statement is true
#   Q3 ordering First-Second-Third-Fourth, 2 marks: 0.5 a step in its right place
#   Q4 single choice, 1 mark, options A (right), B, C
#
#           Q1      Q2      Q3 (steps placed rightly)   Q4      total   percent
#   Ann     A  1    T  1    First, Second  1            B  0    3       60  pass
#   Ben     A  1    T  1    First          0.5          B  0    2.5     50
#   Cat     A  1    T  1    none           0            A  1    3       60  pass
#   Dev     A  1    F  0    none           0            C  0    1       20
#   Eve     A  1    F  0    (no answer)    0            -  0    1       20
#
# Attempts 5; passed 2, so the pass rate is 40%; mean (60+50+60+20+20)/5 = 42%;
# median of 20, 20, 50, 60, 60 is 50%.
#
# Facility = marks obtained / marks available:
#   Q1 5/5 = 1.0 (above 0.95: flagged very easy)
#   Q2 3/5 = 0.6
#   Q3 1.5/10 = 0.15 (below 0.2: flagged very hard)
#   Q4 1/5 = 0.2 (not below 0.2: not flagged for facility)
#
# Discrimination = Pearson r of x (score on the question) and y (total minus x):
#   r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), n = 5
#   Q1: x = 1,1,1,1,1 does not vary: not measurable.
#   Q2: x = 1,1,1,0,0; y = 2,1.5,2,1,1. Σx=3 Σy=7.5 Σxy=5.5 Σx²=3 Σy²=12.25
#       nΣxy−ΣxΣy = 27.5−22.5 = 5; nΣx²−(Σx)² = 15−9 = 6;
#       nΣy²−(Σy)² = 61.25−56.25 = 5; r = 5/√30 = 0.9129
#   Q3: x = 1,0.5,0,0,0; y = 2,2,3,1,1. Σx=1.5 Σy=9 Σxy=3 Σx²=1.25 Σy²=19
#       5·3−1.5·9 = 15−13.5 = 1.5; 5·1.25−1.5² = 4; 5·19−9² = 14;
#       r = 1.5/√56 = 0.2004
#   Q4: x = 0,0,1,0,0; y = 3,2.5,2,1,1. Σx=1 Σy=9.5 Σxy=2 Σx²=1 Σy²=21.25
#       5·2−1·9.5 = 0.5; 5·1−1² = 4; 5·21.25−9.5² = 16; r = 0.5/√64 = 0.0625
#       (below 0.1: flagged weak discrimination)
#
# Answers chosen: Q1 A 5; Q2 True 3, False 2; Q4 A 1, B 2, C 1, no answer 1.
# Q3 steps in their right place: First 2 of 5, Second 1, Third 0, Fourth 0.

ANSWERS = {
    # learner: (Q1, Q2, Q3 positions by step or None, Q4)
    "Ann": ("A", True, {"First": 1, "Second": 2, "Third": 4, "Fourth": 3}, "B"),
    "Ben": ("A", True, {"First": 1, "Second": 3, "Third": 4, "Fourth": 2}, "B"),
    "Cat": ("A", True, {"First": 4, "Second": 3, "Third": 2, "Fourth": 1}, "A"),
    "Dev": ("A", False, {"First": 4, "Second": 3, "Third": 2, "Fourth": 1}, "C"),
    "Eve": ("A", False, None, None),
}


def _response(item, answer):
    """The response a learner gives, from option texts and step names."""
    if answer is None:
        return None
    presented = item.presented
    if item.question_type == "true_false":
        return "true" if answer else "false"
    if item.question_type == "single_choice":
        return next(o["id"] for o in presented["options"] if o["text"] == answer)
    if item.question_type == "multiple_response":
        ids = {o["text"]: o["id"] for o in presented["options"]}
        return [ids[text] for text in answer]
    if item.question_type == "ordering":
        ids = {step["text"]: step["id"] for step in presented["items"]}
        return {ids[text]: position for text, position in answer.items()}
    if item.question_type == "matching":
        lefts = {left["text"]: left["id"] for left in presented["lefts"]}
        rights = {right["text"]: right["id"] for right in presented["rights"]}
        return {lefts[left]: rights[right] for left, right in answer.items()}
    raise AssertionError(item.question_type)


def _take(user, quiz, answers, course, when=None):
    Enrolment.objects.get_or_create(user=user, course=course)
    attempt = services.attempt_start(user=user, quiz=quiz, now=when).attempt
    items = list(attempt.items.order_by("position"))
    responses = {
        item.position: _response(item, answer)
        for item, answer in zip(items, answers, strict=True)
        if answer is not None
    }
    return services.attempt_submit(
        user=user, attempt=attempt, answers=responses, now=when
    ).attempt


@pytest.fixture
def example(module, course):
    q1 = SingleChoiceQuestionFactory(key="q1-easy")
    q2 = TrueFalseQuestionFactory(key="q2-good")
    q3 = OrderingQuestionFactory(key="q3-hard", points=2)
    q4 = SingleChoiceQuestionFactory(key="q4-weak")
    quiz = make_quiz(
        module=module,
        questions=[q1, q2, q3, q4],
        pass_mark=60,
        max_attempts=None,
        title="Spotting the signs",
    )
    learners = {}
    for name, answers in ANSWERS.items():
        learners[name] = UserFactory(full_name=name)
        _take(learners[name], quiz, answers, course)
    # An attempt still in progress counts for nothing.
    late = UserFactory(full_name="Fay")
    Enrolment.objects.create(user=late, course=course)
    services.attempt_start(user=late, quiz=quiz)
    return {"quiz": quiz, "questions": [q1, q2, q3, q4], "learners": learners}


def test_hand_worked_summary(example):
    summary = quiz_statistics(quiz=example["quiz"]).summary
    assert summary.attempts == 5
    assert summary.passed == 2
    assert summary.pass_rate == pytest.approx(0.4)
    assert summary.learners == 5
    assert summary.mean_percent == pytest.approx(42)
    assert summary.median_percent == pytest.approx(50)
    bands = {band.label: band.count for band in summary.bands}
    assert bands == {
        "0–9%": 0,
        "10–19%": 0,
        "20–29%": 2,
        "30–39%": 0,
        "40–49%": 0,
        "50–59%": 1,
        "60–69%": 2,
        "70–79%": 0,
        "80–89%": 0,
        "90–100%": 0,
    }


def test_hand_worked_questions(example):
    q1, q2, q3, q4 = quiz_statistics(quiz=example["quiz"]).questions
    assert [q.key for q in (q1, q2, q3, q4)] == [
        "q1-easy",
        "q2-good",
        "q3-hard",
        "q4-weak",
    ]
    assert [q.attempts for q in (q1, q2, q3, q4)] == [5, 5, 5, 5]
    assert [q.facility for q in (q1, q2, q3, q4)] == pytest.approx(
        [1.0, 0.6, 0.15, 0.2]
    )
    assert q1.discrimination is None
    assert q2.discrimination == pytest.approx(5 / math.sqrt(30))  # 0.9129
    assert q3.discrimination == pytest.approx(1.5 / math.sqrt(56))  # 0.2004
    assert q4.discrimination == pytest.approx(0.0625)
    assert q3.mean_score == pytest.approx(0.3) and q3.max_points == 2

    assert [(o.text, o.count, o.correct) for o in q1.options] == [
        ("A", 5, True),
        ("B", 0, False),
        ("C", 0, False),
    ]
    assert [(o.text, o.count, o.correct) for o in q2.options] == [
        ("True", 3, True),
        ("False", 2, False),
    ]
    assert [(o.text, o.count) for o in q4.options] == [("A", 1), ("B", 2), ("C", 1)]
    assert q4.no_answer == 1 and q2.no_answer == 0
    assert [(p.text, p.answer, p.right) for p in q3.placements] == [
        ("First", "1", 2),
        ("Second", "2", 1),
        ("Third", "3", 0),
        ("Fourth", "4", 0),
    ]


def test_hand_worked_flags(example):
    q1, q2, q3, q4 = quiz_statistics(quiz=example["quiz"]).questions
    assert [flag.title for flag in q1.flags] == ["Very easy"]
    assert q2.flags == []
    assert [flag.title for flag in q3.flags] == ["Very hard"]
    assert [flag.title for flag in q4.flags] == ["Weak discrimination"]
    assert str(q4.flags[0]).startswith("Weak discrimination: 0.06, below 0.10")


@pytest.mark.parametrize(
    ("facility", "discrimination", "titles"),
    [
        (0.2, 0.1, []),
        (0.95, 0.5, []),
        (0.19, 0.5, ["Very hard"]),
        (0.96, None, ["Very easy"]),
        (0.5, 0.09, ["Weak discrimination"]),
        (0.5, -0.2, ["Negative discrimination"]),
        (0.1, -0.01, ["Very hard", "Negative discrimination"]),
    ],
)
def test_flag_thresholds(facility, discrimination, titles):
    stats = QuestionStats(
        question_id=1,
        key="q",
        type_name="true_false",
        stem="?",
        attempts=40,
        mean_score=facility,
        max_points=1,
        facility=facility,
        discrimination=discrimination,
    )
    assert [flag.title for flag in stats.flags] == titles


def test_page_shows_the_figures_and_flags_in_words(trainer_client, example):
    html = trainer_client.get(_url(example["quiz"])).content.decode()
    assert "Spotting the signs" in html
    assert "5 by 5 learners" in html
    assert "40% of attempts (2 of 5)" in html
    assert "42%" in html and "50%" in html
    assert "0.91" in html and "0.06" in html and "0.15" in html
    assert "Not measurable" in html
    assert "3 questions to look at" in html
    assert html.count("⚑ Look at this") == 3
    assert "<strong>Very hard</strong>: learners got 15% of the marks" in html
    assert "<strong>Weak discrimination</strong>: 0.06, below 0.10" in html
    assert "Very easy" in html
    # The summary at the top links to each flagged row.
    assert 'href="#question-3">Question 3</a> (q3-hard, 5 attempts): very hard' in html
    assert "Score distribution of 5 attempts: 20–29%: 2; 50–59%: 1; 60–69%: 2." in html
    assert "<svg" in html


def test_index_lists_quizzes_with_their_figures(trainer_client, example, course):
    response = trainer_client.get(INDEX)
    html = response.content.decode()
    assert "Spotting the signs" in html
    assert course.title in html
    assert _url(example["quiz"]) in html
    [quiz] = [q for q in response.context["object_list"] if q.attempt_count]
    assert quiz.attempt_count == 5 and quiz.passed_count == 2
    assert float(quiz.mean_percent) == pytest.approx(42)
    for text in ("40%", "42%", "50%"):
        assert f">{text}<" in html.replace(" ", "").replace("\n", "")


# --- what counts ----------------------------------------------------------------------


def test_first_attempts_only(trainer_client, example, course):
    # Dev tries again and gets everything right: 100%.
    dev = example["learners"]["Dev"]
    _take(dev, example["quiz"], _full_marks(), course)
    everything = quiz_statistics(quiz=example["quiz"]).summary
    first = quiz_statistics(quiz=example["quiz"], first_only=True).summary
    assert everything.attempts == 6 and everything.learners == 5
    assert everything.median_percent == pytest.approx(55)  # 20 20 50 60 60 100
    assert first.attempts == 5 and first.median_percent == pytest.approx(50)
    html = trainer_client.get(_url(example["quiz"]), {"attempts": "first"})
    assert "5 by 5 learners" in html.content.decode()


def _full_marks():
    steps = {"First": 1, "Second": 2, "Third": 3, "Fourth": 4}
    return ("A", True, steps, "A")


def test_deleted_question_keeps_its_row_under_its_frozen_key(example):
    q4 = example["questions"][3]
    Question.objects.filter(pk=q4.pk).delete()
    questions = quiz_statistics(quiz=example["quiz"]).questions
    deleted = [q for q in questions if q.deleted]
    assert [q.key for q in deleted] == ["q4-weak"]
    assert deleted[0].attempts == 5
    assert deleted[0].discrimination == pytest.approx(0.0625)
    assert [(o.text, o.count) for o in deleted[0].options] == [
        ("A", 1),
        ("B", 2),
        ("C", 1),
    ]


def test_multiple_response_and_matching_counts(module, course):
    # Ticks: Ann A+B (right), Ben A+C, Cat nothing. Matches: Ann all three right;
    # Ben only "Keeping her bank card"; Cat no answer.
    multi = MultipleResponseQuestionFactory(key="multi")
    match = MatchingQuestionFactory(key="match")
    quiz = make_quiz(module=module, questions=[multi, match], max_attempts=None)
    right = {
        "Checking her phone": "Coercive control",
        "Keeping her bank card": "Financial abuse",
        "Stopping her seeing family": "Coercive control",
    }
    ben = {**right, "Checking her phone": "Stalking"}
    ben["Stopping her seeing family"] = "Financial abuse"
    for name, ticks, matches in [
        ("Ann", ["A", "B"], right),
        ("Ben", ["A", "C"], ben),
        ("Cat", None, None),
    ]:
        _take(UserFactory(full_name=name), quiz, (ticks, matches), course)
    multi_stats, match_stats = quiz_statistics(quiz=quiz).questions
    assert [(o.text, o.count, o.correct) for o in multi_stats.options] == [
        ("A", 2, True),
        ("B", 1, True),
        ("C", 1, False),
        ("D", 0, False),
    ]
    assert multi_stats.no_answer == 1
    assert [(p.text, p.answer, p.right) for p in match_stats.placements] == [
        ("Checking her phone", "Coercive control", 1),
        ("Keeping her bank card", "Financial abuse", 2),
        ("Stopping her seeing family", "Coercive control", 1),
    ]
    # Marks: Ann 1, Ben 1/3 (0.33 as marked, rounded down), Cat 0.
    assert match_stats.facility == pytest.approx(1.33 / 3)


def test_no_attempts_yet(trainer_client, module, questions):
    quiz = make_quiz(module=module, questions=questions)
    stats = quiz_statistics(quiz=quiz)
    assert stats.summary.attempts == 0 and stats.questions == []
    assert stats.summary.median_percent is None
    html = trainer_client.get(_url(quiz)).content.decode()
    assert "No submitted attempts yet." in html


def test_median_of_an_even_number_of_attempts_per_quiz(example, module, questions):
    other = make_quiz(module=module, questions=questions, max_attempts=None)
    medians = median_percents(submitted_attempts())
    assert medians == {example["quiz"].pk: pytest.approx(50)}
    assert other.pk not in medians


# --- who may see them -----------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["index", "quiz"])
def test_anonymous_and_learners_cannot_see_statistics(client, example, url_name):
    url = INDEX if url_name == "index" else _url(example["quiz"])
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(example["learners"]["Ann"])
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert b"Spotting the signs" not in response.content


def test_editor_without_view_attempt_permission_is_refused(client, example):
    from django.contrib.auth.models import Permission

    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    home = reverse("wagtailadmin_home")
    for url in (INDEX, _url(example["quiz"])):
        # Wagtail answers a refusal in the admin with a redirect home and a message.
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == home
    html = client.get(home).content.decode()
    assert "do not have permission" in html
    assert "Quiz statistics" not in html


def test_reports_menu_has_quiz_statistics_for_trainers(trainer_client):
    html = trainer_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Quiz statistics" in html


def test_unknown_quiz_is_404(trainer_client):
    assert (
        trainer_client.get(reverse("quiz_statistics:quiz", args=[987654])).status_code
        == 404
    )


# --- scale ----------------------------------------------------------------------------


def _add_attempts(quiz, template: Attempt, count: int, offset: int) -> None:
    """``count`` submitted attempts by new learners, copied from ``template`` with
    varied scores (bulk inserts, so 1,000 take a moment)."""
    users = User.objects.bulk_create(
        User(email=f"bulk-{offset + i}@example.org", full_name=f"Learner {i}")
        for i in range(count)
    )
    items = list(template.items.order_by("position"))
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            user=user,
            quiz=quiz,
            number=1,
            status=AttemptStatus.SUBMITTED,
            started_at=now - timedelta(minutes=20),
            submitted_at=now,
            pass_mark=template.pass_mark,
            max_score=template.max_score,
            score=template.max_score * (i % 5) / 4,
            percent=100 * (i % 5) / 4,
            passed=i % 5 == 4,
        )
        for i, user in enumerate(users)
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            position=item.position,
            question_id=item.question_id,
            question_key=item.question_key,
            question_type=item.question_type,
            points=item.points,
            presented=item.presented,
            answer_key=item.answer_key,
            response=item.response if i % 2 else None,
            score=item.points * (i % 5) / 4,
        )
        for i, attempt in enumerate(attempts)
        for item in items
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_attempts(trainer_client, example):
    quiz = example["quiz"]
    template = Attempt.objects.filter(quiz=quiz, status="submitted").first()
    _add_attempts(quiz, template, 5, 0)  # 10 submitted attempts in all
    assert submitted_attempts(quiz_ids=[quiz.pk]).count() == 10
    trainer_client.get(_url(quiz))
    trainer_client.get(INDEX)
    page_with_ten = _queries(trainer_client, _url(quiz))
    index_with_ten = _queries(trainer_client, INDEX)
    _add_attempts(quiz, template, 990, 5)
    assert submitted_attempts(quiz_ids=[quiz.pk]).count() == 1000
    assert _queries(trainer_client, _url(quiz)) == page_with_ten
    assert _queries(trainer_client, INDEX) == index_with_ten
