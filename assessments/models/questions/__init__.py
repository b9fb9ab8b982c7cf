"""The question types: one django-polymorphic subclass of ``Question`` per type.

Each type owns everything about itself (see ``Question``'s docstring and
assessments/README.md); nothing outside these classes looks at a type's name.
"""

from .base import (
    QUESTION_TYPES,
    AnswerRefused,
    EntryIds,
    EntryKind,
    Question,
    entry_id,
)
from .choice import (
    ChoiceOption,
    MultipleResponseQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from .matching import MatchingDistractor, MatchingPair, MatchingQuestion
from .ordering import OrderingItem, OrderingQuestion
from .written import (
    WRITTEN_MAX_CHARS,
    AnswerFormat,
    RubricCriterion,
    WrittenAnswerQuestion,
    WrittenView,
)

QUESTION_TYPES.update(
    (cls.type_name, cls)
    for cls in (
        SingleChoiceQuestion,
        MultipleResponseQuestion,
        TrueFalseQuestion,
        OrderingQuestion,
        MatchingQuestion,
        WrittenAnswerQuestion,
    )
)

__all__ = [
    "QUESTION_TYPES",
    "WRITTEN_MAX_CHARS",
    "AnswerFormat",
    "AnswerRefused",
    "ChoiceOption",
    "EntryIds",
    "EntryKind",
    "MatchingDistractor",
    "MatchingPair",
    "MatchingQuestion",
    "MultipleResponseQuestion",
    "OrderingItem",
    "OrderingQuestion",
    "Question",
    "RubricCriterion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "WrittenAnswerQuestion",
    "WrittenView",
    "entry_id",
]
