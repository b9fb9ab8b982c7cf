"""Learner actions on courses. Thin: each view checks input and calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training.permissions import manager_required
from training.routecache import with_cached_site
from training.selectors import team_members

from . import services
from .forms import AssignmentForm
from .models import CoursePage, LessonPage
from .selectors import course_progress, courses_to_take_next, learner_dashboard
from .signals import completion_extending, dashboard_extending, gathered


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


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = _live_page(LessonPage, lesson_id)
    try:
        result = services.lesson_complete(user=request.user, lesson=lesson)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(lesson.course().url)
    if result.created:
        messages.success(request, f"“{lesson.title}” is marked complete.")
    progress = course_progress(course=lesson.course(), user=request.user)
    if result.course_completed_now:
        return redirect("course_completed", course_id=progress.course.pk)
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
@with_cached_site
def dashboard(request):
    return TemplateResponse(
        request,
        "courses/dashboard.html",
        {
            "courses": learner_dashboard(user=request.user),
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
