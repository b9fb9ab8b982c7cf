"""The catalogue as Wagtail pages, and what learners do with it.

Pages: CourseIndexPage (the home page and catalogue) > CoursePage > ModulePage >
LessonPage (and assessments.QuizPage). Editors find them under Pages in the admin.

Learner records: Enrolment, StepCompletion, LessonTime, ReflectionAnswer and
CourseCompletion. They are written only through ``courses.services``.
"""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from training.blocks import RICH_FEATURES, LearningOutcomesBlock, LessonStreamBlock
from training.learnercache import learner_page
from training.pagecache import PublicPageCacheMixin

from .page_forms import CoursePageForm

CONTENT_NOTE_HELP = (
    "Shown before the content, so learners can prepare: say what the content "
    "describes (for example physical or sexual abuse). Leave blank if not needed."
)


class CourseIndexPage(PublicPageCacheMixin, Page):
    """The home page: the catalogue of every published course.

    There is one, at the root of the site; courses and standard pages sit under it.
    """

    intro = RichTextField(features=RICH_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage", "training.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue_courses

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = catalogue_courses(root=self, user=request.user)
        return context


class CoursePage(PublicPageCacheMixin, Page):
    """A course (a track): modules in order, with outcomes, hours and an Enrol button.

    Editors add a course under the home page, then its modules under it.
    """

    audience = models.CharField(
        max_length=200,
        help_text="Who the course is for, e.g. 'All substance-use workers'.",
    )
    hours = models.DecimalField(
        "length in hours",
        max_digits=5,
        decimal_places=1,
        help_text="Expected study time; printed on certificates as CPD hours.",
    )
    summary = models.TextField(help_text="One or two sentences for the catalogue.")
    intro = RichTextField(features=RICH_FEATURES, blank=True)
    content_note = models.TextField(blank=True, help_text=CONTENT_NOTE_HELP)
    learning_outcomes = StreamField(
        LearningOutcomesBlock(),
        blank=True,
        help_text="What a learner will be able to do after the course, one per line.",
    )
    sequential = models.BooleanField(
        "modules in order",
        default=False,
        help_text="Each module opens only when the one before it is complete.",
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How long a certificate stays valid. Leave blank for no expiry.",
    )
    refresher_course = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refreshes",
        help_text="A shorter course that renews this course's certificate. It opens "
        "to holders when their certificate is about to expire (or has expired).",
    )

    lesson_minimum_percent = models.PositiveSmallIntegerField(
        "minimum time on each lesson (% of its reading time)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Learners can mark a lesson complete only after spending this "
        "share of the lesson's reading time on it, counted while the lesson is "
        "open in front of them and they are reading (scrolling, typing or "
        "clicking). For example, 50 asks for 10 minutes on a 20-minute lesson. "
        "Leave blank for no minimum.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("hours"), FieldPanel("summary")],
            heading="Catalogue",
        ),
        FieldPanel("intro"),
        FieldPanel("content_note"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("sequential"),
                FieldPanel("lesson_minimum_percent"),
                FieldPanel("certificate_validity_months"),
                FieldPanel("refresher_course"),
            ],
            heading="Completion and certificate",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("audience"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    base_form_class = CoursePageForm

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress
        from .signals import course_page_sections, gathered

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = course_progress(course=self, user=request.user)
        context["course_sections"] = (
            gathered(
                course_page_sections,
                request=request,
                course=self,
                progress=context["progress"],
            )
            if context["progress"].enrolled
            else []
        )
        return context


class ModulePage(PublicPageCacheMixin, Page):
    """A module of a course: its lessons and quizzes, in the order of the page tree."""

    summary = models.TextField(blank=True)
    content_note = models.TextField(blank=True, help_text=CONTENT_NOTE_HELP)
    optional = models.BooleanField(
        default=False,
        help_text="Optional modules are not needed to complete the course.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("content_note"),
        FieldPanel("optional"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "assessments.QuizPage"]

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress

        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        progress = course_progress(course=course, user=request.user)
        context["course"] = course
        context["progress"] = progress
        context["module_progress"] = progress.module(self.pk)
        return context


class LearnerOnlyPageMixin:
    """A step of a module (a lesson, a quiz): served only to learners enrolled in
    its course (and to editors).

    Every page type with this mixin is a step: progress, locks and reports list
    its live pages, and a learner has done one when a ``StepCompletion`` row says
    so. The ``step_*`` attributes say how the step is named on learners' pages.

    Anonymous visitors are sent to sign in; signed-in people who are not enrolled, or
    whose module is still locked, see a page that says what to do first (status 403).
    The progress worked out here is handed on to ``get_context``.
    """

    #: Steps of different kinds are counted in this order ("lessons complete"
    #: before "quizzes passed").
    step_order: ClassVar[int] = 0
    step_label: ClassVar[str] = "Step"
    step_plural: ClassVar[str] = "steps"
    #: Said of a done step: "Done", "Passed"; and in counts: "complete", "passed".
    step_done_label: ClassVar[str] = "Done"
    step_verb_done: ClassVar[str] = "complete"
    #: Added after the title where a learner is told what is left, e.g.
    #: " (pass the quiz)".
    step_remaining_hint: ClassVar[str] = ""

    def course(self) -> "CoursePage":
        return CoursePage.objects.ancestor_of(self).get()

    def serve(self, request, *args, **kwargs):
        from .selectors import is_editor, step_course_progress

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        progress = step_course_progress(step=self, user=request.user)
        course = progress.course
        editor = is_editor(request.user)
        step = progress.step(self.pk)
        if not editor and not progress.enrolled:
            template = "courses/not_enrolled.html"
        elif not editor and step is not None and step.locked:
            template = "courses/locked.html"
        else:
            return super().serve(request, *args, progress=progress, **kwargs)
        context = {
            "page": self,
            "course": course,
            "progress": progress,
            "module": progress.module_of(self.pk),
        }
        return TemplateResponse(request, template, context, status=403)

    def get_context(self, request, *args, progress=None, **kwargs):
        from .selectors import course_progress

        context = super().get_context(request, *args, **kwargs)
        course = progress.course if progress else self.course()
        progress = progress or course_progress(course=course, user=request.user)
        context["course"] = course
        context["progress"] = progress
        context["step"] = progress.step(self.pk)
        context["module_progress"] = progress.module_of(self.pk)
        return context


class LessonPage(LearnerOnlyPageMixin, Page):
    """A lesson: a body of blocks the learner reads, then marks complete.

    A learner's view of it is kept in the cache (``training.learnercache``); its
    reading-time token, which says when the page was served, is made fresh for
    every answer."""

    step_label = "Lesson"
    step_plural = "lessons"

    summary = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField("reading time in minutes", default=15)
    body = StreamField(LessonStreamBlock(), use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("minutes"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def serve(self, request, *args, **kwargs):
        return learner_page(
            request,
            lambda: super(LessonPage, self).serve(request, *args, **kwargs),
            parts=lambda context: self._per_answer_parts(request, context),
        )

    def _per_answer_parts(self, request, context) -> dict[str, str]:
        from .timing import token_make

        if context is None:
            return {
                "time_token": token_make(
                    user=request.user, lesson=self, now=timezone.now()
                )
            }
        state = context.get("lesson_time")
        return {"time_token": state.token} if state else {}

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_time_state, reflection_answers

        context = super().get_context(request, *args, **kwargs)
        # Read only if the body has a reflection to show them in.
        context["reflections"] = SimpleLazyObject(
            lambda: reflection_answers(user=request.user, lesson=self)
        )
        # Per learner and per request: never part of any cached rendering.
        context["lesson_time"] = (
            lesson_time_state(user=request.user, lesson=self, course=context["course"])
            if context["progress"].enrolled
            else None
        )
        return context


class Enrolment(models.Model):
    """A learner's place on a course. Created by the Enrol button; one per course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment")
        ]

    def __str__(self):
        return f"{self.user} on {self.course}"


class StepCompletion(models.Model):
    """The moment a learner finished a step: marked a lesson complete, or first
    passed a quiz. Recorded once, through ``courses.services.step_complete``; the
    one table progress, locks and reports read to tell a step is done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="step_completions",
    )
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="step_completions"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    # Learner records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page"], name="unique_step_completion"
            )
        ]

    def __str__(self):
        return f"{self.user} completed {self.page}"


class LessonTime(models.Model):
    """How long a learner has spent reading one lesson: active time only (the
    lesson open in a visible tab, with some scrolling, typing or clicking in the
    last minute), as the lesson page's script reports it about once a minute.

    One row per learner and lesson, added to in place by
    ``courses.services.lesson_time_record``, which never credits more than the
    wall time since the previous report (``last_beat_at``). Reports and the
    learner's record show the totals; a course's ``lesson_minimum_percent`` reads
    them before "Mark as complete" is offered.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_times"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="learner_times"
    )
    seconds = models.PositiveIntegerField(default=0)
    first_beat_at = models.DateTimeField(default=timezone.now)
    last_beat_at = models.DateTimeField(default=timezone.now)

    # Learner records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="unique_lesson_time"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.lesson}: {self.seconds} s"


class ReflectionAnswer(models.Model):
    """A learner's private answer to a reflection prompt in a lesson.

    ``block_id`` is the StreamField block's id, so answers survive edits that move the
    prompt within the lesson.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="reflections"
    )
    block_id = models.CharField(max_length=64)
    text = models.TextField(max_length=10_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="unique_reflection"
            )
        ]

    def __str__(self):
        return f"{self.user}'s reflection on {self.lesson}"


