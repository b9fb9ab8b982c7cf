"""Reads that cross relations: the catalogue, a learner's progress, reflections.

Every function here runs a fixed number of queries, however many modules, lessons or
learners there are; the page tests assert it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Site

from training.models import MembershipStatus
from training.pagecache import (
    content_cache_seconds,
    versioned_get_many,
    versioned_set_many,
)

from .models import (
    Assignment,
    AssignmentReminder,
    AssignmentReminderKind,
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonTime,
    ModulePage,
    ReflectionAnswer,
)
from .steps import done_rows, step_models
from .timing import remaining_text, required_seconds, token_make

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
LOCKED = "locked"

STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETE: "Complete",
    LOCKED: "Locked",
}


def _is_learner(user) -> bool:
    return bool(user and user.is_authenticated)


def is_editor(user) -> bool:
    """People who may see course content without enrolling (trainers, admins)."""
    return _is_learner(user) and user.has_perm("wagtailadmin.access_admin")


@dataclass
class Step:
    """One lesson or quiz in a module, as the learner stands with it."""

    page: object
    done: bool
    locked: bool = False
    #: The step's address, when worked out already (the outline keeps it).
    link: str | None = None

    @property
    def url(self) -> str:
        return self.link if self.link is not None else self.page.url

    @property
    def kind(self) -> str:
        """ "lesson", "quiz": the step's kind in words."""
        return self.page.step_label.lower()


@dataclass
class ModuleProgress:
    """A module's steps and state for one learner."""

    page: ModulePage
    steps: list[Step]
    locked: bool = False
    blocked_by: ModulePage | None = None

    @property
    def optional(self) -> bool:
        return self.page.optional

    @property
    def complete(self) -> bool:
        return bool(self.steps) and all(step.done for step in self.steps)

    @property
    def status(self) -> str:
        if self.complete:
            return COMPLETE
        if self.locked:
            return LOCKED
        if any(step.done for step in self.steps):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def counts(self) -> list[tuple[str, int, int]]:
        return _counts(self.steps)

    @property
    def remaining(self) -> list[Step]:
        return [step for step in self.steps if not step.done]


def _counts(steps: Iterable[Step]) -> list[tuple[str, int, int]]:
    """(label, done, total) per kind of step, e.g. ("lessons complete", 5, 8)."""
    result = []
    steps = list(steps)
    for model in step_models():
        of_kind = [step for step in steps if type(step.page) is model]
        if of_kind:
            done = sum(step.done for step in of_kind)
            # "0 of 1 quiz passed", "2 of 5 quizzes passed"
            noun = model.step_label.lower() if len(of_kind) == 1 else model.step_plural
            result.append((f"{noun} {model.step_verb_done}", done, len(of_kind)))
    return result


@dataclass
class CourseProgress:
    """Where one learner stands on one course."""

    course: CoursePage
    enrolment: Enrolment | None
    modules: list[ModuleProgress] = field(default_factory=list)
    completion: CourseCompletion | None = None
    assignment: Assignment | None = None

    @property
    def overdue(self) -> bool:
        """Assigned, past its due date and not complete."""
        return bool(
            self.assignment
            and not self.complete
            and self.assignment.due_on < timezone.localdate()
        )

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def completed_at(self) -> datetime | None:
        return self.completion.completed_at if self.completion else None

    @property
    def required_steps(self) -> list[Step]:
        return [s for m in self.modules if not m.optional for s in m.steps]

    @property
    def all_required_done(self) -> bool:
        required = [m for m in self.modules if not m.optional]
        return bool(required) and all(m.complete for m in required)

    @property
    def complete(self) -> bool:
        return self.completion is not None

    def counts(self) -> list[tuple[str, int, int]]:
        return _counts(self.required_steps)

    @property
    def percent(self) -> int:
        steps = self.required_steps
        if self.complete and not [s for s in steps if not s.done]:
            return 100
        if not steps:
            return 0
        return round(100 * sum(s.done for s in steps) / len(steps))

    @property
    def status(self) -> str:
        if self.complete:
            return COMPLETE
        if any(s.done for m in self.modules for s in m.steps):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def next_step(self) -> Step | None:
        """The first unfinished step the learner can open, required ones first."""
        for required_only in (True, False):
            for module in self.modules:
                if module.locked or (required_only and module.optional):
                    continue
                for step in module.steps:
                    if not step.done:
                        return step
        return None

    @property
    def remaining_modules(self) -> list[ModuleProgress]:
        return [m for m in self.modules if not m.optional and not m.complete]

    def module(self, page_id: int) -> ModuleProgress | None:
        return next((m for m in self.modules if m.page.pk == page_id), None)

    def step(self, page_id: int) -> Step | None:
        return next(
            (s for m in self.modules for s in m.steps if s.page.pk == page_id), None
        )

    def module_of(self, page_id: int) -> ModuleProgress | None:
        return next(
            (m for m in self.modules if any(s.page.pk == page_id for s in m.steps)),
            None,
        )


def _path_filter(courses: list[CoursePage]) -> Q:
    return reduce(or_, (Q(path__startswith=c.path) for c in courses))


#: A course's outline: its live modules in order, each with its live steps in
#: order and their addresses. The same for every learner, so it is kept in the
#: cache under the page cache's version (any change to pages replaces it).
Outline = list[tuple[ModulePage, list[tuple[object, str | None]]]]
OUTLINE_PREFIX = "courses:outline:"


def _build_outlines(
    courses: list[CoursePage], *, with_urls: bool = True
) -> dict[str, Outline]:
    """Outlines by course path, in one query per kind of page. Addresses are
    worked out now only for an outline that will be kept (else when asked)."""
    in_courses = _path_filter(courses)
    root_paths = Site.get_site_root_paths() if with_urls else None
    modules = list(
        ModulePage.objects.live()
        .filter(in_courses, depth=courses[0].depth + 1)
        .defer_streamfields()
        .order_by("path")
    )
    steps = []
    for model in step_models():
        # Progress needs titles, urls and flags, never the bodies: a course's every
        # lesson body is the largest thing in the row, and decoding it is wasted.
        steps.extend(
            model.objects.live()
            .filter(in_courses)
            .defer_streamfields()
            .order_by("path")
        )
    steps_by_module: dict[str, list[tuple[object, str | None]]] = defaultdict(list)
    for page in sorted(steps, key=lambda page: page.path):
        # Every address from one reading of the site's root paths.
        if with_urls:
            page._wagtail_cached_site_root_paths = root_paths
        url = page.url if with_urls else None
        steps_by_module[page.path[: -page.steplen]].append((page, url))
    return {
        course.path: [
            (module, steps_by_module[module.path])
            for module in modules
            if module.path.startswith(course.path)
        ]
        for course in courses
    }


def _outlines(courses: list[CoursePage]) -> dict[str, Outline]:
    """Each course's outline, from the cache where it holds a current one."""
    seconds = content_cache_seconds()
    if seconds <= 0:
        return _build_outlines(courses, with_urls=False)
    keys = {course.path: OUTLINE_PREFIX + course.path for course in courses}
    version, found = versioned_get_many(list(keys.values()))
    outlines = {path: found[key] for path, key in keys.items() if key in found}
    missing = [course for course in courses if course.path not in outlines]
    if missing:
        built = _build_outlines(missing)
        versioned_set_many(
            version, {keys[path]: outline for path, outline in built.items()}, seconds
        )
        outlines.update(built)
    return outlines


def progress_for_courses(
    *,
    user,
    courses: list[CoursePage],
    enrolments: dict | None = None,
    outlines: dict[str, Outline] | None = None,
) -> dict[int, CourseProgress]:
    """Progress on several courses at once, in a fixed number of queries: the
    outlines (from the cache when current), then the learner's own records, read
    fresh every time. ``enrolments`` (by course id) saves reading them again."""
    if not courses:
        return {}
    if outlines is None:
        outlines = _outlines(courses)
    learner = _is_learner(user)
    completions = {}
    done: set[int] = set()
    if learner:
        course_ids = [c.pk for c in courses]
        step_ids = [
            page.pk
            for course in courses
            for _, steps in outlines[course.path]
            for page, _ in steps
        ]
        done, found_enrolments, completions = _learner_records(
            user=user,
            course_ids=course_ids,
            step_ids=step_ids,
            with_enrolments=enrolments is None,
        )
        if enrolments is None:
            enrolments = found_enrolments
    enrolments = enrolments if learner else {}
    result = {}
    for course in courses:
        progress = CourseProgress(
            course=course,
            enrolment=enrolments.get(course.pk),
            completion=completions.get(course.pk),
        )
        for module, steps in outlines[course.path]:
            progress.modules.append(
                ModuleProgress(
                    page=module,
                    steps=[
                        Step(page=page, done=page.pk in done, link=url)
                        for page, url in steps
                    ],
                )
            )
        _apply_locks(progress)
        result[course.pk] = progress
    return result


