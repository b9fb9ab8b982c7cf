"""Question types answered by choosing among listed options: single choice,
multiple response, true or false.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Textarea
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from ... import authoring
from ...grading import at_least, check_id, fraction_of, ids_of
from ...sheet import Choice
from .base import EntryKind, Question, import_text, shuffled


def _parse_one(data, name: str) -> str | None:
    values = [v for v in data.getlist(name) if v != ""]
    if len(values) > 1:
        raise ValidationError("Choose only one answer.")
    return values[0] if values else None


class ChoiceOption(Orderable):
    """An option of a single-choice or multiple-response question."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)
    feedback = models.TextField(
        blank=True,
        help_text="Shown beside this option after marking, if the quiz shows answers.",
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("text", widget=Textarea(attrs={"rows": 2})),
                FieldPanel("is_correct"),
            ]
        ),
        FieldPanel("feedback", widget=Textarea(attrs={"rows": 2})),
    ]

    def __str__(self):
        return self.text


class _OptionsMixin:
    """Shared by every type answered by choosing among listed options (single
    choice, true or false, multiple response): their snapshot has ``options`` and
    the key ``correct`` and ``feedback``."""

    review_template = "assessments/questions/choice_review.html"
    counts_options = True

    @classmethod
    def fill_view(cls, view, presented, response, key):
        ticked = set(response if isinstance(response, list) else [response])
        correct = set(key.get("correct", []))
        feedback = key.get("feedback", {})
        view.choices = [
            Choice(
                id=option["id"],
                text=option["text"],
                checked=option["id"] in ticked,
                correct=option["id"] in correct,
                feedback=feedback.get(option["id"], ""),
            )
            for option in presented["options"]
        ]

    @classmethod
    def response_text(cls, presented, response):
        if response in (None, [], {}):
            return ""
        ticked = response if isinstance(response, list) else [response]
        texts = {o["id"]: o["text"] for o in presented["options"]}
        return "; ".join(texts.get(value, "?") for value in ticked)

    @classmethod
    def statistics_options(cls, presented, key):
        correct = set(key.get("correct", []))
        return [
            (cls.ref_of(key, option["id"]), option["text"], option["id"] in correct)
            for option in presented.get("options", [])
        ]


class _OneAnswerMixin(_OptionsMixin):
    """One option is the answer: single choice, true or false."""

    template = "assessments/questions/choose_one.html"

    @classmethod
    def parse_form(cls, data, name, presented):
        return _parse_one(data, name)

    @classmethod
    def score(cls, presented, key, response, points):
        if response is not None and response in key["correct"]:
            return fraction_of(points, 1, 1)
        return Decimal("0.00")

    @classmethod
    def model_answer(cls, key):
        return key["correct"][0]

    @classmethod
    def sample_response(cls, presented, key, rng):
        return rng.choice(presented["options"])["id"]


class _ChoiceQuestion(Question):
    """Shared by the two types with authored options (is-correct and feedback)."""

    prefetch = ("options",)

    class Meta:
        abstract = True

    def type_snapshot(self, *, ids, rng, always_rng):
        options = [
            (ids.make(EntryKind.OPTION, option, i), option)
            for i, option in enumerate(self.options.all())
        ]
        presented = {
            "options": [
                {"id": option_id, "text": option.text}
                for option_id, option in shuffled(options, rng)
            ]
        }
        key = {
            "correct": [oid for oid, option in options if option.is_correct],
            "feedback": {oid: option.feedback for oid, option in options},
        }
        return presented, key

    def _option_pairs(self) -> list[tuple[str, bool]]:
        return [(option.text, option.is_correct) for option in self.options.all()]

    def authoring_warnings(self):
        pairs = self._option_pairs()
        texts = [text for text, _ in pairs]
        return (
            super().authoring_warnings()
            + authoring.correct_count(pairs)
            + authoring.longest_correct(pairs)
            + authoring.catch_all_options(texts)
            + authoring.duplicates(texts, "options")
        )

    @classmethod
    def check_rows(cls, rows):
        options = rows.get("options")
        errors = at_least(options, 2, "Give at least two options.")
        correct = [row for row in options or [] if row.get("is_correct")]
        if options:
            errors += cls.check_correct(len(correct))
        return errors

    @classmethod
    def check_correct(cls, correct: int) -> list[str]:
        raise NotImplementedError

    @classmethod
    def import_rows(cls, data):
        return {
            "options": [
                {
                    "text": import_text(option["text"]),
                    "is_correct": bool(option.get("correct")),
                    "feedback": import_text(option.get("feedback")),
                }
                for option in data.get("options") or []
            ]
        }


