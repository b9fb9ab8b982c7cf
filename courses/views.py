"""Learner actions on courses. Thin: each view checks input and calls a service."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training.learnercache import learner_page_cached
from training.permissions import manager_required
from training.routecache import with_cached_site
from training.selectors import team_members

from . import services
from .forms import AssignmentForm
from .models import CoursePage, LessonPage
from .selectors import (
    course_progress,
    courses_to_take_next,
    learner_dashboard,
    learning_seconds_by_course,
)
from .signals import completion_extending, dashboard_extending, gathered
from .timing import BEAT_MAX_SECONDS, token_opened_at


def _live_page(model, page_id):
    page = get_object_or_404(model.objects.live(), pk=page_id)
    return page


@login_required
@require_POST
def enrol(request, course_id: int):
    course = _live_page(CoursePage, course_id)
    try:
        _, created = services.enrolment_create(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    if created:
        messages.success(request, f"You are enrolled on {course.title}.")
    else:
        messages.info(request, f"You were already enrolled on {course.title}.")
    return redirect(course.url)


def _reported_seconds(raw) -> int | None:
    """The seconds a lesson page's script reports: None if it sent none (no
    script ran); ValidationError if it is not a whole number in range."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > BEAT_MAX_SECONDS * 100:
        raise ValidationError("The reading time must be a whole number of seconds.")
    return int(raw)


def _record_time(request, lesson, *, measured: bool) -> int:
    """Credit what the request reports about ``lesson`` (clamped by the service).
    ``measured``: the request must carry the script's count of seconds."""
    opened_at = token_opened_at(
        request.POST.get("time_token", ""), user=request.user, lesson_id=lesson.pk
    )
    seconds = _reported_seconds(request.POST.get("seconds"))
    if measured and seconds is None:
        raise ValidationError("The reading time must be a whole number of seconds.")
    return services.lesson_time_record(
        user=request.user, lesson=lesson, seconds=seconds, opened_at=opened_at
    )


@require_POST
def lesson_time_beat(request, lesson_id: int):
    """The lesson page's script reporting reading time, about once a minute (and
    on leaving the page, by ``navigator.sendBeacon``). CSRF-protected like every
    POST; answers JSON with the learner's total on the lesson."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in to record reading time."}, status=403)
    lesson = LessonPage.objects.live().defer_streamfields().filter(pk=lesson_id).first()
    if lesson is None:
        return JsonResponse({"error": "That lesson is not available."}, status=404)
    try:
        total = _record_time(request, lesson, measured=True)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    response = JsonResponse({"seconds": total})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = _live_page(LessonPage, lesson_id)
    if "time_token" in request.POST:
        # An old page's report is ignored: the minimum below still decides.
        with contextlib.suppress(ValidationError):
            _record_time(request, lesson, measured=False)
    try:
        result = services.lesson_complete(user=request.user, lesson=lesson)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(lesson.course().url)
    except services.LessonTooSoon as error:
        return TemplateResponse(
            request,
            "courses/lesson_too_soon.html",
            {"lesson": lesson, "errors": error.messages},
            status=403,
        )
    if result.created:
        messages.success(request, f"“{lesson.title}” is marked complete.")
    course = result.course or lesson.course()
    if result.course_completed_now:
        # Straight to the completion page: its progress is read there.
        return redirect("course_completed", course_id=course.pk)
    progress = course_progress(course=course, user=request.user)
    target = progress.next_step.url if progress.next_step else progress.course.url
    return redirect(target)


@login_required
@require_POST
def reflection_save(request, lesson_id: int, block_id: str):
    lesson = _live_page(LessonPage, lesson_id)
    if "text" not in request.POST:
        # Never read a missing field as "erase what I wrote".
        return TemplateResponse(
            request,
            "courses/reflection_error.html",
            {"lesson": lesson, "errors": ["Nothing was sent, so nothing changed."]},
            status=400,
        )
    text = request.POST["text"]
    try:
        services.reflection_save(
            user=request.user, lesson=lesson, block_id=block_id, text=text
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        # Show the text back so nothing the learner wrote is lost.
        return TemplateResponse(
            request,
            "courses/reflection_error.html",
            {"lesson": lesson, "errors": error.messages, "text": text},
            status=400,
        )
    messages.success(request, "Your reflection is saved. Only you can see it.")
    return redirect(f"{lesson.url}#reflection-{block_id}")


@login_required
@learner_page_cached
@with_cached_site
def dashboard(request):
    courses = learner_dashboard(user=request.user)
    return TemplateResponse(
        request,
        "courses/dashboard.html",
        {
            "courses": courses,
            "learning_time": learning_seconds_by_course(
                user=request.user, courses=[p.course for p in courses]
            ),
            "extensions": gathered(dashboard_extending, request=request),
        },
    )


@login_required
@require_GET
def course_completed(request, course_id: int):
    """The moment a course is complete: says so, shows what later stages add (the
    certificate) and what to take next. Not complete yet: the course page."""
    course = _live_page(CoursePage, course_id)
    progress = course_progress(course=course, user=request.user)
    if not progress.complete:
        return redirect(course.url)
    return TemplateResponse(
        request,
        "courses/completed.html",
        {
            "course": course,
            "progress": progress,
            "next_courses": courses_to_take_next(user=request.user, course=course),
            "extensions": gathered(completion_extending, request=request),
        },
    )


@manager_required
@require_http_methods(["GET", "POST"])
def assign(request):
    """A manager assigns a course, with a due date, to people in their team."""
    organisation = request.organisation
    initial = {"people": request.GET.getlist("people")}
    form = AssignmentForm(
        request.POST or None,
        initial=initial,
        members=team_members(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        course, due_on = form.cleaned_data["course"], form.cleaned_data["due_on"]
        people = form.chosen_people()
        try:
            assignments = services.assignment_create(
                organisation=organisation,
                users=people,
                course=course,
                due_on=due_on,
                assigned_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(assignments)
            messages.success(
                request,
                f"{course.title} is assigned to {count} "
                f"{'person' if count == 1 else 'people'}, due {due_on:%-d %B %Y}.",
            )
            return redirect("certificates:team")
    return TemplateResponse(
        request,
        "courses/assign.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )
