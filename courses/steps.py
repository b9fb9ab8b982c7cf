"""The kinds of page a learner works through inside a module.

Lessons are one kind; other apps add theirs (assessments adds quizzes) from their
``AppConfig.ready``, so progress and completion treat every kind alike without this
app importing the apps that build on it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists
from wagtail.models import Page


@dataclass(frozen=True)
class StepKind:
    """A page type that is a step of a module, and how to tell it is done.

    ``done_ids(user, page_ids)`` returns the ids of those pages the user has finished
    (a lesson marked complete, a quiz passed) in one query. ``done_exists(page_id,
    user_id)`` says the same inside SQL: given expressions for a page id and a user id
    (usually ``OuterRef``s) it returns an ``Exists`` the reports filter and count by.
    """

    name: str
    model: type[Page]
    done_ids: Callable[..., set[int]]
    done_exists: Callable[..., Exists]
    verb_done: str
    plural: str


_kinds: dict[str, StepKind] = {}


def register_step_kind(kind: StepKind) -> None:
    _kinds[kind.name] = kind


def step_kinds() -> Iterable[StepKind]:
    return _kinds.values()
