"""Learner actions on quizzes: start, answer (with autosave), submit, see the result.

Thin: each view finds the learner's own attempt (anyone else's is a 404), reads the
form, calls a service and shows the outcome. Bad input gets a message and a 4xx;
answers already saved are never lost by a refused request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from courses.selectors import course_progress

from . import services
from .marking_selectors import review_marks
from .models import (
    AnswerRefused,
    Attempt,
    AttemptQuestion,
    QuizPage,
    SelfAssessmentStage,
)
from .selectors import (
    SHEET_FIELDS,
    attempt_for,
    attempt_review,
    attempt_sheet,
    capability_overview,
    capability_sharing,
    quiz_overview,
)

# A whole quiz form with 200 questions is well under this; anything bigger is junk.
MAX_BODY_BYTES = 256 * 1024


def _own_attempt(request, attempt_id: int) -> Attempt:
    try:
        return attempt_for(user=request.user, attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt.") from None


def _crumbs(quiz: QuizPage) -> list[Page]:
    """The course and module above a quiz (one query), then the quiz."""
    above = Page.objects.ancestor_of(quiz).filter(depth__gte=quiz.depth - 2)
    return [*above.order_by("depth"), quiz]


def _error(request, *, title: str, message: str, status: int, back=None):
    return TemplateResponse(
        request,
        "assessments/error.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )


def _too_big(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


@dataclass
class FormAnswers:
    """What the whole quiz form said: answers to save, and answers refused, each
    with its message (shown next to its question) and what the learner sent."""

    answers: dict[int, object] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    sent: dict[int, object] = field(default_factory=dict)


def _parse_answers(request, attempt: Attempt) -> FormAnswers:
    """Answers from the whole quiz form, by question position.

    Only the questions the form says it showed (``questions``) are read; a radio
    question left blank is skipped, so it keeps any answer saved before. A form
    naming questions that are not in the attempt is refused as a whole.
    """
    wanted = request.POST.getlist("questions")
    try:
        positions = {int(value) for value in wanted}
    except ValueError:
        raise ValidationError(
            "The form named a question that does not exist."
        ) from None
    items = {item.position: item for item in attempt.items.only(*SHEET_FIELDS)}
    result = FormAnswers()
    for position in sorted(positions):
        item = items.get(position)
        if item is None:
            raise ValidationError(f"There is no question {position} in this attempt.")
        try:
            response = item.question_class.parse_form(
                request.POST, f"q{position}", item.presented
            )
        except AnswerRefused as error:
            result.errors[position] = " ".join(error.messages)
            result.sent[position] = error.response
            continue
        except ValidationError as error:
            result.errors[position] = " ".join(error.messages)
            continue
        if response is not None:
            result.answers[position] = response
    return result


@login_required
@require_POST
def attempt_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        result = services.attempt_start(user=request.user, quiz=quiz)
    except PermissionDenied as error:
        return _error(
            request,
            title="You can't take this quiz yet",
            message=str(error),
            status=403,
            back=quiz.url,
        )
    except ValidationError as error:
        return _error(
            request,
            title="You can't start another attempt",
            message=" ".join(error.messages),
            status=409,
            back=quiz.url,
        )
    if result.expired is not None:
        messages.info(
            request,
            f"Time ran out on attempt {result.expired.number}; it was marked on the "
            "answers saved by then.",
        )
    if not result.created:
        messages.info(request, "Welcome back: your answers so far are saved.")
    return redirect("assessments:attempt", attempt_id=result.attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_take(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("assessments:result", attempt_id=attempt.pk)
    if attempt.is_expired(timezone.now()):
        services.attempt_expire(user=request.user, attempt=attempt)
        messages.info(
            request, "Time is up: your attempt was marked on the answers saved."
        )
        return redirect("assessments:result", attempt_id=attempt.pk)
    errors = []
    if request.method == "POST":
        if _too_big(request):
            return _error(
                request,
                title="That was too much to save",
                message="The form sent was far larger than any quiz. Nothing changed.",
                status=413,
                back=reverse("assessments:attempt", args=[attempt.pk]),
            )
        action = request.POST.get("action")
        try:
            form = _parse_answers(request, attempt)
            if action == "submit" and not form.errors:
                return _submit(request, attempt, form.answers)
            services.answers_save(attempt=attempt, answers=form.answers)
        except services.AttemptClosed as error:
            return _error(
                request,
                title="This attempt is closed",
                message=" ".join(error.messages),
                status=409,
                back=reverse("assessments:result", args=[attempt.pk]),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if form.errors:
                return _sheet(request, attempt, form=form)
            if action == "review":
                return redirect("assessments:review", attempt_id=attempt.pk)
            messages.success(
                request,
                "Your answers are saved. You can come back and finish later.",
            )
            return redirect("assessments:attempt", attempt_id=attempt.pk)
    return _sheet(request, attempt, errors=errors)


def _submit(request, attempt: Attempt, answers):
    result = services.attempt_submit(
        user=request.user, attempt=attempt, answers=answers
    )
    if result.late:
        messages.warning(
            request,
            "The time limit had passed, so only answers saved by then were marked.",
        )
    if result.course_completed_now:
        marked = result.attempt
        messages.success(
            request,
            f"You passed “{marked.quiz.title}”: you scored "
            f"{floatformat(marked.score, '-2')} out of "
            f"{floatformat(marked.max_score, '-2')} "
            f"({floatformat(marked.percent, '-2')}%).",
        )
        return redirect("course_completed", course_id=marked.quiz.course().pk)
    return redirect("assessments:result", attempt_id=attempt.pk)


def _sheet(request, attempt: Attempt, *, errors=(), form: FormAnswers | None = None):
    """The quiz form; refused answers show what was sent, with their message."""
    quiz = attempt.quiz
    form = form or FormAnswers()
    return TemplateResponse(
        request,
        "assessments/attempt_take.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "crumbs": _crumbs(quiz),
            "sheet": attempt_sheet(attempt=attempt, errors=form.errors, sent=form.sent),
            "errors": errors,
            "question_errors": form.errors,
        },
        status=400 if errors or form.errors else 200,
    )


@login_required
@require_GET
def attempt_review_before_submit(request, attempt_id: int):
    """Before the final submit: which questions are answered, with links back to
    those that are not. Submitting from here marks the answers already saved."""
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open or attempt.is_expired(timezone.now()):
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    sheet = attempt_sheet(attempt=attempt)
    return TemplateResponse(
        request,
        "assessments/attempt_review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "crumbs": _crumbs(quiz),
            "sheet": sheet,
            "unanswered": [q for q in sheet.questions if not q.answered],
        },
    )


@login_required
@require_POST
def answer_save(request, attempt_id: int):
    """Autosave one answer (JavaScript): JSON in reply, with a message to announce."""
    try:
        attempt = attempt_for(user=request.user, attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        return JsonResponse({"error": "No such attempt."}, status=404)
    if _too_big(request):
        return JsonResponse({"error": "That answer is far too large."}, status=413)
    if not attempt.is_open or attempt.is_expired(timezone.now()):
        return JsonResponse(
            {"error": "This attempt is closed, so answers can no longer change."},
            status=409,
        )
    try:
        position = int(request.POST.get("question", ""))
    except ValueError:
        return JsonResponse({"error": "Say which question this answers."}, status=400)
    item = (
        AttemptQuestion.objects.filter(attempt=attempt, position=position)
        .only(*SHEET_FIELDS)
        .first()
    )
    if item is None:
        return JsonResponse(
            {"error": f"There is no question {position} in this attempt."}, status=400
        )
    try:
        response = item.question_class.parse_form(
            request.POST, f"q{position}", item.presented
        )
        if response is None:
            return JsonResponse({"saved": False, "message": "Nothing to save yet."})
        saved = services.answer_save(
            attempt=attempt, position=position, response=response
        )
    except services.AttemptClosed as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    when = time_format(timezone.localtime(saved.saved_at), "H:i:s")
    return JsonResponse(
        {
            "saved": True,
            "saved_at": saved.saved_at.isoformat(),
            "message": f"Answer to question {position} saved at {when}.",
        }
    )


@login_required
def attempt_result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        if not attempt.is_expired(timezone.now()):
            return redirect("assessments:attempt", attempt_id=attempt.pk)
        attempt = services.attempt_expire(user=request.user, attempt=attempt)
    quiz = attempt.quiz
    overview = quiz_overview(user=request.user, quiz=quiz)
    progress = course_progress(course=quiz.course(), user=request.user)
    sheet = attempt_review(attempt=attempt, show_answers=overview.answers_visible)
    review_marks(attempt=attempt, sheet=sheet)
    return TemplateResponse(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "crumbs": _crumbs(quiz),
            "overview": overview,
            # A pass opens the way on: offer the next step (the next module).
            "next_step": progress.next_step if attempt.passed else None,
            "course_complete": progress.complete,
            "course": progress.course,
            "sheet": sheet,
        },
    )


# --- capabilities self-assessment ---------------------------------------------------


def _rating_course(request, raw):
    """The course a self-assessment is for: a live course the learner is enrolled
    on, or None when none is named. Anything else is a 404."""
    from courses.models import CoursePage, Enrolment

    if raw in (None, ""):
        return None
    try:
        course_id = int(raw)
    except (TypeError, ValueError):
        raise Http404("No such course.") from None
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if (
        course is None
        or not Enrolment.objects.filter(user=request.user, course=course).exists()
    ):
        raise Http404("No such course.")
    return course


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request):
    from .capabilities import AREAS

    data = request.POST if request.method == "POST" else request.GET
    course = _rating_course(request, data.get("course"))
    stage = data.get("stage") or SelfAssessmentStage.START
    if stage not in SelfAssessmentStage.values:
        stage = SelfAssessmentStage.START
    error = None
    chosen = {}
    share = capability_sharing(user=request.user)
    if request.method == "POST":
        chosen = {area.key: request.POST.get(area.key, "") for area in AREAS}
        share = request.POST.get("share_with_manager") == "on"
        try:
            services.self_assessment_record(
                user=request.user, ratings=chosen, stage=stage, course=course
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            services.capability_sharing_set(user=request.user, share=share)
            messages.success(request, "Your self-assessment is saved.")
            return redirect("assessments:my_capabilities")
    return TemplateResponse(
        request,
        "assessments/self_assessment.html",
        {
            "areas": [
                (
                    area,
                    [
                        (level, name, text, str(level) == chosen.get(area.key))
                        for level, name, text in area.levels()
                    ],
                )
                for area in AREAS
            ],
            "course": course,
            "stage": stage,
            "stage_label": SelfAssessmentStage(stage).label,
            "chosen": chosen,
            "share": share,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET"])
def my_capabilities(request):
    from .capabilities import AREA_BY_KEY, LEVEL_NAMES, chart_rows

    overview = capability_overview(user=request.user)
    rows, height = chart_rows(overview.areas)
    return TemplateResponse(
        request,
        "assessments/my_capabilities.html",
        {
            "overview": overview,
            "chart_rows": rows,
            "chart_height": height,
            "level_names": LEVEL_NAMES,
            "weakest_area": AREA_BY_KEY.get(overview.weakest.key)
            if overview.weakest
            else None,
        },
    )


@login_required
@require_POST
def capability_sharing_change(request):
    choice = request.POST.get("share_with_manager")
    if choice not in ("yes", "no"):
        return _error(
            request,
            title="Choose whether to share",
            message="Choose yes or no to sharing your ratings, then save.",
            status=400,
            back=reverse("assessments:my_capabilities"),
        )
    services.capability_sharing_set(user=request.user, share=choice == "yes")
    messages.success(
        request,
        "Your ratings are shared with your organisation's manager."
        if choice == "yes"
        else "Your ratings are private to you.",
    )
    return redirect("assessments:my_capabilities")
