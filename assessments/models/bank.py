"""The question bank's filing: categories, shared scenarios, capability areas."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.rich_text import expand_db_html

from training.sanitiser import clean_html

from ..forms import QuestionCategoryAdminForm

# Stems and explanations: a few paragraphs with emphasis, lists and links.
QUESTION_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class Capability(models.TextChoices):
    """The five areas of the capabilities framework for substance-use staff."""

    KNOWLEDGE = "knowledge", "Knowledge"
    ATTITUDES_VALUES = "attitudes_values", "Attitudes and values"
    ETHICAL_PRACTICE = "ethical_practice", "Ethical practice"
    SKILLS = "skills", "Skills"
    REFLECTION = "reflection", "Reflection and professional development"


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
