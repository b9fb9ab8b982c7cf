"""Tables of the marking workflow: a trainer's marks for the written answers of an
attempt, per rubric criterion, and the record of every re-mark.

Written only through ``assessments.marking``; trainers reach them from Reports >
Marking in the admin. The rubric itself is frozen in each attempt's snapshot, so a
question edited or deleted later never changes what an attempt is marked against.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AttemptMarking(models.Model):
    """A trainer's marking of one attempt's written answers.

    ``marker`` is whoever has it open (others are told); ``draft`` holds marks
    saved but not yet released, as ``{"<position>:<criterion id>": {"marks",
    "feedback"}}``. ``version`` goes up on every save: a save made from an older
    version is refused (optimistic locking), so nobody overwrites another's marks.
    """

    attempt = models.OneToOneField(
        "assessments.Attempt", on_delete=models.CASCADE, related_name="marking"
    )
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    draft_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    #: The ``version`` the learner was last emailed about (each release once).
    notified_version = models.PositiveIntegerField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    def __str__(self):
        return f"Marking of {self.attempt}"

    @property
    def released(self) -> bool:
        return self.released_at is not None


class CriterionMark(models.Model):
    """The released marks and feedback for one rubric criterion of one answer."""

    marking = models.ForeignKey(
        AttemptMarking, on_delete=models.CASCADE, related_name="marks"
    )
    item = models.ForeignKey(
        "assessments.AttemptQuestion",
        on_delete=models.CASCADE,
        related_name="criterion_marks",
    )
    criterion = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    marks = models.DecimalField(max_digits=5, decimal_places=2)
    feedback = models.TextField(blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "criterion"], name="unique_criterion_mark"
            )
        ]

    def __str__(self):
        return f"{self.marks} for {self.criterion} of {self.item}"


class MarkChange(models.Model):
    """One re-mark after release: who, when, why, and the marks before and after."""

    marking = models.ForeignKey(
        AttemptMarking, on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField()
    reason = models.TextField()
    old_score = models.DecimalField(max_digits=7, decimal_places=2)
    new_score = models.DecimalField(max_digits=7, decimal_places=2)
    old_passed = models.BooleanField()
    new_passed = models.BooleanField()
    old_marks = models.JSONField(default=dict)
    new_marks = models.JSONField(default=dict)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["marking", "-changed_at"]

    def __str__(self):
        return f"Re-mark of {self.marking.attempt} at {self.changed_at:%Y-%m-%d %H:%M}"
