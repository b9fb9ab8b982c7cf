"""The kinds of page a learner works through inside a module.

Lessons are one kind; other apps add theirs (assessments adds quizzes) from their
``AppConfig.ready``, so progress and completion treat every kind alike without this
app importing the apps that build on it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wagtail.models import Page


@dataclass(frozen=True)
class StepKind:
    """A page type that is a step of a module, and how to tell it is done.

    ``done_ids(user, page_ids)`` returns the ids of those pages the user has finished
    (a lesson marked complete, a quiz passed) in one query.
    """

    name: str
    model: type[Page]
    done_ids: Callable[..., set[int]]
    verb_done: str
    plural: str


_kinds: dict[str, StepKind] = {}


def register_step_kind(kind: StepKind) -> None:
    _kinds[kind.name] = kind


def step_kinds() -> Iterable[StepKind]:
    return _kinds.values()
