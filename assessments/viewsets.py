"""The admin's views of the question bank and the quiz reports, as viewsets:
Question bank > Questions, Scenarios, Categories (snippet viewsets), each question
type's own create and edit views, and Reports > Quiz statistics. Registered in
``wagtail_hooks.py``.

Questions are polymorphic. "Questions" lists every type together (search, filters by
type, category, capability and scenario); "Add question" asks for the type first and
then opens that type's own form, with its options, steps or pairs inline. Edit, copy,
delete and history on the combined listing go to the question's own type's views.
Each type's form has a live preview of the question as a learner sees it.
"""

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import (
    CopyView,
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from . import authoring
from .admin_views import (
    VIEW_ATTEMPTS,
    QuizStatisticsIndexView,
    QuizStatisticsView,
)
from .choosers import CategoryChooserViewSet, QuestionChooserViewSet
from .marking import MARK_PERMISSION
from .marking_views import MarkAttemptView, MarkingQueueView
from .models import (
    QUESTION_TYPES,
    Capability,
    Question,
    QuestionCategory,
    Scenario,
)
from .selectors import load_questions, question_type_label

QUESTION_LIST_URL = "wagtailsnippets_assessments_question:list"


# --- the combined listing -------------------------------------------------------------


def _type_choices():
    return [(name, cls.type_label) for name, cls in QUESTION_TYPES.items()]


class QuestionFilterSet(WagtailFilterSet):
    type = ChoiceFilter(label="Type", choices=_type_choices, method="filter_type")
    category = ModelChoiceFilter(
        queryset=QuestionCategory.objects.all(), empty_label="All categories"
    )
    capability = ChoiceFilter(choices=Capability.choices)
    scenario = ModelChoiceFilter(
        queryset=Scenario.objects.all(), empty_label="All scenarios"
    )

    class Meta:
        model = Question
        fields = ["type", "category", "capability", "scenario"]

    def filter_type(self, queryset, name, value):
        model = QUESTION_TYPES.get(value)
        if model is None:
            return queryset
        return queryset.filter(
            polymorphic_ctype=ContentType.objects.get_for_model(model)
        )


class ChooseTypeView(WagtailAdminTemplateMixin, TemplateView):
    """Step one of "Add question": pick the type, then fill in that type's form."""

    template_name = "assessments/admin/choose_question_type.html"
    page_title = "Add question"
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        if not self.types():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def types(self):
        user = self.request.user
        return [
            {
                "label": model.type_label,
                "description": model.type_description,
                "url": reverse(model.snippet_viewset.get_url_name("add")),
            }
            for model in QUESTION_TYPES.values()
            if user.has_perm(f"assessments.add_{model._meta.model_name}")
        ]

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(QUESTION_LIST_URL), "label": "Questions"},
            {"url": "", "label": "Add question"},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(types=self.types(), **kwargs)


def _to_own_type(view_name: str):
    """A view of the combined listing that forwards to the question's own type."""

    def view(request, pk):
        question = get_object_or_404(Question, pk=pk)
        viewset = type(question).snippet_viewset
        url = reverse(viewset.get_url_name(view_name), args=[quote(question.pk)])
        query = request.META.get("QUERY_STRING")
        return redirect(f"{url}?{query}" if query else url)

    return view


class QuestionIndexView(IndexView):
    """The combined listing, with each question's authoring checks and, above the
    list, the checks that need a whole quiz (draw sizes, repeated patterns)."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        rows = list(object_list)
        # The page's questions as their own types, in a fixed number of queries.
        found = authoring.question_warnings(load_questions([q.pk for q in rows]))
        for row in rows:
            row.authoring_warnings_found = found.get(row.pk, [])
        return paginator, page, rows, is_paginated

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.results_only:
            context["quiz_warnings"] = authoring.bank_quiz_warnings()
        return context


def _checks_text(question) -> str:
    found = getattr(question, "authoring_warnings_found", [])
    if not found:
        return "No cues found"
    return " ".join(f"⚠ {warning}" for warning in found)


class QuestionViewSet(SnippetViewSet):
    """Every question in the bank, whatever its type."""

    model = Question
    index_view_class = QuestionIndexView
    index_template_name = "assessments/admin/question_index.html"
    icon = "help"
    chooser_viewset_class = QuestionChooserViewSet
    menu_label = "Questions"
    menu_name = "questions"
    list_per_page = 50
    filterset_class = QuestionFilterSet
    search_fields = ["key", "stem", "explanation"]
    search_backend_name = None
    ordering = ["category__name", "key"]
    copy_view_enabled = True
    inspect_view_enabled = False

    @cached_property
    def list_display(self):
        return [
            TitleColumn(
                "__str__",
                label="Question",
                url_name=self.get_url_name("edit"),
            ),
            Column("type", label="Type", accessor=question_type_label),
            Column("category", label="Category", sort_key="category__name"),
            Column("capability", accessor="get_capability_display"),
            Column("points"),
            Column("checks", label="Authoring checks", accessor=_checks_text),
        ]

    def get_queryset(self, request):
        # One query for the page of results: the type comes from the content type
        # (cached), so the listing does not fetch every subclass row.
        return Question.objects.non_polymorphic().select_related("category")

    @property
    def add_view(self):
        return ChooseTypeView.as_view(breadcrumbs_items=self.breadcrumbs_items)

    @property
    def edit_view(self):
        return _to_own_type("edit")

    @property
    def copy_view(self):
        return _to_own_type("copy")

    @property
    def delete_view(self):
        return _to_own_type("delete")

    @property
    def history_view(self):
        return _to_own_type("history")

    @property
    def usage_view(self):
        return _to_own_type("usage")


# --- one viewset per question type ----------------------------------------------------


class _BackToQuestionsMixin:
    """After saving, go back to the combined listing rather than the type's own."""

    def get_success_url(self):
        return reverse(QUESTION_LIST_URL)


