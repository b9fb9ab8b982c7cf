"""The question bank, quizzes and learners' attempts.

Question bank: ``Question`` (django-polymorphic) with one subclass per type, plus
``Scenario`` (a case vignette several questions share) and ``QuestionCategory``.
Trainers find them in the admin under "Question bank".

Quizzes: ``QuizPage``, a page under a module (Pages in the admin).

Learner records: ``Attempt`` and its ``AttemptQuestion`` rows, written only through
``assessments.services``. Each attempt keeps a frozen copy of every question as it
was presented and its answer key, so editing or deleting a question later never
changes a past attempt's score or review.

Grading works on those frozen copies ("snapshots"): every question type knows how to
turn itself into a snapshot, how to read and check a response to it, and how to score
that response. The scoring is plain data in, ``Decimal`` out, so it is the same for a
live question (``Question.grade``) and for an attempt made a year ago.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.forms import CheckboxSelectMultiple, Textarea
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PreviewableMixin
from wagtail.rich_text import expand_db_html
from wagtail.search import index

from courses.models import LearnerOnlyPageMixin
from training.blocks import RICH_FEATURES
from training.sanitiser import (
    clean_answer_html,
    clean_html,
    plain_text,
    safe_answer_html,
    safe_html,
    word_count,
)

from . import authoring
from .forms import QuestionAdminForm, QuestionCategoryAdminForm, QuizPageForm
from .grading import (
    at_least,
    check_id,
    fraction_of,
    ids_of,
    steps_in_place,
    translate_ids,
)
from .sheet import Choice, QuestionView, Row

# Stems and explanations: a few paragraphs with emphasis, lists and links.
QUESTION_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class Capability(models.TextChoices):
    """The five areas of the capabilities framework for substance-use staff."""

    KNOWLEDGE = "knowledge", "Knowledge"
    ATTITUDES_VALUES = "attitudes_values", "Attitudes and values"
    ETHICAL_PRACTICE = "ethical_practice", "Ethical practice"
    SKILLS = "skills", "Skills"
    REFLECTION = "reflection", "Reflection and professional development"


class ShowAnswers(models.TextChoices):
    AFTER_ATTEMPT = "after_attempt", "After each attempt"
    AFTER_PASS = "after_pass", "Only once the learner has passed"
    NEVER = "never", "Never"


class QuestionCategory(models.Model):
    """A topic of the question bank (e.g. "Risk and referral"); quizzes draw by it.

    Admin: Question bank > Categories.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    base_form_class = QuestionCategoryAdminForm
    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "question categories"

    def __str__(self):
        return self.name


class Scenario(models.Model):
    """A case vignette shown once above every question of a quiz that uses it.

    Admin: Question bank > Scenarios.
    """

    key = models.SlugField(
        max_length=100,
        unique=True,
        help_text="A short unique name, e.g. 'dan-in-withdrawal'.",
    )
    title = models.CharField(max_length=200)
    text = RichTextField(features=QUESTION_FEATURES)

    panels = [FieldPanel("title"), FieldPanel("key"), FieldPanel("text")]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def snapshot(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "text": clean_html(expand_db_html(self.text)),
        }


class EntryIds:
    """Makes the ids of one snapshot's entries (options, steps, prompts, answers).

    Every entry has a *ref*: a keyed hash of its row, the same in every attempt, so
    statistics can count an option across attempts. Refs never reach a browser.
    What a learner's page names is the entry's *id*: with ``random_ids`` (every
    attempt, every preview a visitor can open) a fresh random token per entry, kept
    in the attempt's snapshot with ``refs`` mapping it back, so nothing a visitor
    could know (not even the settings' key) tells one option from another.
    Without it (marking a live question, ``Question.grade``) the id is the ref.
    """

    #: The letter each kind of entry's id starts with. Matching answers and
    #: distractors share one, so an answer cannot be told from a distractor.
    ID_LETTER_BY_KIND: ClassVar[dict[str, str]] = {
        "o": "o",  # a choice option
        "s": "s",  # an ordering step
        "l": "l",  # a matching prompt (left)
        "p": "r",  # a matching answer (right) that some prompt matches
        "d": "r",  # a matching distractor
        "c": "c",  # a rubric criterion (always its stable id: statistics join on it)
    }

    def __init__(self, *, random_ids: bool):
        self.random_ids = random_ids
        self.refs: dict[str, str] = {}

    def make(self, kind: str, obj, index: int) -> str:
        # Unsaved rows (an admin preview) have no pk yet; number them instead.
        letter = self.ID_LETTER_BY_KIND[kind]
        ref = entry_id(kind, obj) if obj.pk else f"{letter}new{kind}{index}"
        if not self.random_ids:
            return ref
        public = f"{letter}{secrets.token_hex(6)}"
        while public in self.refs:  # pragma: no cover - 48 random bits
            public = f"{letter}{secrets.token_hex(6)}"
        self.refs[public] = ref
        return public


