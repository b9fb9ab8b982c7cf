"""The written-answer question type: answered in the learner's words, marked by a
trainer to a rubric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import Textarea
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.rich_text import expand_db_html

from training.sanitiser import (
    clean_answer_html,
    clean_html,
    plain_text,
    safe_answer_html,
    safe_html,
    word_count,
)

from ...forms import live_forms
from ..bank import QUESTION_FEATURES
from .base import EntryKind, Question, entry_id


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
                "id": (
                    entry_id(EntryKind.CRITERION, criterion)
                    if criterion.pk
                    else f"cnew{i}"
                ),
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
    def sample_response(cls, presented, key, rng):
        words = cls.model_answer(key).split()
        return " ".join(words[: rng.randint(1, len(words))])

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
        rows = live_forms(formset)
        total = sum(f.cleaned_data.get("max_marks") or 0 for f in rows)
        # No criterion at all is ``check_rows``' message, not a second one here.
        if rows and total != points:
            return [
                f"The rubric's maximum marks add up to {total}, but the question "
                f"is worth {points} points. Make them equal."
            ]
        return []