def _course_above(step, path: str) -> CoursePage:
    course = CoursePage.objects.filter(path=path).first()
    return course if course is not None else CoursePage.objects.ancestor_of(step).get()


_DONE, _ENROLMENT, _COMPLETION = 0, 1, 2


def _learner_records(
    *, user, course_ids: list[int], step_ids: list[int], with_enrolments: bool
) -> tuple[set[int], dict[int, Enrolment], dict[int, CourseCompletion]]:
    """The steps the learner has done, and their enrolments and completions (by
    course id), in one query whatever the number of courses or steps."""
    columns = ("pk", "thing", "at", "kind")
    parts = [
        CourseCompletion.objects.filter(user=user, course_id__in=course_ids)
        .annotate(thing=F("course_id"), at=F("completed_at"), kind=Value(_COMPLETION))
        .values_list(*columns)
        .order_by()
    ]
    if step_ids:
        parts.append(
            done_rows(user, step_ids)
            .annotate(thing=F("page_id"), at=F("completed_at"), kind=Value(_DONE))
            .values_list(*columns)
            .order_by()
        )
    if with_enrolments:
        parts.append(
            Enrolment.objects.filter(user=user, course_id__in=course_ids)
            .annotate(thing=F("course_id"), at=F("enrolled_at"), kind=Value(_ENROLMENT))
            .values_list(*columns)
            .order_by()
        )
    done: set[int] = set()
    enrolments: dict[int, Enrolment] = {}
    completions: dict[int, CourseCompletion] = {}
    for pk, thing, at, kind in parts[0].union(*parts[1:], all=True):
        if kind == _DONE:
            done.add(thing)
        elif kind == _ENROLMENT:
            enrolments[thing] = Enrolment.from_db(
                "default",
                ["id", "user_id", "course_id", "enrolled_at"],
                (pk, user.pk, thing, at),
            )
        else:
            completions[thing] = CourseCompletion.from_db(
                "default",
                ["id", "user_id", "course_id", "completed_at"],
                (pk, user.pk, thing, at),
            )
    return done, enrolments, completions


def step_course_progress(*, step, user) -> CourseProgress:
    """Progress on the course a step (lesson, quiz) belongs to. The course is found
    from the step's place in the tree (course > module > step), and it and its
    outline come from the cache in one round trip when current."""
    path = step.path[: (step.depth - 2) * step.steplen]
    seconds = content_cache_seconds()
    if seconds <= 0:
        return course_progress(course=_course_above(step, path), user=user)
    course_key, outline_key = OUTLINE_PREFIX + "course:" + path, OUTLINE_PREFIX + path
    version, found = versioned_get_many([course_key, outline_key])
    course, outline = found.get(course_key), found.get(outline_key)
    if course is None or outline is None:
        course = _course_above(step, path)
        outline = _build_outlines([course])[course.path]
        versioned_set_many(version, {course_key: course, outline_key: outline}, seconds)
    outlines = {course.path: outline}
    return progress_for_courses(user=user, courses=[course], outlines=outlines)[
        course.pk
    ]


def _apply_locks(progress: CourseProgress) -> None:
    """In a course taken in order, a module opens once every required module before
    it is complete; it names the required module just before it as the one to finish.
    A completed course stays open throughout."""
    if not progress.course.sequential or progress.complete:
        return
    waiting = False
    previous_required = None
    for module in progress.modules:
        if waiting and not module.complete:
            module.locked = True
            module.blocked_by = previous_required.page
            for step in module.steps:
                step.locked = True
        if not module.optional:
            waiting = waiting or not module.complete
            previous_required = module


def course_progress(*, course: CoursePage, user) -> CourseProgress:
    return progress_for_courses(user=user, courses=[course])[course.pk]


