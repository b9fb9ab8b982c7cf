"""What a template needs to show one question: plain data, built by the question's
own type (``Question.fill_view``) from an attempt's frozen snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString


@dataclass
class Choice:
    id: str
    text: str
    checked: bool = False
    correct: bool = False
    feedback: str = ""


@dataclass
class Row:
    """An ordering step or a matching prompt, with the learner's choice for it."""

    id: str
    text: str
    value: Any = None
    correct_value: Any = None
    value_text: str = ""
    correct_text: str = ""
    is_right: bool = False


@dataclass
class QuestionView:
    """One question ready for a template: no answer key unless ``reviewed``.

    ``template`` renders it as a form control group, ``review_template`` after
    marking; both come from the question's type.
    """

    number: int
    position: int
    type: str
    stem: SafeString
    instructions: str
    points: int
    template: str = ""
    review_template: str = ""
    scenario: dict | None = None
    show_scenario: bool = False
    scenario_last: int = 0
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    answers: list[Choice] = field(default_factory=list)
    answered: bool = False
    saved_at: Any = None
    #: Why the answer just sent was refused (shown next to the question).
    error: str = ""
    # Review only:
    reviewed: bool = False
    score: Decimal | None = None
    explanation: SafeString | str = ""
    #: A written-answer question's own part (``WrittenView``).
    written: Any = None

    @property
    def name(self) -> str:
        return f"q{self.position}"

    @property
    def is_full_marks(self) -> bool:
        return self.score is not None and self.score >= self.points


@dataclass
class Sheet:
    """The questions of an attempt (or a preview) in the order they are asked."""

    questions: list[QuestionView]

    @property
    def answered_count(self) -> int:
        return sum(1 for q in self.questions if q.answered)

    def __len__(self):
        return len(self.questions)
