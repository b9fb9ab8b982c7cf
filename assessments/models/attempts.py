"""Learners' attempts at quizzes, and each attempt's frozen questions.

Written only through ``assessments.services``. Each attempt keeps a frozen copy of
every question as it was presented and its answer key, so editing or deleting a
question later never changes a past attempt's score or review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .questions import Question
from .quizzes import QuizPage


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class MarkingState(models.TextChoices):
    """Where a submitted attempt is in marking by a trainer.

    submitted (``NONE``: nothing to mark) or ``AWAITING`` -> ``MARKED`` ->
    ``REMARKED`` (any number of times). Services in ``assessments.marking`` move it.
    """

    NONE = "", "Marked automatically"
    AWAITING = "awaiting", "Awaiting marking"
    MARKED = "marked", "Marked"
    REMARKED = "remarked", "Re-marked"


class Attempt(models.Model):
    """One go at a quiz by a learner. Numbered 1, 2, ... per learner and quiz.

    Started, autosaved and submitted through ``assessments.services``. The pass mark
    in force when it started is kept with it, so later edits to the quiz never
    change whether it passed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(
        QuizPage, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    marking_state = models.CharField(
        max_length=10,
        choices=MarkingState.choices,
        default=MarkingState.NONE,
        blank=True,
    )
    #: When the learner was told to expect the mark (written answers only).
    marking_due = models.DateTimeField(null=True, blank=True)

    # Learner records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="one_open_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "passed", "quiz"]),
            models.Index(
                fields=["submitted_at"],
                condition=Q(marking_state="awaiting"),
                name="attempt_awaiting_marking",
            ),
        ]
        permissions = [("mark_attempt", "Can mark written answers")]

    def __str__(self):
        return f"{self.user} on {self.quiz}, attempt {self.number}"

    @property
    def awaiting_marking(self) -> bool:
        return self.marking_state == MarkingState.AWAITING

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    def is_expired(self, now) -> bool:
        return self.deadline is not None and now > self.deadline


class AttemptQuestion(models.Model):
    """One question of an attempt, frozen as presented, with the learner's answer.

    ``presented`` is what the learner saw; ``answer_key`` (with explanation,
    feedback and the refs behind the attempt's random ids) is read only for marking,
    review and statistics. ``question`` is kept for
    statistics and becomes empty if the question is deleted; nothing else changes.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempt_items",
    )
    question_key = models.CharField(max_length=100)
    question_type = models.CharField(max_length=30)
    points = models.PositiveSmallIntegerField()
    presented = models.JSONField()
    answer_key = models.JSONField()
    response = models.JSONField(null=True, blank=True)
    #: The response with the attempt's random entry ids replaced by their stable
    #: refs (``EntryIds``), set when the attempt is marked: what quiz statistics
    #: count across attempts.
    response_refs = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_attempt_position"
            )
        ]

    def __str__(self):
        return f"Question {self.position} of {self.attempt}"

    @property
    def question_class(self) -> type[Question]:
        return Question.type_for(self.question_type)