def catalogue_courses(*, root, user) -> list[tuple[CoursePage, Enrolment | None]]:
    """Live courses under the home page, each with the user's enrolment if any."""
    courses = list(CoursePage.objects.live().public().child_of(root).order_by("path"))
    enrolled = {}
    if _is_learner(user):
        enrolled = {
            e.course_id: e
            for e in Enrolment.objects.filter(
                user=user, course_id__in=[c.pk for c in courses]
            )
        }
    return [(course, enrolled.get(course.pk)) for course in courses]


def courses_to_take_next(
    *, user, course: CoursePage, limit: int = 3
) -> list[CoursePage]:
    """Live courses beside ``course`` in the catalogue that the learner has not
    enrolled on yet, in catalogue order: what to take next (two queries)."""
    taken = Enrolment.objects.filter(user=user).values("course_id")
    return list(
        CoursePage.objects.live()
        .public()
        .sibling_of(course, inclusive=False)
        .exclude(pk__in=taken)
        .order_by("path")[:limit]
    )


def learner_dashboard(*, user) -> list[CourseProgress]:
    """Every course the learner is enrolled in, with progress, newest first."""
    enrolments = list(
        Enrolment.objects.filter(user=user, course__live=True)
        .select_related("course")
        .order_by("-enrolled_at")
    )
    courses = [e.course for e in enrolments]
    progress = progress_for_courses(
        user=user,
        courses=courses,
        enrolments={e.course_id: e for e in enrolments},
    )
    if courses:
        for assignment in current_assignments().filter(
            user=user, course_id__in=[c.pk for c in courses]
        ):
            progress[assignment.course_id].assignment = assignment
    return [progress[c.pk] for c in courses]


def current_assignments():
    """Assignments made by the organisation each learner belongs to now: leaving an
    organisation ends what it asked of them (the records stay)."""
    return Assignment.objects.filter(
        organisation__memberships__user_id=F("user_id"),
        organisation__memberships__status=MembershipStatus.ACTIVE,
    ).select_related("organisation", "course")


def _not_completed():
    return ~Exists(
        CourseCompletion.objects.filter(
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
        )
    )


def _not_reminded(kind: str):
    return ~Exists(
        AssignmentReminder.objects.filter(
            assignment_id=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on")
        )
    )


def assignments_due_for_reminder(*, today, days_before: int):
    """Open assignments that need a reminder now: due within ``days_before`` days
    (kind "due soon") or past due ("overdue"), with none of that kind sent for the
    current due date. Yields (assignment, kind)."""
    base = (
        current_assignments()
        .filter(course__live=True, user__is_active=True)
        .filter(_not_completed())
        .select_related("user")
    )
    soon = base.filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=days_before)
    ).filter(_not_reminded(AssignmentReminderKind.DUE_SOON))
    overdue = base.filter(due_on__lt=today).filter(
        _not_reminded(AssignmentReminderKind.OVERDUE)
    )
    for assignment in soon.iterator(chunk_size=500):
        yield assignment, AssignmentReminderKind.DUE_SOON
    for assignment in overdue.iterator(chunk_size=500):
        yield assignment, AssignmentReminderKind.OVERDUE


def reflection_answers(*, user, lesson) -> dict[str, str]:
    if not _is_learner(user):
        return {}
    return dict(
        ReflectionAnswer.objects.filter(user=user, lesson=lesson).values_list(
            "block_id", "text"
        )
    )


# --- Time on task -----------------------------------------------------------------


def lesson_seconds(*, user, lesson) -> int:
    """The learner's recorded reading time on ``lesson``, in seconds (one query)."""
    if not _is_learner(user):
        return 0
    return (
        LessonTime.objects.filter(user=user, lesson=lesson)
        .values_list("seconds", flat=True)
        .first()
        or 0
    )


@dataclass(frozen=True)
class LessonTimeState:
    """What a lesson page needs to count reading time and offer "Mark as
    complete": built per learner and request, never cached with the page."""

    lesson_id: int
    seconds: int
    required: int
    token: str

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.seconds)

    @property
    def reached(self) -> bool:
        return self.remaining == 0

    @property
    def remaining_text(self) -> str:
        return remaining_text(self.remaining)


