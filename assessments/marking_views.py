"""Trainers' marking in the Wagtail admin: Reports > Marking (the queue of attempts
awaiting marking, oldest first) and the marking screen of one attempt.

Both need "Can mark written answers" (the Trainers group has it), and only show
attempts at quizzes the trainer can edit. Registered in ``wagtail_hooks.py``.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CoursePage

from . import marking
from .marking_selectors import marking_queue, marking_screen, queue_counts
from .models import Attempt, MarkingState, QuizPage

MARKING_POLICY = ModelPermissionPolicy(Attempt)


def learner_label(attempt: Attempt) -> str:
    """How an attempt is named while marking is anonymous."""
    return f"Candidate {attempt.pk}"


class MarkingQueueFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        queryset=CoursePage.objects.order_by("title"),
        label="Course",
        method="filter_course",
    )
    quiz = django_filters.ModelChoiceFilter(
        queryset=QuizPage.objects.order_by("title"), label="Quiz"
    )
    organisation = django_filters.CharFilter(
        label="Organisation", field_name="user__organisation", lookup_expr="iexact"
    )

    class Meta:
        model = Attempt
        fields = ["course", "quiz", "organisation"]

    def filter_course(self, queryset, name, value):
        return queryset.filter(quiz__path__startswith=value.path)


def _status(attempt: Attempt) -> str:
    row = getattr(attempt, "marking", None)
    if row is None:
        return "Not started"
    if (
        row.marker_id
        and row.opened_at
        and (timezone.now() - row.opened_at < marking.MARKER_HOLD)
    ):
        return f"Being marked by {row.marker.full_name}"
    if row.draft_by_id:
        return f"Draft saved by {row.draft_by.full_name}"
    return "Not started"


def _due(attempt: Attempt) -> str:
    if attempt.marking_due is None:
        return "—"
    text = timezone.localtime(attempt.marking_due).strftime("%-d %b %Y")
    return f"{text} (overdue)" if attempt.marking_due < timezone.now() else text


class MarkingQueueView(ReportView):
    """Attempts awaiting marking, oldest first, with filters and counts."""

    page_title = "Marking"
    header_icon = "edit"
    model = Attempt
    permission_policy = MARKING_POLICY
    permission_required = "mark"
    filterset_class = MarkingQueueFilterSet
    index_url_name = "marking:index"
    index_results_url_name = "marking:index_results"
    template_name = "assessments/admin/marking/queue.html"
    results_template_name = "assessments/admin/marking/queue_results.html"
    paginate_by = 50

    @cached_property
    def columns(self):
        return [
            Column(
                "submitted_at",
                label="Submitted",
                accessor=lambda a: timezone.localtime(a.submitted_at).strftime(
                    "%-d %b %Y, %H:%M"
                ),
            ),
            Column("learner", label="Learner", accessor=learner_label),
            Column("organisation", label="Organisation", accessor="user.organisation"),
            Column("course_title", label="Course"),
            Column("quiz", label="Quiz", accessor="quiz.title"),
            Column("number", label="Attempt"),
            Column("written_count", label="Written answers"),
            Column("marking_due", label="Learner told to expect by", accessor=_due),
            Column("status", label="Status", accessor=_status),
            MarkLinkColumn("mark", label="Action"),
        ]

    def get_base_queryset(self):
        return marking_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = queue_counts(self.object_list)
        context["all_counts"] = queue_counts(self.get_base_queryset())
        return context


class MarkLinkColumn(Column):
    cell_template_name = "assessments/admin/marking/mark_link_cell.html"

    def get_value(self, instance):
        return reverse("marking:mark", args=[instance.pk])

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["label"] = learner_label(instance)
        return context


def _entered(post, screen) -> tuple[dict, dict]:
    """The marks and feedback in a POSTed marking form, by (position, criterion)."""
    inputs, echo = {}, {}
    for item in screen.items:
        for criterion in item.criteria:
            name = criterion.field(item.position)
            value = post.get(name, "")[:20]
            feedback = post.get(f"f{name[1:]}", "")[:20_000]
            inputs[(item.position, criterion.id)] = marking.CriterionInput(
                marks=value, feedback=feedback
            )
            echo[f"{item.position}:{criterion.id}"] = {
                "marks": value,
                "feedback": feedback,
            }
    return inputs, echo


class MarkAttemptView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One attempt's written answers with the rubric: marks and feedback per
    criterion, save as draft, release; re-marking needs a reason."""

    permission_policy = MARKING_POLICY
    permission_required = "mark"
    template_name = "assessments/admin/marking/mark.html"
    header_icon = "edit"

    @cached_property
    def attempt(self) -> Attempt:
        attempt = (
            Attempt.objects.select_related("quiz", "user")
            .filter(
                pk=self.kwargs["attempt_id"],
                quiz__in=marking.markable_quizzes(user=self.request.user),
            )
            .exclude(marking_state=MarkingState.NONE)
            .first()
        )
        if attempt is None:
            raise Http404("No attempt of yours to mark has that number.")
        return attempt

    @property
    def reveal(self) -> bool:
        return self.request.GET.get("reveal") == "1"

    def get_page_title(self):
        return f"Mark: {self.attempt.quiz.title}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("marking:index"), "label": "Marking"},
            {"url": "", "label": learner_label(self.attempt)},
        ]

    def get(self, request, *args, **kwargs):
        row, other = marking.marking_open(attempt=self.attempt, trainer=request.user)
        return self.render(row, other=other)

    def render(self, row, *, other=None, entered=None, errors=(), status=200, **extra):
        screen = marking_screen(attempt=self.attempt, marking=row, entered=entered)
        context = self.get_context_data(
            screen=screen,
            attempt=self.attempt,
            other=other,
            errors=list(errors),
            reveal=self.reveal,
            learner_label=learner_label(self.attempt),
            form_reason=extra.pop("reason", ""),
            **extra,
        )
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        from .models import AttemptMarking

        row, _ = AttemptMarking.objects.get_or_create(attempt=self.attempt)
        screen = marking_screen(attempt=self.attempt, marking=row)
        inputs, echo = _entered(request.POST, screen)
        release = request.POST.get("action") == "release"
        reason = request.POST.get("reason", "")[:5000]
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            result = marking.marking_save(
                attempt=self.attempt,
                trainer=request.user,
                version=version,
                marks=inputs,
                release=release,
                reason=reason,
                confirm_withdrawal=request.POST.get("confirm_withdrawal") == "1",
            )
        except PermissionDenied:
            raise
        except marking.RevocationNeedsConfirmation as error:
            return self.render(
                row,
                entered=echo,
                errors=error.messages,
                status=409,
                needs_confirmation=True,
                reason=reason,
            )
        except marking.StaleMarking as error:
            row.refresh_from_db()
            return self.render(
                row, entered=echo, errors=error.messages, status=409, reason=reason
            )
        except marking.MarkingError as error:
            return self.render(
                row, entered=echo, errors=error.messages, status=400, reason=reason
            )
        if not result.released:
            messages.success(
                request,
                f"Draft saved for {learner_label(self.attempt)}. The learner sees "
                "nothing until you release the marks.",
            )
            url = reverse("marking:mark", args=[self.attempt.pk])
            return redirect(f"{url}?reveal=1" if self.reveal else url)
        attempt = result.attempt
        outcome = "passed" if attempt.passed else "did not pass"
        note = ""
        if result.completion_withdrawn:
            note = " Their course completion and certificate were withdrawn."
        elif result.course_completed_now:
            note = " This completed their course; the certificate is on its way."
        messages.success(
            request,
            f"Marks {'changed' if result.remarked else 'released'} for "
            f"{learner_label(attempt)}: {attempt.percent}%, {outcome}. The learner "
            f"is being emailed.{note}",
        )
        return redirect("marking:index")
