"""Quizzes: the page at the end of a module, and the questions it always asks."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import CheckboxSelectMultiple
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models import LearnerOnlyPageMixin
from training.blocks import RICH_FEATURES

from ..forms import QuizPageForm
from .bank import QuestionCategory
from .questions import Question


class ShowAnswers(models.TextChoices):
    AFTER_ATTEMPT = "after_attempt", "After each attempt"
    AFTER_PASS = "after_pass", "Only once the learner has passed"
    NEVER = "never", "Never"


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
        from ..selectors import quiz_overview, quiz_preview

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = quiz_overview(user=request.user, quiz=self)
        if getattr(request, "is_preview", False) or not context["progress"].enrolled:
            # Editors see the questions as learners will (without the answers).
            context["preview"] = quiz_preview(quiz=self)
        return context
