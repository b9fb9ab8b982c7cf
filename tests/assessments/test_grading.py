"""Every question type marks its own responses, on frozen snapshot data.

The property tests check, for any question and any response of the right shape,
that the score is between 0 and the question's points, and that full marks go only
to the exact correct answer.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.models import (
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    entry_id,
)
from tests.factories import (
    QUESTION_FACTORIES,
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    WrittenAnswerQuestionFactory,
)

points_st = st.integers(min_value=1, max_value=20)


def _options(n):
    return [{"id": f"o{i}", "text": f"Option {i}"} for i in range(n)]


# --- single choice ---------------------------------------------------------------


@st.composite
def single_choice(draw):
    n = draw(st.integers(2, 8))
    options = _options(n)
    correct = draw(st.sampled_from(options))["id"]
    response = draw(st.one_of(st.none(), st.sampled_from([o["id"] for o in options])))
    return {"options": options}, {"correct": [correct]}, response, draw(points_st)


@given(single_choice())
def test_single_choice_property(case):
    presented, key, response, points = case
    clean = SingleChoiceQuestion.clean_response(presented, response)
    score = SingleChoiceQuestion.score(presented, key, clean, points)
    assert Decimal(0) <= score <= points
    assert (score == points) == (response == key["correct"][0])
    assert score in {Decimal(0), Decimal(points)}


# --- multiple response -----------------------------------------------------------


@st.composite
def multiple_response(draw):
    n = draw(st.integers(2, 10))
    options = _options(n)
    ids = [o["id"] for o in options]
    correct = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    ticked = draw(st.lists(st.sampled_from(ids), unique=True))
    return {"options": options}, {"correct": correct}, ticked, draw(points_st)


@given(multiple_response())
def test_multiple_response_property(case):
    presented, key, ticked, points = case
    clean = MultipleResponseQuestion.clean_response(presented, ticked)
    score = MultipleResponseQuestion.score(presented, key, clean, points)
    assert Decimal(0) <= score <= points
    assert (score == points) == (set(ticked) == set(key["correct"]))


@given(multiple_response())
def test_ticking_everything_never_scores_full_when_any_option_is_wrong(case):
    presented, key, _, points = case
    everything = [o["id"] for o in presented["options"]]
    score = MultipleResponseQuestion.score(presented, key, everything, points)
    if len(key["correct"]) < len(everything):
        assert score < points


def test_multiple_response_partial_credit_rule():
    presented = {"options": _options(5)}
    key = {"correct": ["o0", "o1", "o2"]}
    score = MultipleResponseQuestion.score
    assert score(presented, key, ["o0", "o1", "o2"], 3) == 3
    assert score(presented, key, ["o0", "o1"], 3) == 2  # 2 right of 3
    assert score(presented, key, ["o0", "o1", "o3"], 3) == 1  # 2 right - 1 wrong
    assert score(presented, key, ["o0", "o3", "o4"], 3) == 0  # never below 0
    assert score(presented, key, ["o0", "o1", "o2", "o3", "o4"], 3) == 1
    # Rounded down: 2 of 3 on a 1-mark question is 0.66, never 0.67.
    assert score(presented, key, ["o0", "o1"], 1) == Decimal("0.66")


# --- true / false -----------------------------------------------------------------


@given(st.booleans(), st.one_of(st.none(), st.booleans()), points_st)
def test_true_false_property(answer, response, points):
    presented = {"options": [{"id": "true"}, {"id": "false"}]}
    key = {"correct": ["true" if answer else "false"]}
    clean = TrueFalseQuestion.clean_response(presented, response)
    score = TrueFalseQuestion.score(presented, key, clean, points)
    assert score == (points if response is not None and response == answer else 0)


# --- ordering -----------------------------------------------------------------------


@st.composite
def ordering(draw):
    n = draw(st.integers(2, 8))
    items = [{"id": f"s{i}", "text": f"Step {i}"} for i in range(n)]
    order = draw(st.permutations([item["id"] for item in items]))
    # Any partial assignment of positions, duplicates allowed (as a form can send).
    response = draw(
        st.dictionaries(st.sampled_from(order), st.integers(1, n), max_size=n)
    )
    return {"items": items}, {"order": list(order)}, response, draw(points_st)


@given(ordering())
@settings(max_examples=300)
def test_ordering_property(case):
    presented, key, response, points = case
    clean = OrderingQuestion.clean_response(presented, response)
    score = OrderingQuestion.score(presented, key, clean, points)
    exact = {item: i for i, item in enumerate(key["order"], start=1)}
    assert Decimal(0) <= score <= points
    assert (score == points) == (response == exact)


@given(ordering())
def test_ordering_exact_answer_scores_full(case):
    presented, key, _, points = case
    exact = {item: i for i, item in enumerate(key["order"], start=1)}
    assert OrderingQuestion.score(presented, key, exact, points) == points


def test_ordering_partial_credit_by_correct_positions():
    presented = {"items": [{"id": s} for s in ("a", "b", "c", "d")]}
    key = {"order": ["a", "b", "c", "d"]}
    score = OrderingQuestion.score
    assert score(presented, key, {"a": 1, "b": 2, "c": 4, "d": 3}, 4) == 2
    # A position claimed twice counts for neither step.
    assert score(presented, key, {"a": 1, "b": 1, "c": 3, "d": 4}, 4) == 2


# --- matching -------------------------------------------------------------------------


@st.composite
def matching(draw):
    n = draw(st.integers(2, 6))
    lefts = [{"id": f"l{i}", "text": f"Prompt {i}"} for i in range(n)]
    rights = [
        {"id": f"r{i}", "text": f"Answer {i}"} for i in range(draw(st.integers(2, 8)))
    ]
    right_ids = [r["id"] for r in rights]
    pairs = {left["id"]: draw(st.sampled_from(right_ids)) for left in lefts}
    response = draw(
        st.dictionaries(
            st.sampled_from([left["id"] for left in lefts]),
            st.sampled_from(right_ids),
        )
    )
    return (
        {"lefts": lefts, "rights": rights},
        {"pairs": pairs},
        response,
        draw(points_st),
    )


@given(matching())
@settings(max_examples=300)
def test_matching_property(case):
    presented, key, response, points = case
    clean = MatchingQuestion.clean_response(presented, response)
    score = MatchingQuestion.score(presented, key, clean, points)
    assert Decimal(0) <= score <= points
    assert (score == points) == (response == key["pairs"])


# --- shapes and foreign ids -----------------------------------------------------


@pytest.mark.parametrize(
    ("question_class", "presented", "bad"),
    [
        (SingleChoiceQuestion, {"options": _options(3)}, ["o1"]),
        (SingleChoiceQuestion, {"options": _options(3)}, "o9"),
        (SingleChoiceQuestion, {"options": _options(3)}, 1),
        (MultipleResponseQuestion, {"options": _options(3)}, "o1"),
        (MultipleResponseQuestion, {"options": _options(3)}, ["o1", "x" * 1000]),
        (MultipleResponseQuestion, {"options": _options(2)}, ["o0"] * 50),
        (TrueFalseQuestion, {"options": []}, "maybe"),
        (OrderingQuestion, {"items": [{"id": "a"}, {"id": "b"}]}, ["a", "b"]),
        (OrderingQuestion, {"items": [{"id": "a"}, {"id": "b"}]}, {"a": 3}),
        (OrderingQuestion, {"items": [{"id": "a"}, {"id": "b"}]}, {"a": True}),
        (OrderingQuestion, {"items": [{"id": "a"}, {"id": "b"}]}, {"z": 1}),
        (
            MatchingQuestion,
            {"lefts": [{"id": "l1"}], "rights": [{"id": "r1"}]},
            {"l1": "r2"},
        ),
        (MatchingQuestion, {"lefts": [{"id": "l1"}], "rights": [{"id": "r1"}]}, "r1"),
    ],
)
def test_wrong_shapes_are_refused(question_class, presented, bad):
    with pytest.raises(ValidationError):
        question_class.clean_response(presented, bad)


# --- live questions (database) -------------------------------------------------


@pytest.mark.django_db
def test_single_choice_grade_and_foreign_option():
    question = SingleChoiceQuestionFactory(points=2)
    other = SingleChoiceQuestionFactory()
    right = question.options.get(is_correct=True)
    wrong = question.options.filter(is_correct=False).first()
    assert question.grade(entry_id("o", right)) == 2
    assert question.grade(entry_id("o", wrong)) == 0
    assert question.grade(None) == 0
    with pytest.raises(ValidationError, match="not part of this question"):
        question.grade(entry_id("o", other.options.first()))


@pytest.mark.django_db
def test_multiple_response_grade():
    question = MultipleResponseQuestionFactory(points=4)
    ids = {o.text: entry_id("o", o) for o in question.options.all()}
    assert question.grade([ids["A"], ids["B"]]) == 4
    assert question.grade([ids["A"]]) == 2
    assert question.grade([ids["A"], ids["C"]]) == 0
    assert question.grade(list(ids.values())) == 0


@pytest.mark.django_db
def test_true_false_grade():
    question = TrueFalseQuestionFactory(correct_answer=False)
    assert question.grade(False) == 1
    assert question.grade("false") == 1
    assert question.grade(True) == 0


@pytest.mark.django_db
def test_ordering_grade_and_presentation_is_never_the_answer():
    question = OrderingQuestionFactory(points=4)
    presented, key = question.snapshot()
    shown = [item["id"] for item in presented["items"]]
    assert shown != key["order"]
    assert sorted(shown) == sorted(key["order"])
    exact = {item: i for i, item in enumerate(key["order"], start=1)}
    assert question.grade(exact) == 4


@pytest.mark.django_db
def test_matching_grade_with_shared_answer_and_distractor():
    question = MatchingQuestionFactory(points=3)
    presented, key = question.snapshot()
    rights = {r["text"]: r["id"] for r in presented["rights"]}
    assert set(rights) == {"Coercive control", "Financial abuse", "Stalking"}
    lefts = {left["text"]: left["id"] for left in presented["lefts"]}
    answer = {
        lefts["Checking her phone"]: rights["Coercive control"],
        lefts["Keeping her bank card"]: rights["Financial abuse"],
        lefts["Stopping her seeing family"]: rights["Stalking"],
    }
    assert question.grade(answer) == 2
    answer[lefts["Stopping her seeing family"]] = rights["Coercive control"]
    assert question.grade(answer) == 3


@pytest.mark.django_db
def test_snapshot_presented_part_holds_no_answer():
    for question in (
        SingleChoiceQuestionFactory(),
        MultipleResponseQuestionFactory(),
        TrueFalseQuestionFactory(),
        OrderingQuestionFactory(),
        MatchingQuestionFactory(),
    ):
        presented, key = question.snapshot()
        text = str(presented)
        assert "correct" not in text and "Feedback" not in text
        assert "explanation" not in presented and "research" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [*QUESTION_FACTORIES, WrittenAnswerQuestionFactory],
    ids=lambda f: f._meta.model.type_name,
)
def test_every_type_samples_responses_it_accepts(factory):
    """``sample_response`` (the reports benchmark's guesses) gives responses of the
    type's own shape, scored between nothing and full marks."""
    import random

    question = factory()
    presented, key = question.snapshot()
    rng = random.Random(7)
    for _ in range(20):
        response = question.sample_response(presented, key, rng)
        clean = question.clean_response(presented, response)
        assert clean == response
        score = question.score(presented, key, clean, question.points)
        assert score is None or 0 <= score <= question.points