class CurrentCompletions(models.Manager):
    """Completions of the learner's current run of each course (the default)."""

    def get_queryset(self):
        return super().get_queryset().filter(renewed_at__isnull=True)


class AllCompletions(models.Manager):
    """Every completion, the learner's history of earlier runs included."""


class CourseCompletion(models.Model):
    """The moment a learner completed a course. Recorded once per run, and final.

    Later edits to the course never remove it; certificates are issued from it. A
    refresher course is taken again in each recertification window: starting it
    again stamps the previous completion ``renewed_at`` and it stays in the
    learner's history (``CourseCompletion.history``; CPD record, data export),
    while ``CourseCompletion.objects`` reads only current runs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(db_index=True)
    renewed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner started this refresher course again; the "
        "completion is then history.",
    )

    objects = CurrentCompletions()
    history = AllCompletions()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(renewed_at__isnull=True),
                name="unique_course_completion",
            )
        ]

    def __str__(self):
        return f"{self.user} completed {self.course}"


class Assignment(models.Model):
    """A course an organisation asked a member of its staff to complete by a date.

    Made by the organisation's manager in "My team" (which also enrols the learner);
    the learner sees "Assigned by <organisation>, due <date>" on My learning. One per
    learner and course: assigning again changes the due date. Written only through
    ``courses.services``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="assignments"
    )
    organisation = models.ForeignKey(
        "training.Organisation", on_delete=models.CASCADE, related_name="assignments"
    )
    due_on = models.DateField(db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_assignment")
        ]

    def __str__(self):
        return f"{self.course} for {self.user}, due {self.due_on}"


class AssignmentReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class AssignmentReminder(models.Model):
    """A reminder about an assignment that has been sent, so it is sent only once
    (for one due date) however often the reminder job runs."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=AssignmentReminderKind.choices)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on"],
                name="unique_assignment_reminder",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder for {self.assignment}"