class QuestionCreateView(_BackToQuestionsMixin, CreateView):
    pass


class QuestionEditView(_BackToQuestionsMixin, EditView):
    """The type's own form, with the question's authoring checks above it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["authoring_warnings"] = self.object.authoring_warnings()
        return context


class QuestionCopyView(_BackToQuestionsMixin, CopyView):
    """Copy a question with its options, steps or pairs, under a new key."""

    def get_initial_form_instance(self):
        original = self.get_object()
        copy, _ = original.copy_cluster(
            exclude_fields=["id", "question_ptr", "key", "created_at", "updated_at"]
        )
        return copy


class QuestionTypeViewSet(SnippetViewSet):
    """The create, edit, copy, delete and preview views of one question type."""

    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    copy_view_class = QuestionCopyView
    copy_view_enabled = True
    inspect_view_enabled = False
    edit_template_name = "assessments/admin/question_edit.html"
    icon = "help"
    search_fields = ["key", "stem"]
    search_backend_name = None

    @cached_property
    def breadcrumbs_items(self):
        return super().breadcrumbs_items[:1] + [
            {"url": reverse_lazy(QUESTION_LIST_URL), "label": "Questions"}
        ]

    def get_queryset(self, request):
        return self.model.objects.select_related("category")

    @cached_property
    def list_display(self):
        return [
            "__str__",
            Column("category", label="Category", sort_key="category__name"),
            Column("capability", accessor="get_capability_display"),
        ]


def question_type_viewsets() -> list[QuestionTypeViewSet]:
    """One viewset per question type, configured from the type's own labels."""
    return [
        QuestionTypeViewSet(
            model=model,
            menu_label=model.type_label,
            add_item_label=f"Add {model.type_label.lower()} question",
        )
        for model in QUESTION_TYPES.values()
    ]


class ScenarioViewSet(SnippetViewSet):
    """Case vignettes that several questions share."""

    model = Scenario
    icon = "doc-full"
    menu_label = "Scenarios"
    menu_name = "scenarios"
    search_fields = ["title", "key", "text"]
    search_backend_name = None
    list_display = ["title", "key"]


class QuestionCategoryViewSet(SnippetViewSet):
    """Topics of the question bank, which quizzes draw questions from."""

    model = QuestionCategory
    icon = "tag"
    chooser_viewset_class = CategoryChooserViewSet
    menu_label = "Categories"
    menu_name = "categories"
    search_fields = ["name", "slug"]
    search_backend_name = None
    list_display = ["name", "slug"]


class QuestionBankGroup(SnippetViewSetGroup):
    """The "Question bank" menu."""

    menu_label = "Question bank"
    menu_icon = "help"
    menu_name = "question-bank"
    menu_order = 250
    items = (QuestionViewSet, ScenarioViewSet, QuestionCategoryViewSet)


# --- Reports > Quiz statistics ------------------------------------------------------


class QuizStatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_ATTEMPTS)


class QuizStatisticsViewSet(ViewSet):
    """Reports > Quiz statistics: the quizzes, and each quiz's figures."""

    name = "quiz_statistics"
    url_prefix = "reports/quiz-statistics"
    icon = "help"
    menu_label = "Quiz statistics"
    menu_name = "quiz-statistics"
    menu_order = 110
    menu_hook = "register_reports_menu_item"
    menu_item_class = QuizStatisticsMenuItem

    def get_urlpatterns(self):
        return [
            path("", QuizStatisticsIndexView.as_view(), name="index"),
            path(
                "results/",
                QuizStatisticsIndexView.as_view(results_only=True),
                name="index_results",
            ),
            path("<id:quiz_id>/", QuizStatisticsView.as_view(), name="quiz"),
        ]


class MarkingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MARK_PERMISSION)


class MarkingViewSet(ViewSet):
    """Reports > Marking: attempts awaiting marking, and the marking screen."""

    name = "marking"
    url_prefix = "reports/marking"
    icon = "edit"
    menu_label = "Marking"
    menu_name = "marking"
    menu_order = 105
    menu_hook = "register_reports_menu_item"
    menu_item_class = MarkingMenuItem

    def get_urlpatterns(self):
        return [
            path("", MarkingQueueView.as_view(), name="index"),
            path(
                "results/",
                MarkingQueueView.as_view(results_only=True),
                name="index_results",
            ),
            path("<id:attempt_id>/", MarkAttemptView.as_view(), name="mark"),
        ]