class SingleChoiceQuestion(_OneAnswerMixin, _ChoiceQuestion):
    """One correct option among several; each option can carry feedback.

    Full marks for the correct option, none for any other.
    """

    type_name = "single_choice"
    type_label = "Single choice"
    type_description = "One correct answer among several options."
    instructions = "Choose one answer."

    panels = (
        Question.common_panels_top
        + [InlinePanel("options", label="Option", heading="Options", min_num=2)]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "single-choice question"

    def correct_is_longest(self) -> bool:
        """For quiz-level checks: is the correct option the longest one?"""
        return authoring.correct_is_longest(self._option_pairs())

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        return check_id(response, ids_of(presented["options"]), "option")

    @classmethod
    def check_correct(cls, correct):
        return [] if correct == 1 else ["Mark exactly one option as correct."]


class MultipleResponseQuestion(_OptionsMixin, _ChoiceQuestion):
    """Several correct options; learners tick every one that applies.

    Partial credit: ``points * max(0, right ticks - wrong ticks) / correct options``,
    rounded down to the penny. Each wrong tick cancels a right one, so ticking every
    option never scores full marks; only the exact set of correct options does.
    """

    type_name = "multiple_response"
    type_label = "Multiple response"
    type_description = "Several correct answers; wrong ticks cost marks."
    instructions = (
        "Tick every answer that applies. Each correct tick earns a share of the "
        "marks and each wrong tick takes a share away, so ticking everything will "
        "not score."
    )
    template = "assessments/questions/choose_many.html"

    panels = SingleChoiceQuestion.panels

    class Meta:
        verbose_name = "multiple-response question"

    def correct_option_count(self) -> int:
        """For quiz-level checks: how many options are correct."""
        return sum(1 for _, ok in self._option_pairs() if ok)

    @classmethod
    def parse_form(cls, data, name, presented):
        return [v for v in data.getlist(name) if v != ""]

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, list) or len(response) > len(presented["options"]):
            raise ValidationError("Send the ticked options as a list.")
        allowed = ids_of(presented["options"])
        return sorted({check_id(value, allowed, "option") for value in response})

    @classmethod
    def score(cls, presented, key, response, points):
        correct = set(key["correct"])
        ticked = set(response or [])
        right = len(ticked & correct)
        wrong = len(ticked - correct)
        return fraction_of(points, right - wrong, len(correct))

    @classmethod
    def model_answer(cls, key):
        return sorted(key["correct"])

    @classmethod
    def sample_response(cls, presented, key, rng):
        ids = [option["id"] for option in presented["options"]]
        return sorted(rng.sample(ids, rng.randint(1, len(ids))))

    @classmethod
    def check_correct(cls, correct):
        return [] if correct else ["Mark at least one option as correct."]


class TrueFalseQuestion(_OneAnswerMixin, Question):
    """A statement the learner marks true or false."""

    type_name = "true_false"
    type_label = "True or false"
    type_description = "A statement that is either true or false."
    instructions = "Choose true or false."

    correct_answer = models.BooleanField(
        "the statement is true",
        default=True,
        help_text="Tick if the statement is true; leave unticked if it is false.",
    )
    feedback_true = models.TextField(
        "feedback for 'True'",
        blank=True,
        help_text="Shown after marking to learners who answered 'True'.",
    )
    feedback_false = models.TextField(
        "feedback for 'False'",
        blank=True,
        help_text="Shown after marking to learners who answered 'False'.",
    )

    panels = (
        Question.common_panels_top
        + [
            MultiFieldPanel(
                [
                    FieldPanel("correct_answer"),
                    FieldPanel("feedback_true"),
                    FieldPanel("feedback_false"),
                ],
                heading="Answer",
            )
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "true or false question"

    def authoring_warnings(self):
        return super().authoring_warnings() + authoring.absolute_words(self.stem)

    def type_snapshot(self, *, ids, rng, always_rng):
        # The two answers are named by their text: nothing to give away.
        presented = {
            "options": [
                {"id": "true", "text": "True"},
                {"id": "false", "text": "False"},
            ]
        }
        key = {
            "correct": ["true" if self.correct_answer else "false"],
            "feedback": {"true": self.feedback_true, "false": self.feedback_false},
        }
        return presented, key

    @classmethod
    def clean_response(cls, presented, response):
        if isinstance(response, bool):
            response = "true" if response else "false"
        if response is None:
            return None
        return check_id(response, {"true", "false"}, "answer")

    @classmethod
    def import_fields(cls, data):
        return {
            "correct_answer": bool(data["answer"]),
            "feedback_true": import_text(data.get("feedback_true")),
            "feedback_false": import_text(data.get("feedback_false")),
        }
