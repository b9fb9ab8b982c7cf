"""The question bank, quizzes and learners' attempts.

- ``bank``: ``QuestionCategory``, ``Scenario`` (a case vignette several questions
  share) and the ``Capability`` areas questions are filed under.
- ``questions``: ``Question`` (django-polymorphic), one subclass per type with its
  inline rows, and ``QUESTION_TYPES``.
- ``quizzes``: ``QuizPage`` (a page under a module) and ``QuizQuestion``.
- ``attempts``: ``Attempt`` and its ``AttemptQuestion`` rows, the questions frozen
  as presented and the learner's answers.
- ``marking``: a trainer's marks for written answers (``AttemptMarking``,
  ``CriterionMark``, ``MarkChange``).
- ``capabilities``: learners' ``SelfAssessment`` ratings and their
  ``CapabilitySharing`` consent.

Everything is importable from ``assessments.models``. Learner records are written
only through ``assessments.services`` (and ``assessments.marking`` for marks).
"""

from .attempts import Attempt, AttemptQuestion, AttemptStatus, MarkingState
from .bank import QUESTION_FEATURES, Capability, QuestionCategory, Scenario
from .capabilities import (
    CapabilitySharing,
    SelfAssessment,
    SelfAssessmentStage,
    SelfRating,
)
from .marking import AttemptMarking, CriterionMark, MarkChange
from .questions import (
    QUESTION_TYPES,
    WRITTEN_MAX_CHARS,
    AnswerFormat,
    AnswerRefused,
    ChoiceOption,
    EntryIds,
    EntryKind,
    MatchingDistractor,
    MatchingPair,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    RubricCriterion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    WrittenAnswerQuestion,
    WrittenView,
    entry_id,
)
from .quizzes import QuizPage, QuizQuestion, ShowAnswers

__all__ = [
    "QUESTION_FEATURES",
    "QUESTION_TYPES",
    "WRITTEN_MAX_CHARS",
    "AnswerFormat",
    "AnswerRefused",
    "Attempt",
    "AttemptMarking",
    "AttemptQuestion",
    "AttemptStatus",
    "Capability",
    "CapabilitySharing",
    "ChoiceOption",
    "CriterionMark",
    "EntryIds",
    "EntryKind",
    "MarkChange",
    "MarkingState",
    "MatchingDistractor",
    "MatchingPair",
    "MatchingQuestion",
    "MultipleResponseQuestion",
    "OrderingItem",
    "OrderingQuestion",
    "Question",
    "QuestionCategory",
    "QuizPage",
    "QuizQuestion",
    "RubricCriterion",
    "Scenario",
    "SelfAssessment",
    "SelfAssessmentStage",
    "SelfRating",
    "ShowAnswers",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "WrittenAnswerQuestion",
    "WrittenView",
    "entry_id",
]
