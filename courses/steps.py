"""The kinds of page a learner works through inside a module, and whether done.

A step is any page type with ``LearnerOnlyPageMixin`` (lessons here; quizzes in
assessments): Wagtail's own list of page models finds them, so this app never
imports the apps that build on it. Done means a ``StepCompletion`` row, the same for
every kind.
"""

from collections.abc import Iterable

from django.db.models import Exists
from wagtail.models import Page, get_page_models

from .models import LearnerOnlyPageMixin, StepCompletion


def step_models() -> list[type[Page]]:
    """Every page type that is a step, in counting order."""
    return sorted(
        (
            model
            for model in get_page_models()
            if issubclass(model, LearnerOnlyPageMixin)
        ),
        key=lambda model: (model.step_order, model._meta.label),
    )


def done_rows(user, page_ids: Iterable[int]):
    """The ``StepCompletion`` rows of those step pages ``user`` has finished."""
    return StepCompletion.objects.filter(user=user, page_id__in=list(page_ids))


def done_ids(user, page_ids: Iterable[int]) -> set[int]:
    """Ids of those step pages ``user`` has finished (one query)."""
    if not (user and user.is_authenticated):
        return set()
    return set(done_rows(user, page_ids).values_list("page_id", flat=True))


def done_exists(page_id, user_id) -> Exists:
    """The same inside SQL, for reports: given expressions for a page id and a user
    id (usually ``OuterRef``s), whether that user finished that step."""
    return Exists(StepCompletion.objects.filter(page_id=page_id, user_id=user_id))
