"""The base of every question type: ``Question``, and the ids of a snapshot's entries.

Grading works on frozen copies ("snapshots"): every question type knows how to turn
itself into a snapshot, how to read and check a response to it, and how to score
that response. The scoring is plain data in, ``Decimal`` out, so it is the same for a
live question (``Question.grade``) and for an attempt made a year ago.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import Truncator
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import PreviewableMixin
from wagtail.rich_text import expand_db_html

from training.sanitiser import clean_html, plain_text

from ... import authoring
from ...forms import QuestionAdminForm
from ...grading import translate_ids
from ...sheet import QuestionView
from ..bank import QUESTION_FEATURES, Capability, QuestionCategory, Scenario


class EntryKind(StrEnum):
    """The kinds of entry a snapshot names. The value is hashed into each entry's
    stable ref (``entry_id``), so it never changes once attempts exist."""

    OPTION = "o"  # a choice option
    STEP = "s"  # an ordering step
    PROMPT = "l"  # a matching prompt (left)
    ANSWER = "p"  # a matching answer (right) that some prompt matches
    DISTRACTOR = "d"  # a matching distractor
    CRITERION = "c"  # a rubric criterion (always its stable ref: marks join on it)


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
    ID_LETTER_BY_KIND: ClassVar[dict[EntryKind, str]] = {
        EntryKind.OPTION: "o",
        EntryKind.STEP: "s",
        EntryKind.PROMPT: "l",
        EntryKind.ANSWER: "r",
        EntryKind.DISTRACTOR: "r",
        EntryKind.CRITERION: "c",
    }

    def __init__(self, *, random_ids: bool):
        self.random_ids = random_ids
        self.refs: dict[str, str] = {}

    def make(self, kind: EntryKind, obj, index: int) -> str:
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


def entry_id(kind: EntryKind, obj) -> str:
    """The stable ref of an option, step, prompt or answer row (see ``EntryIds``).

    A keyed hash of the row, so refs say nothing about the authored order or about
    which answer belongs to which prompt. Learners' pages never show it: attempts
    and previews name entries by random ids instead.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{obj.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{EntryIds.ID_LETTER_BY_KIND[kind]}{digest[:12]}"


def shuffled(items: list, rng: random.Random | None) -> list:
    items = list(items)
    if rng is not None:
        rng.shuffle(items)
    return items


def _text(value: str) -> str:
    return plain_text(value).strip()


def import_text(value) -> str:
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
    def sample_response(cls, presented: dict, key: dict, rng: random.Random) -> Any:
        """A response drawn at random, as from a learner who is guessing (often
        partly right): what the reports benchmark answers when not ``model_answer``."""
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
        from ...selectors import preview_sheet

        context = super().get_preview_context(request, mode_name)
        context["sheet"] = preview_sheet(questions=[self], with_answers=True)
        return context

    @classmethod
    def type_for(cls, type_name: str) -> type[Question]:
        try:
            return QUESTION_TYPES[type_name]
        except KeyError:
            raise ValidationError(f"Unknown question type {type_name!r}.") from None


#: Every question type by its ``type_name``, in the order the admin lists them.
#: Filled in ``assessments.models.questions`` once the type classes exist.
QUESTION_TYPES: dict[str, type[Question]] = {}


class AnswerRefused(ValidationError):
    """A form answer of the right shape that the question refuses as given (an
    ordering with one position given to two steps). ``response`` is what the
    learner sent, shown back to them next to the message so they can fix it."""

    def __init__(self, message: str, *, response: Any):
        super().__init__(message)
        self.response = response