def entry_id(kind: str, obj) -> str:
    """The stable ref of an option, step, prompt or answer row (see ``EntryIds``).

    A keyed hash of the row, so refs say nothing about the authored order or about
    which answer belongs to which prompt. Learners' pages never show it: attempts
    and previews name entries by random ids instead.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{obj.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{EntryIds.ID_LETTER_BY_KIND[kind]}{digest[:12]}"


def _shuffled(items: list, rng: random.Random | None) -> list:
    items = list(items)
    if rng is not None:
        rng.shuffle(items)
    return items


def _text(value: str) -> str:
    return plain_text(value).strip()


def _import_text(value) -> str:
    return plain_text(str(value or "")).strip()


class Question(PreviewableMixin, ClusterableModel, PolymorphicModel):
    """A question in the bank. One subclass per type answers for everything about
    its type; nothing outside these classes looks at a type's name.

    Admin: Question bank > Questions ("Add question" asks for the type first).

    A question becomes a *snapshot* when an attempt starts: ``presented`` (what the
    learner sees, never the answer) and ``key`` (the answer key, explanation and
    feedback). A type says how to make its snapshot (``type_snapshot``), read a
    response from a form (``parse_form``), check it (``clean_response``), mark it
    (``score``), show it (``fill_view`` and its two templates), put it in words
    (``response_text``), give full marks (``model_answer``), check its rows
    (``check_rows``), read itself from the demo/import format (``import_fields``,
    ``import_rows``) and count its answers for statistics (``statistics_options``,
    ``statistics_placements``). See assessments/README.md to add a type.
    """

    type_name: ClassVar[str] = ""
    type_label: ClassVar[str] = "Question"
    type_description: ClassVar[str] = ""
    #: Learner-facing: how to answer, and how partial credit works.
    instructions: ClassVar[str] = ""
    #: Relations to prefetch when building snapshots of many questions; these are
    #: also the inline rows ``check_rows`` and ``import_rows`` deal with.
    prefetch: ClassVar[tuple[str, ...]] = ()
    #: The template of the question as a form control group, and after marking.
    template: ClassVar[str] = ""
    review_template: ClassVar[str] = ""
    #: Statistics: whether answers are counted per option (``statistics_options``),
    #: and how per-step or per-prompt counts are headed (``statistics_placements``).
    counts_options: ClassVar[bool] = False
    placement_heading: ClassVar[str] = ""
    placement_answer_prefix: ClassVar[str] = ""
    #: A trainer marks answers to this type; ``score`` gives ``None`` until then.
    needs_marking: ClassVar[bool] = False

    key = models.SlugField(
        max_length=100,
        unique=True,
        help_text=(
            "A short unique name for this question, used in imports and exports. "
            "Leave blank to have one made for you."
        ),
    )
    stem = RichTextField(
        "question",
        features=QUESTION_FEATURES,
        help_text="The question as learners read it.",
    )
    explanation = RichTextField(
        features=QUESTION_FEATURES,
        blank=True,
        help_text=(
            "Why the answer is right, and the source of any figure. Shown after "
            "marking if the quiz shows answers."
        ),
    )
    points = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text="The topic; quizzes can draw questions at random from a category.",
    )
    capability = models.CharField(
        "capability area",
        max_length=20,
        choices=Capability.choices,
        default=Capability.KNOWLEDGE,
    )
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="Optional case study shown once above the questions that share it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = QuestionAdminForm
    common_panels_top = [
        FieldPanel("stem"),
        FieldPanel("scenario"),
    ]
    common_panels_bottom = [
        FieldPanel("explanation"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("capability")]),
                FieldRowPanel([FieldPanel("points"), FieldPanel("key")]),
            ],
            heading="Marks and filing",
        ),
    ]
    panels = common_panels_top + common_panels_bottom

    class Meta:
        ordering = ["category__name", "key"]
        indexes = [models.Index(fields=["capability"])]

    def __str__(self):
        stem = Truncator(_text(self.stem)).chars(80)
        return f"{stem} ({self.key})" if self.key else stem

    # --- snapshot -------------------------------------------------------------

    def snapshot(
        self,
        *,
        shuffle_options: bool = False,
        rng: random.Random | None = None,
        random_ids: bool = False,
    ) -> tuple[dict, dict]:
        """The question as presented to a learner, and its answer key.

        ``presented`` is all a page for an unsubmitted attempt may show; the answer,
        explanation and per-option feedback are only ever in ``key``. With
        ``random_ids`` entries get fresh random ids and ``key["refs"]`` maps them
        to their stable refs (see ``EntryIds``).
        """
        ids = EntryIds(random_ids=random_ids)
        presented = {
            "type": self.type_name,
            "stem": clean_html(expand_db_html(self.stem)),
            "scenario": self.scenario.snapshot() if self.scenario_id else None,
        }
        key = {"explanation": clean_html(expand_db_html(self.explanation))}
        type_presented, type_key = self.type_snapshot(
            ids=ids, rng=rng if shuffle_options else None, always_rng=rng
        )
        presented.update(type_presented)
        key.update(type_key)
        if ids.refs:
            key["refs"] = ids.refs
        return presented, key

    def type_snapshot(self, *, ids: EntryIds, rng, always_rng) -> tuple[dict, dict]:
        """This type's part of the snapshot. ``rng`` shuffles options when the quiz
        says so; ``always_rng`` is for what is always shuffled."""
        raise NotImplementedError

    # --- responses ------------------------------------------------------------

    @classmethod
    def parse_form(cls, data, name: str, presented: dict) -> Any:
        """Read this question's answer from submitted form data (a QueryDict)."""
        raise NotImplementedError

    @classmethod
    def clean_response(cls, presented: dict, response: Any) -> Any:
        """Check a response's shape against the presented question; normalise it.

        Raises ValidationError for a response of the wrong shape or naming options
        that are not this question's. ``None`` means "not answered".
        """
        raise NotImplementedError

    @classmethod
    def score(cls, presented: dict, key: dict, response: Any, points: int) -> Decimal:
        """Marks for a clean response, between 0 and ``points``."""
        raise NotImplementedError

    @classmethod
    def is_answered(cls, response: Any) -> bool:
        return response not in (None, [], {}, "")

    # --- authoring checks (admin) ---------------------------------------------

    def authoring_warnings(self) -> list[authoring.AuthoringWarning]:
        """Cues in this question that give the answer away; each type adds its own."""
        return authoring.negative_stem(self.stem) + authoring.missing_explanation(
            self.explanation
        )

    @classmethod
    def response_refs(cls, key: dict, response: Any) -> Any:
        """``response`` with the attempt's random ids replaced by stable refs: what
        statistics count across attempts."""
        return translate_ids(response, key.get("refs") or {})

    @classmethod
    def ref_of(cls, key: dict, entry_id: str) -> str:
        return (key.get("refs") or {}).get(entry_id, entry_id)

    @classmethod
    def model_answer(cls, key: dict) -> Any:
        """The full-marks response, from the answer key."""
        raise NotImplementedError

    @classmethod
    def response_text(cls, presented: dict, response: Any) -> str:
        """A learner's answer in words, e.g. for the data export."""
        return str(response)

    @classmethod
    def admin_form_errors(cls, form) -> list[str]:
        """Checks of this type's admin form beyond its fields and rows (the
        rubric's total against the points)."""
        return []

    def grade(self, response: Any) -> Decimal:
        """Mark ``response`` against this question as it is now."""
        presented, key = self.snapshot()
        return self.score(
            presented, key, self.clean_response(presented, response), self.points
        )

    # --- showing it -----------------------------------------------------------

    @classmethod
    def fill_view(
        cls, view: QuestionView, presented: dict, response: Any, key: dict
    ) -> None:
        """Fill ``view``'s choices or rows from the snapshot and the response;
        ``key`` is empty unless answers may show."""
        raise NotImplementedError

    # --- statistics -----------------------------------------------------------

    @classmethod
    def statistics_options(cls, presented: dict, key: dict) -> list[tuple]:
        """For types that ``counts_options``: ``(ref, text, correct)`` per option."""
        return []

    @classmethod
    def statistics_placements(cls, presented: dict, key: dict) -> list[tuple]:
        """``(sub_ref, text, right_value, right_text)`` for each step or prompt
        whose right answer statistics count: how often the response gave
        ``right_value`` for ``sub_ref``."""
        return []

    # --- authoring and import -------------------------------------------------

    @classmethod
    def check_rows(cls, rows: Mapping[str, list[Mapping]]) -> list[str]:
        """What is wrong with the inline rows (options, steps, pairs) of a question
        of this type, in words; ``rows`` maps each relation in ``prefetch`` to the
        rows' field values. A relation left out is not checked."""
        return []

    @classmethod
    def import_fields(cls, data: Mapping) -> dict:
        """Field values of this type read from its demo/import file entry."""
        return {}

    @classmethod
    def import_rows(cls, data: Mapping) -> dict[str, list[dict]]:
        """The inline rows of this type from its demo/import file entry, as field
        values by relation (in order)."""
        return {}

    # --- preview (admin) ------------------------------------------------------

    def get_preview_template(self, request, mode_name):
        return "assessments/question_preview.html"

    def get_preview_context(self, request, mode_name):
        from .selectors import preview_sheet

        context = super().get_preview_context(request, mode_name)
        context["sheet"] = preview_sheet(questions=[self], with_answers=True)
        return context

    @classmethod
    def type_for(cls, type_name: str) -> type[Question]:
        try:
            return QUESTION_TYPES[type_name]
        except KeyError:
            raise ValidationError(f"Unknown question type {type_name!r}.") from None


class AnswerRefused(ValidationError):
    """A form answer of the right shape that the question refuses as given (an
    ordering with one position given to two steps). ``response`` is what the
    learner sent, shown back to them next to the message so they can fix it."""

    def __init__(self, message: str, *, response: Any):
        super().__init__(message)
        self.response = response


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


class _ChoiceQuestion(Question):
    """Shared by the two types with authored options (is-correct and feedback)."""

    prefetch = ("options",)

    class Meta:
        abstract = True

    def type_snapshot(self, *, ids, rng, always_rng):
        options = [
            (ids.make("o", option, i), option)
            for i, option in enumerate(self.options.all())
        ]
        presented = {
            "options": [
                {"id": option_id, "text": option.text}
                for option_id, option in _shuffled(options, rng)
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
                    "text": _import_text(option["text"]),
                    "is_correct": bool(option.get("correct")),
                    "feedback": _import_text(option.get("feedback")),
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
            "feedback_true": _import_text(data.get("feedback_true")),
            "feedback_false": _import_text(data.get("feedback_false")),
        }


class OrderingItem(Orderable):
    """One step of an ordering question; the order here is the correct order."""

    question = ParentalKey(
        "assessments.OrderingQuestion",
        on_delete=models.CASCADE,
        related_name="items",
    )
    text = models.CharField(max_length=500)

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class OrderingQuestion(Question):
    """Put the steps of a response in order.

    Partial credit: ``points * steps in their correct position / steps``, rounded
    down. A position claimed by two steps counts for neither (``steps_in_place``).
    """

    type_name = "ordering"
    type_label = "Ordering"
    type_description = "Put steps in the right order."
    instructions = (
        "Give each step its position, 1 for the first, using each position once. "
        "You earn a share of the marks for each step in its right place."
    )
    prefetch = ("items",)
    template = "assessments/questions/ordering.html"
    review_template = "assessments/questions/ordering_review.html"
    placement_heading = "Steps put in their right place:"
    placement_answer_prefix = "position "

    panels = (
        Question.common_panels_top
        + [
            InlinePanel(
                "items",
                label="Step",
                heading="Steps, in the correct order",
                min_num=2,
            )
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "ordering question"

    def authoring_warnings(self):
        steps = [item.text for item in self.items.all()]
        return super().authoring_warnings() + authoring.duplicates(steps, "steps")

    def type_snapshot(self, *, ids, rng, always_rng):
        items = [
            {"id": ids.make("s", item, i), "text": item.text}
            for i, item in enumerate(self.items.all())
        ]
        order = [item["id"] for item in items]
        # Always shuffled, whatever the quiz says: the authored order is the answer.
        shown = _shuffled(items, always_rng or random.Random(len(items)))  # noqa: S311
        if len(shown) > 1 and [item["id"] for item in shown] == order:
            shown = shown[1:] + shown[:1]
        return {"items": shown}, {"order": order}

    @classmethod
    def parse_form(cls, data, name, presented):
        response = {}
        for item in presented["items"]:
            value = data.get(f"{name}-{item['id']}", "")
            if value == "":
                continue
            try:
                response[item["id"]] = int(value)
            except (TypeError, ValueError):
                raise ValidationError("Choose a position from the list.") from None
        cls.refuse_repeated_positions(presented, response)
        return response

    @classmethod
    def refuse_repeated_positions(cls, presented: dict, response: dict) -> None:
        """Each position once: a learner who gives two steps the same position is
        told so, instead of the answer being saved and scoring nothing for them."""
        by_position: dict[int, list[str]] = {}
        for item in presented["items"]:
            if item["id"] in response:
                by_position.setdefault(response[item["id"]], []).append(item["text"])
        repeated = sorted(p for p, steps in by_position.items() if len(steps) > 1)
        if repeated:
            named = "; ".join(
                f"position {p} is given to "
                + " and ".join(f"“{text}”" for text in by_position[p])
                for p in repeated
            )
            raise AnswerRefused(
                f"Use each position once: {named}. Give each step a different "
                "position.",
                response=response,
            )

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, Mapping):
            raise ValidationError("Send a position for each step.")
        allowed = ids_of(presented["items"])
        count = len(presented["items"])
        clean = {}
        for item_id, position in response.items():
            check_id(item_id, allowed, "step")
            if (
                isinstance(position, bool)
                or not isinstance(position, int)
                or not 1 <= position <= count
            ):
                raise ValidationError(f"Positions go from 1 to {count}.")
            clean[item_id] = position
        return clean

    @classmethod
    def score(cls, presented, key, response, points):
        order = key["order"]
        return fraction_of(points, len(steps_in_place(order, response)), len(order))

    @classmethod
    def model_answer(cls, key):
        return {item_id: index for index, item_id in enumerate(key["order"], start=1)}

    @classmethod
    def response_text(cls, presented, response):
        if response in (None, [], {}):
            return ""
        texts = {item["id"]: item["text"] for item in presented["items"]}
        ranked = sorted(response.items(), key=lambda pair: pair[1])
        return "; ".join(f"{pos}. {texts.get(item, '?')}" for item, pos in ranked)

    @classmethod
    def fill_view(cls, view, presented, response, key):
        response = response or {}
        order = key.get("order", [])
        right = steps_in_place(order, response)
        view.positions = list(range(1, len(presented["items"]) + 1))
        for item in presented["items"]:
            view.rows.append(
                Row(
                    id=item["id"],
                    text=item["text"],
                    value=response.get(item["id"]),
                    correct_value=(
                        order.index(item["id"]) + 1 if item["id"] in order else None
                    ),
                    is_right=item["id"] in right,
                )
            )

    @classmethod
    def statistics_placements(cls, presented, key):
        texts = {item["id"]: item["text"] for item in presented["items"]}
        return [
            (cls.ref_of(key, item_id), texts.get(item_id, "?"), position, str(position))
            for position, item_id in enumerate(key.get("order", []), start=1)
        ]

    @classmethod
    def check_rows(cls, rows):
        return at_least(
            rows.get("items"), 2, "Give at least two steps to put in order."
        )

    @classmethod
    def import_rows(cls, data):
        return {
            "items": [{"text": _import_text(text)} for text in data.get("items") or []]
        }


class MatchingPair(Orderable):
    """A left-hand prompt and the right-hand answer it matches."""

    question = ParentalKey(
        "assessments.MatchingQuestion",
        on_delete=models.CASCADE,
        related_name="pairs",
    )
    left = models.CharField("prompt", max_length=300)
    right = models.CharField("matching answer", max_length=300)

    panels = [FieldRowPanel([FieldPanel("left"), FieldPanel("right")])]

    def __str__(self):
        return f"{self.left} → {self.right}"


class MatchingDistractor(Orderable):
    """An extra right-hand answer that matches no prompt."""

    question = ParentalKey(
        "assessments.MatchingQuestion",
        on_delete=models.CASCADE,
        related_name="distractors",
    )
    text = models.CharField(max_length=300)

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class MatchingQuestion(Question):
    """Match each prompt (e.g. a behaviour) with an answer (e.g. a form of abuse).

    Several prompts may share an answer. Partial credit: ``points * prompts matched
    correctly / prompts``, rounded down.
    """

    type_name = "matching"
    type_label = "Matching"
    type_description = "Match each prompt with its answer."
    instructions = (
        "Choose the matching answer for each one. An answer may fit more than "
        "one. You earn a share of the marks for each correct match."
    )
    prefetch = ("pairs", "distractors")
    template = "assessments/questions/matching.html"
    review_template = "assessments/questions/matching_review.html"
    placement_heading = "Prompts matched with their right answer:"

    panels = (
        Question.common_panels_top
        + [
            InlinePanel("pairs", label="Pair", heading="Pairs", min_num=2),
            InlinePanel(
                "distractors",
                label="Distractor",
                heading="Extra answers that match nothing (optional)",
            ),
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "matching question"

    def authoring_warnings(self):
        pairs = list(self.pairs.all())
        answers = {authoring.plain_text(pair.right).strip().lower() for pair in pairs}
        extras = [d.text for d in self.distractors.all()]
        return (
            super().authoring_warnings()
            + authoring.duplicates([pair.left for pair in pairs], "prompts")
            + authoring.duplicates([*answers, *extras], "answers and distractors")
        )

    def type_snapshot(self, *, ids, rng, always_rng):
        lefts, rights, pairs = [], [], {}
        right_ids: dict[str, str] = {}
        for i, pair in enumerate(self.pairs.all()):
            left_id = ids.make("l", pair, i)
            lefts.append({"id": left_id, "text": pair.left})
            norm = pair.right.strip().casefold()
            if norm not in right_ids:
                right_ids[norm] = ids.make("p", pair, i)
                rights.append({"id": right_ids[norm], "text": pair.right})
            pairs[left_id] = right_ids[norm]
        for i, distractor in enumerate(self.distractors.all()):
            norm = distractor.text.strip().casefold()
            if norm not in right_ids:
                right_ids[norm] = ids.make("d", distractor, i)
                rights.append({"id": right_ids[norm], "text": distractor.text})
        # Answers are listed alphabetically, so their order gives nothing away.
        rights.sort(key=lambda entry: entry["text"].casefold())
        return {"lefts": _shuffled(lefts, rng), "rights": rights}, {"pairs": pairs}

    @classmethod
    def parse_form(cls, data, name, presented):
        response = {}
        for left in presented["lefts"]:
            value = data.get(f"{name}-{left['id']}", "")
            if value != "":
                response[left["id"]] = value
        return response

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, Mapping):
            raise ValidationError("Send an answer for each prompt.")
        lefts, rights = ids_of(presented["lefts"]), ids_of(presented["rights"])
        return {
            check_id(left, lefts, "prompt"): check_id(right, rights, "answer")
            for left, right in response.items()
        }

    @classmethod
    def score(cls, presented, key, response, points):
        pairs = key["pairs"]
        response = response or {}
        right = sum(1 for left, answer in pairs.items() if response.get(left) == answer)
        return fraction_of(points, right, len(pairs))

    @classmethod
    def model_answer(cls, key):
        return dict(key["pairs"])

    @classmethod
    def response_text(cls, presented, response):
        if response in (None, [], {}):
            return ""
        lefts = {left["id"]: left["text"] for left in presented["lefts"]}
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        return "; ".join(
            f"{lefts.get(left, '?')} → {rights.get(right, '?')}"
            for left, right in response.items()
        )

    @classmethod
    def fill_view(cls, view, presented, response, key):
        response = response or {}
        pairs = key.get("pairs", {})
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        view.answers = [Choice(id=r["id"], text=r["text"]) for r in presented["rights"]]
        view.rows = [
            Row(
                id=left["id"],
                text=left["text"],
                value=response.get(left["id"]),
                correct_value=pairs.get(left["id"]),
                value_text=rights.get(response.get(left["id"]), ""),
                correct_text=rights.get(pairs.get(left["id"]), ""),
                is_right=response.get(left["id"]) is not None
                and response.get(left["id"]) == pairs.get(left["id"]),
            )
            for left in presented["lefts"]
        ]

    @classmethod
    def statistics_placements(cls, presented, key):
        lefts = {left["id"]: left["text"] for left in presented["lefts"]}
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        # By prompt, alphabetically: stored pairs have no reliable order
        # (PostgreSQL's jsonb reorders keys, and ids are random).
        pairs = sorted(
            key.get("pairs", {}).items(),
            key=lambda pair: lefts.get(pair[0], "").casefold(),
        )
        return [
            (
                cls.ref_of(key, left_id),
                lefts.get(left_id, "?"),
                cls.ref_of(key, right_id),
                rights.get(right_id, "?"),
            )
            for left_id, right_id in pairs
        ]

    @classmethod
    def check_rows(cls, rows):
        return at_least(rows.get("pairs"), 2, "Give at least two pairs to match.")

    @classmethod
    def import_rows(cls, data):
        return {
            "pairs": [
                {
                    "left": _import_text(pair["left"]),
                    "right": _import_text(pair["right"]),
                }
                for pair in data.get("pairs") or []
            ],
            "distractors": [
                {"text": _import_text(text)} for text in data.get("distractors") or []
            ],
        }


class AnswerFormat(models.TextChoices):
    PLAIN = "plain", "Plain text"
    RICH = "rich", "Limited rich text (bold, italic, lists)"


#: The longest written answer stored, whatever the word limit (about 8,000 words).
WRITTEN_MAX_CHARS = 50_000


class RubricCriterion(Orderable):
    """One criterion of a written-answer question's rubric: what a trainer looks
    for, and the most marks it can earn. The criteria's maximums add up to the
    question's points."""

    question = ParentalKey(
        "assessments.WrittenAnswerQuestion",
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    description = models.TextField(
        help_text="What earns these marks, as a trainer marking will read it."
    )
    max_marks = models.PositiveSmallIntegerField(
        "maximum marks", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("description", widget=Textarea(attrs={"rows": 2})),
                FieldPanel("max_marks"),
            ]
        )
    ]

    def __str__(self):
        return f"{Truncator(self.description).chars(60)} ({self.max_marks})"


@dataclass
class WrittenView:
    """What the written-answer templates show: the answer, its limit, the rubric
    (descriptions only), and after release the marks and feedback per criterion."""

    text: str = ""
    word_limit: int | None = None
    words: int = 0
    rich: bool = False
    criteria: list[dict] = field(default_factory=list)
    model_answer: str = ""
    #: Released marks, one dict per criterion: description, max, marks, feedback.
    marks: list[dict] = field(default_factory=list)
    awaiting: bool = False

    @property
    def answer_html(self) -> SafeString:
        return safe_answer_html(self.text) if self.rich else SafeString("")

    @property
    def model_answer_html(self) -> SafeString:
        return safe_html(self.model_answer)


class WrittenAnswerQuestion(Question):
    """A question the learner answers in their own words and a trainer marks
    against a rubric (Reports > Marking in the admin).

    Often asked about a scenario. Its answers are never marked automatically: an
    attempt with a written answer waits for a trainer before it passes or fails.
    """

    type_name = "written"
    type_label = "Written answer"
    type_description = "The learner writes an answer; a trainer marks it to a rubric."
    instructions = (
        "Write your answer in your own words. A trainer will mark it against the "
        "criteria for this question and give you feedback."
    )
    prefetch = ("criteria",)
    needs_marking = True
    template = "assessments/questions/written.html"
    review_template = "assessments/questions/written_review.html"

    word_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
        help_text="Leave blank for no limit. Learners see the count as they type.",
    )
    answer_format = models.CharField(
        max_length=10, choices=AnswerFormat.choices, default=AnswerFormat.PLAIN
    )
    marking_guidance = RichTextField(
        features=QUESTION_FEATURES,
        blank=True,
        help_text="For trainers only: what a good answer shows, and common gaps.",
    )
    suggested_answer = RichTextField(
        "model answer",
        features=QUESTION_FEATURES,
        blank=True,
        help_text="Shown to learners after marking if the quiz shows answers.",
    )

    panels = (
        Question.common_panels_top
        + [
            FieldRowPanel([FieldPanel("answer_format"), FieldPanel("word_limit")]),
            InlinePanel(
                "criteria",
                label="Criterion",
                heading="Rubric (the maximum marks add up to the question's points)",
                min_num=1,
            ),
            FieldPanel("marking_guidance"),
            FieldPanel("suggested_answer"),
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "written-answer question"

    def type_snapshot(self, *, ids, rng, always_rng):
        criteria = [
            {
                # Stable, not per attempt: statistics join marks on it.
                "id": entry_id("c", criterion) if criterion.pk else f"cnew{i}",
                "description": criterion.description,
                "max_marks": criterion.max_marks,
            }
            for i, criterion in enumerate(self.criteria.all())
        ]
        presented = {
            "word_limit": self.word_limit,
            "format": self.answer_format,
            # Learners see what the marks are for, never the guidance.
            "criteria": [
                {"id": c["id"], "description": c["description"], "max": c["max_marks"]}
                for c in criteria
            ],
        }
        key = {
            "criteria": criteria,
            "guidance": clean_html(expand_db_html(self.marking_guidance)),
            "model_answer": clean_html(expand_db_html(self.suggested_answer)),
        }
        return presented, key

    @classmethod
    def parse_form(cls, data, name, presented):
        if name not in data:
            return None
        return data.get(name, "")

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise ValidationError("Send your answer as text.")
        if "\x00" in response:
            raise ValidationError(
                "Your answer contains a character that can't be saved."
            )
        if len(response) > WRITTEN_MAX_CHARS:
            raise ValidationError(
                f"Your answer is too long to save (over {WRITTEN_MAX_CHARS:,} "
                "characters)."
            )
        text = response.replace("\r\n", "\n")
        if presented.get("format") == AnswerFormat.RICH:
            text = clean_answer_html(text)
        else:
            text = text.strip()
        limit = presented.get("word_limit")
        words = word_count(text)
        if limit and words > limit:
            raise ValidationError(
                f"Your answer has {words:,} words; the limit is {limit:,}. "
                "Shorten it and save again (your last saved answer is kept)."
            )
        return text

    @classmethod
    def is_answered(cls, response):
        return bool(response) and bool(plain_text(response).strip())

    @classmethod
    def score(cls, presented, key, response, points):
        # Marked by a trainer: an empty answer has earned nothing, any other waits.
        return None if cls.is_answered(response) else Decimal("0.00")

    @classmethod
    def fill_view(cls, view, presented, response, key):
        view.written = WrittenView(
            text=response or "",
            word_limit=presented.get("word_limit"),
            words=word_count(response),
            rich=presented.get("format") == AnswerFormat.RICH,
            criteria=presented.get("criteria", []),
            model_answer=(key or {}).get("model_answer", ""),
        )

    @classmethod
    def response_text(cls, presented, response):
        return plain_text(response or "").strip()

    @classmethod
    def response_refs(cls, key, response):
        return None  # nothing to count per option; the text stays in ``response``

    @classmethod
    def model_answer(cls, key):
        return plain_text(key.get("model_answer", "")).strip() or "A model answer."

    @classmethod
    def import_fields(cls, data):
        return {
            "word_limit": data.get("word_limit"),
            "answer_format": data.get("answer_format") or AnswerFormat.PLAIN,
            "marking_guidance": clean_html(data.get("marking_guidance")),
            "suggested_answer": clean_html(data.get("model_answer")),
        }

    @classmethod
    def import_rows(cls, data):
        return {
            "criteria": [
                {
                    "description": plain_text(str(row["description"])).strip(),
                    "max_marks": int(row["max_marks"]),
                }
                for row in data.get("criteria") or []
            ]
        }

    @classmethod
    def check_rows(cls, rows):
        if "criteria" in rows and not rows["criteria"]:
            return ["Give the rubric at least one criterion."]
        return []

    @classmethod
    def admin_form_errors(cls, form):
        formset = form.formsets.get("criteria")
        points = form.cleaned_data.get("points")
        if formset is None or not formset.is_valid() or not points:
            return []
        rows = [
            f
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if not rows:
            return ["Give the rubric at least one criterion."]
        total = sum(f.cleaned_data.get("max_marks") or 0 for f in rows)
        if total != points:
            return [
                f"The rubric's maximum marks add up to {total}, but the question "
                f"is worth {points} points. Make them equal."
            ]
        return []


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls
    for cls in (
        SingleChoiceQuestion,
        MultipleResponseQuestion,
        TrueFalseQuestion,
        OrderingQuestion,
        MatchingQuestion,
        WrittenAnswerQuestion,
    )
}


class QuizQuestion(Orderable):
    """A question always asked by a quiz, in this order."""

    page = ParentalKey(
        "assessments.QuizPage", on_delete=models.CASCADE, related_name="quiz_questions"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="quiz_uses"
    )

    panels = [FieldPanel("question")]

    def __str__(self):
        return str(self.question)


class QuizPage(LearnerOnlyPageMixin, Page):
    """A quiz at the end of a module: fixed questions and/or some drawn at random.

    Editors add it under a module (Pages > course > module > Add child page). Its
    questions come from the question bank (Question bank in the admin menu).
    """

    step_order = 1
    step_label = "Quiz"
    step_plural = "quizzes"
    step_done_label = "Passed"
    step_verb_done = "passed"
    step_remaining_hint = " (pass the quiz)"

    intro = RichTextField(features=RICH_FEATURES, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        "maximum attempts",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for unlimited attempts.",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        "time limit in minutes",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text="Leave blank for no time limit.",
    )
    shuffle_questions = models.BooleanField(
        default=True,
        help_text="Ask the questions in a different order in each attempt.",
    )
    shuffle_options = models.BooleanField(
        default=True,
        help_text=(
            "Show options in a different order in each attempt. (The steps of "
            "ordering questions are always shuffled.)"
        ),
    )
    show_answers = models.CharField(
        "show correct answers",
        max_length=20,
        choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_ATTEMPT,
        help_text="Explanations and per-option feedback follow the same rule.",
    )
    marking_days = models.PositiveSmallIntegerField(
        "written answers marked within (days)",
        default=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=(
            "Learners are told to expect their mark within this many days of "
            "submitting, if the quiz has written-answer questions. Leave blank to "
            "give no date."
        ),
    )
    draw_categories = ParentalManyToManyField(
        QuestionCategory,
        blank=True,
        related_name="+",
        verbose_name="draw from categories",
    )
    draw_count = models.PositiveSmallIntegerField(
        "number of questions to draw",
        default=0,
        validators=[MaxValueValidator(200)],
        help_text=(
            "Each attempt adds this many questions drawn at random from the "
            "categories ticked above (never repeating a fixed question)."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel(
            "quiz_questions",
            label="Question",
            heading="Questions asked in every attempt, in order",
        ),
        MultiFieldPanel(
            [
                FieldPanel("draw_categories", widget=CheckboxSelectMultiple),
                FieldPanel("draw_count"),
            ],
            heading="Questions drawn at random",
            help_text=(
                "When answers are shown after an attempt, the next attempt draws "
                "questions the learner has not seen yet, as far as the categories "
                "allow; once they run out, the ones seen longest ago come back. "
                "Give each category at least twice the number drawn, and keep "
                "fixed questions few."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldPanel("time_limit_minutes"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("show_answers"),
                FieldPanel("marking_days"),
            ],
            heading="Marking and attempts",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "quiz"
        verbose_name_plural = "quizzes"

    base_form_class = QuizPageForm

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_overview, quiz_preview

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = quiz_overview(user=request.user, quiz=self)
        if getattr(request, "is_preview", False) or not context["progress"].enrolled:
            # Editors see the questions as learners will (without the answers).
            context["preview"] = quiz_preview(quiz=self)
        return context


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class MarkingState(models.TextChoices):
    """Where a submitted attempt is in marking by a trainer.

    submitted (``NONE``: nothing to mark) or ``AWAITING`` -> ``MARKED`` ->
    ``REMARKED`` (any number of times). Services in ``assessments.marking`` move it.
    """

    NONE = "", "Marked automatically"
    AWAITING = "awaiting", "Awaiting marking"
    MARKED = "marked", "Marked"
    REMARKED = "remarked", "Re-marked"


class Attempt(models.Model):
    """One go at a quiz by a learner. Numbered 1, 2, ... per learner and quiz.

    Started, autosaved and submitted through ``assessments.services``. The pass mark
    in force when it started is kept with it, so later edits to the quiz never
    change whether it passed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(
        QuizPage, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    marking_state = models.CharField(
        max_length=10,
        choices=MarkingState.choices,
        default=MarkingState.NONE,
        blank=True,
    )
    #: When the learner was told to expect the mark (written answers only).
    marking_due = models.DateTimeField(null=True, blank=True)

    # Learner records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="one_open_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "passed", "quiz"]),
            models.Index(
                fields=["submitted_at"],
                condition=Q(marking_state="awaiting"),
                name="attempt_awaiting_marking",
            ),
        ]
        permissions = [("mark_attempt", "Can mark written answers")]

    def __str__(self):
        return f"{self.user} on {self.quiz}, attempt {self.number}"

    @property
    def awaiting_marking(self) -> bool:
        return self.marking_state == MarkingState.AWAITING

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    def is_expired(self, now) -> bool:
        return self.deadline is not None and now > self.deadline


class AttemptQuestion(models.Model):
    """One question of an attempt, frozen as presented, with the learner's answer.

    ``presented`` is what the learner saw; ``answer_key`` (with explanation,
    feedback and the refs behind the attempt's random ids) is read only for marking,
    review and statistics. ``question`` is kept for
    statistics and becomes empty if the question is deleted; nothing else changes.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempt_items",
    )
    question_key = models.CharField(max_length=100)
    question_type = models.CharField(max_length=30)
    points = models.PositiveSmallIntegerField()
    presented = models.JSONField()
    answer_key = models.JSONField()
    response = models.JSONField(null=True, blank=True)
    #: The response with the attempt's random entry ids replaced by their stable
    #: refs (``EntryIds``), set when the attempt is marked: what quiz statistics
    #: count across attempts.
    response_refs = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_attempt_position"
            )
        ]

    def __str__(self):
        return f"Question {self.position} of {self.attempt}"

    @property
    def question_class(self) -> type[Question]:
        return Question.type_for(self.question_type)


# --- capabilities self-assessment ---------------------------------------------------


class SelfAssessmentStage(models.TextChoices):
    START = "start", "At the start of the course"
    END = "end", "At the end of the course"


class SelfAssessment(models.Model):
    """A learner's self-ratings against the capability areas, at one moment: at the
    start or end of a course. Private to the learner; see ``CapabilitySharing``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="self_assessments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(max_length=10, choices=SelfAssessmentStage.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user} self-assessment, {self.created_at:%Y-%m-%d}"


class SelfRating(models.Model):
    """One area's rating (1-4) in a self-assessment."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    capability = models.CharField(max_length=30, choices=Capability.choices)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "capability"], name="one_rating_per_area"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="rating_level_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_capability_display()}: {self.level}"


class CapabilitySharing(models.Model):
    """The learner's consent to share their self-ratings with their organisation's
    manager (for the team checklist). No row, or ``share_with_manager`` off, means
    private: the default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="capability_sharing",
    )
    share_with_manager = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user} shares ratings: {self.share_with_manager}"


# The marking workflow's own tables (rubric marks, drafts, re-marks).
from .marking_models import (  # noqa: E402, F401
    AttemptMarking,
    CriterionMark,
    MarkChange,
)