def lesson_time_state(
    *, user, lesson, course, now: datetime | None = None
) -> LessonTimeState:
    """The learner's time on ``lesson`` so far, the course's minimum for it, and a
    fresh token for the page's reports (one query)."""
    return LessonTimeState(
        lesson_id=lesson.pk,
        seconds=lesson_seconds(user=user, lesson=lesson),
        required=required_seconds(course=course, lesson=lesson),
        token=token_make(user=user, lesson=lesson, now=now or timezone.now()),
    )


def learning_seconds_by_course(*, user, courses: Iterable) -> dict[int, int]:
    """The learner's total reading time on each course's lessons (one query)."""
    courses = list(courses)
    if not courses or not _is_learner(user):
        return {}
    totals = dict.fromkeys((c.pk for c in courses), 0)
    rows = LessonTime.objects.filter(user=user).filter(
        reduce(or_, (Q(lesson__path__startswith=c.path) for c in courses))
    )
    for path, seconds in rows.values_list("lesson__path", "seconds"):
        for course in courses:
            if path.startswith(course.path):
                totals[course.pk] += seconds
    return totals


def with_learning_time(enrolments):
    """Enrolments annotated with ``learning_seconds``: the learner's reading time
    on that course's lessons, as a correlated sum (a report page stays one query).
    """
    total = (
        LessonTime.objects.filter(
            user_id=OuterRef("user_id"),
            lesson__path__startswith=OuterRef("course__path"),
        )
        .order_by()
        .values("user_id")
        .annotate(total=Sum("seconds"))
        .values("total")[:1]
    )
    return enrolments.annotate(
        learning_seconds=Coalesce(Subquery(total, output_field=IntegerField()), 0)
    )


def learner_lesson_times(*, user):
    """Each lesson the learner has spent time on, with the total and when they
    last read it, most recent first (one query)."""
    return list(
        LessonTime.objects.filter(user=user)
        .order_by("-last_beat_at", "pk")
        .values(
            "seconds",
            "last_beat_at",
            title=F("lesson__title"),
            minutes=F("lesson__minutes"),
        )
    )


def personal_data(*, user, **kwargs) -> dict:
    """A learner's course records, for the "download my data" export."""
    return {
        "enrolments": [
            {"course": title, "enrolled_at": when.isoformat()}
            for title, when in Enrolment.objects.filter(user=user).values_list(
                "course__title", "enrolled_at"
            )
        ],
        "lessons_completed": [
            {"lesson": title, "completed_at": when.isoformat()}
            for title, when in user.step_completions.filter(
                page__in=LessonPage.objects.values("pk")
            ).values_list("page__title", "completed_at")
        ],
        "lesson_reading_time": [
            {
                "lesson": title,
                "seconds": seconds,
                "first_read_at": first.isoformat(),
                "last_read_at": last.isoformat(),
            }
            for title, seconds, first, last in LessonTime.objects.filter(
                user=user
            ).values_list("lesson__title", "seconds", "first_beat_at", "last_beat_at")
        ],
        "reflections": [
            {"lesson": title, "answer": text, "updated_at": when.isoformat()}
            for title, text, when in ReflectionAnswer.objects.filter(
                user=user
            ).values_list("lesson__title", "text", "updated_at")
        ],
        "assignments": [
            {
                "course": a.course.title,
                "organisation": a.organisation.name,
                "due_on": a.due_on.isoformat(),
                "assigned_at": a.assigned_at.isoformat(),
            }
            for a in Assignment.objects.filter(user=user).select_related(
                "course", "organisation"
            )
        ],
        "courses_completed": [
            {"course": title, "completed_at": when.isoformat()}
            for title, when in CourseCompletion.history.filter(user=user).values_list(
                "course__title", "completed_at"
            )
        ],
    }


def course_run_started(*, user, course) -> datetime | None:
    """When the learner's current run of ``course`` began, if they have taken it
    again (a refresher in a later recertification window); None for a first run.
    Quiz attempt limits count attempts from here (one query)."""
    return (
        CourseCompletion.history.filter(
            user=user, course=course, renewed_at__isnull=False
        )
        .order_by("-renewed_at")
        .values_list("renewed_at", flat=True)
        .first()
    )
