"""The question and category choosers in the admin (the quiz editor's "Choose a
question", a question's "Choose a category"): search as you type, and filter
questions by type, category and capability, instead of paging through the bank.

Wagtail's chooser searches as the trainer types into its ``q`` field and refilters
when a field marked ``data-chooser-modal-search-filter`` changes.
"""

import secrets

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils.html import escape
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)

from .models import (
    QUESTION_TYPES,
    Capability,
    ChoiceOption,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
)
from .selectors import question_type_label

FILTER = {"data-chooser-modal-search-filter": True}


class _SearchForm(forms.Form):
    """What Wagtail's chooser templates expect of a filter form."""

    q = forms.CharField(label="Search", required=False)
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_searching = False
        self.is_filtering_by_collection = False
        self.search_query = None

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()[:200]
        if query:
            match = Q()
            for name in self.search_fields:
                match |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(match)
            self.is_searching = True
            self.search_query = query
        return objects


class QuestionChooserFilterForm(_SearchForm):
    q = forms.CharField(
        label="Search questions",
        required=False,
        help_text="Type part of the question's text or its key.",
    )
    type = forms.ChoiceField(
        label="Type",
        required=False,
        widget=forms.Select(attrs=FILTER),
    )
    category = forms.ModelChoiceField(
        label="Category",
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label="All categories",
        widget=forms.Select(attrs=FILTER),
    )
    capability = forms.ChoiceField(
        label="Capability area",
        choices=[("", "All capability areas"), *Capability.choices],
        required=False,
        widget=forms.Select(attrs=FILTER),
    )
    search_fields = ("stem", "key")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            ("", "All types"),
            *((name, model.type_label) for name, model in QUESTION_TYPES.items()),
        ]

    def filter(self, objects):
        objects = super().filter(objects)
        data = self.cleaned_data
        model = QUESTION_TYPES.get(data.get("type") or "")
        if model is not None:
            objects = objects.filter(
                polymorphic_ctype=ContentType.objects.get_for_model(model)
            )
        if data.get("category"):
            objects = objects.filter(category=data["category"])
        if data.get("capability"):
            objects = objects.filter(capability=data["capability"])
        return objects


class _QuestionChooserMixin:
    filter_form_class = QuestionChooserFilterForm
    per_page = 20

    def get_object_list(self):
        # One query per page of results: the type comes from the content type.
        return Question.objects.non_polymorphic().select_related("category")

    @property
    def columns(self):
        return [
            *super().columns,
            Column("type", label="Type", accessor=question_type_label),
            Column("category", label="Category", accessor="category.name"),
            Column("capability", label="Capability", accessor="get_capability_display"),
        ]


class QuestionChooseView(_QuestionChooserMixin, ChooseView):
    pass


class QuestionChooseResultsView(_QuestionChooserMixin, ChooseResultsView):
    pass


class QuickQuestionForm(forms.ModelForm):
    """The chooser's "Create" tab: a single-choice question written without
    leaving the quiz editor. Other types, explanations and per-option feedback
    are added later in Question bank > Questions."""

    stem = forms.CharField(
        label="Question", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    option_1 = forms.CharField(label="Option 1", max_length=500)
    option_2 = forms.CharField(label="Option 2", max_length=500)
    option_3 = forms.CharField(label="Option 3", max_length=500, required=False)
    option_4 = forms.CharField(label="Option 4", max_length=500, required=False)
    correct = forms.ChoiceField(
        label="Correct option",
        choices=[(str(n), f"Option {n}") for n in range(1, 5)],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SingleChoiceQuestion
        fields = ["category", "capability"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["stem", "option_1", "option_2", "option_3", "option_4", "correct"]
        )

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{n}", "").strip() for n in range(1, 5)]

    def clean(self):
        cleaned_data = super().clean()
        correct = cleaned_data.get("correct")
        if correct and not self.options()[int(correct) - 1]:
            self.add_error("correct", "The correct option has no text.")
        return cleaned_data

    @transaction.atomic
    def save(self, commit=True):
        question = super().save(commit=False)
        question.stem = f"<p>{escape(self.cleaned_data['stem'])}</p>"
        question.key = f"{question.category.slug[:60]}-{secrets.token_hex(4)}"
        question.save()
        correct = int(self.cleaned_data["correct"])
        for order, text in enumerate(self.options(), start=1):
            if text:
                ChoiceOption.objects.create(
                    question=question,
                    text=text,
                    is_correct=order == correct,
                    sort_order=order,
                )
        return question


class QuestionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    creation_form_class = QuickQuestionForm
    create_action_label = "Create a single-choice question"


class CategoryChooserFilterForm(_SearchForm):
    q = forms.CharField(label="Search categories", required=False)
    search_fields = ("name", "slug")


class _CategoryChooserMixin:
    filter_form_class = CategoryChooserFilterForm


class CategoryChooseView(_CategoryChooserMixin, ChooseView):
    pass


class CategoryChooseResultsView(_CategoryChooserMixin, ChooseResultsView):
    pass


class CategoryChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CategoryChooseView
    choose_results_view_class = CategoryChooseResultsView
