"""Admin forms for questions and quizzes: the checks a trainer's input must pass."""

import secrets

from django import forms
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


def live_forms(formset) -> list:
    """The inline forms that will be saved (filled in, not marked for deletion)."""
    if not formset.is_valid():
        return []
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class QuestionAdminForm(WagtailAdminModelForm):
    """The form behind every question type's create and edit screens.

    Makes the key optional (one is made up from the category) and checks the inline
    options, steps or pairs make a question that can be answered.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if "key" in self.fields and not cleaned_data.get("key"):
            category = cleaned_data.get("category")
            prefix = category.slug[:60] if category else "question"
            cleaned_data["key"] = f"{prefix}-{secrets.token_hex(4)}"
        self._check_children()
        for message in getattr(self._meta.model, "admin_form_errors", list)(self):
            self.add_error(None, message)
        return cleaned_data

    def _check_children(self) -> None:
        """The question's type checks its options, steps or pairs (only those
        whose inline forms are valid; their own errors show first)."""
        question_class = self._meta.model
        rows = {
            relation: [form.cleaned_data for form in live_forms(formset)]
            for relation in question_class.prefetch
            if (formset := self.formsets.get(relation)) is not None
            and formset.is_valid()
        }
        for message in question_class.check_rows(rows):
            self.add_error(None, message)


class QuizPageForm(WagtailAdminPageForm):
    """Checks a quiz has questions and knows where to draw random ones from."""

    def clean(self):
        cleaned_data = super().clean()
        draw_count = cleaned_data.get("draw_count") or 0
        categories = cleaned_data.get("draw_categories")
        if draw_count and not categories:
            self.add_error(
                "draw_categories", "Tick at least one category to draw questions from."
            )
        formset = self.formsets.get("quiz_questions")
        live = live_forms(formset) if formset is not None else []
        fixed = len(live)
        chosen = [f.cleaned_data.get("question") for f in live]
        if len({q.pk for q in chosen if q}) < len([q for q in chosen if q]):
            self.add_error(None, "Each question can be in the quiz only once.")
        if formset is not None and formset.is_valid() and not fixed and not draw_count:
            raise forms.ValidationError(
                "Add at least one question, or choose how many to draw at random."
            )
        return cleaned_data


class QuestionCategoryAdminForm(WagtailAdminModelForm):
    """Question bank > Categories: the trainer names the topic in words; the slug
    (used in imports and quiz draws) is made from the name unless one is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "Used in imports and exports. Leave blank to have one made from "
                "the name."
            )

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug"):
            cleaned_data["slug"] = self._free_slug(cleaned_data.get("name") or "")
        return cleaned_data

    def _free_slug(self, name: str) -> str:
        base = slugify(name)[:90] or "category"
        taken = set(
            type(self.instance)
            .objects.filter(slug__startswith=base)
            .exclude(pk=self.instance.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug
