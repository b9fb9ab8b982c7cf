"""Admin forms for questions and quizzes: the checks a trainer's input must pass."""

import secrets

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


def _live_forms(formset) -> list:
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
        return cleaned_data

    def _check_children(self) -> None:
        type_name = getattr(self._meta.model, "type_name", "")
        if "options" in self.formsets and type_name in {
            "single_choice",
            "multiple_response",
        }:
            options = _live_forms(self.formsets["options"])
            correct = [f for f in options if f.cleaned_data.get("is_correct")]
            if self.formsets["options"].is_valid() and len(options) < 2:
                self.add_error(None, "Give at least two options.")
            if type_name == "single_choice" and options and len(correct) != 1:
                self.add_error(None, "Mark exactly one option as correct.")
            if type_name == "multiple_response" and options and not correct:
                self.add_error(None, "Mark at least one option as correct.")
        for relation, message in (
            ("items", "Give at least two steps to put in order."),
            ("pairs", "Give at least two pairs to match."),
        ):
            formset = self.formsets.get(relation)
            if (
                formset is not None
                and formset.is_valid()
                and len(_live_forms(formset)) < 2
            ):
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
        live = _live_forms(formset) if formset is not None else []
        fixed = len(live)
        chosen = [f.cleaned_data.get("question") for f in live]
        if len({q.pk for q in chosen if q}) < len([q for q in chosen if q]):
            self.add_error(None, "Each question can be in the quiz only once.")
        if formset is not None and formset.is_valid() and not fixed and not draw_count:
            raise forms.ValidationError(
                "Add at least one question, or choose how many to draw at random."
            )
        return cleaned_data
