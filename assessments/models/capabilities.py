"""Learners' self-assessments against the capability areas, and their consent to
share them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .bank import Capability


class SelfAssessmentStage(models.TextChoices):
    START = "start", "At the start of the course"
    END = "end", "At the end of the course"


class SelfAssessment(models.Model):
    """A learner's self-ratings against the capability areas, at one moment: at the
    start or end of a course. Private to the learner; see ``CapabilitySharing``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="self_assessments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(max_length=10, choices=SelfAssessmentStage.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user} self-assessment, {self.created_at:%Y-%m-%d}"


class SelfRating(models.Model):
    """One area's rating (1-4) in a self-assessment."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    capability = models.CharField(max_length=30, choices=Capability.choices)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "capability"], name="one_rating_per_area"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="rating_level_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_capability_display()}: {self.level}"


class CapabilitySharing(models.Model):
    """The learner's consent to share their self-ratings with their organisation's
    manager (for the team checklist). No row, or ``share_with_manager`` off, means
    private: the default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="capability_sharing",
    )
    share_with_manager = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user} shares ratings: {self.share_with_manager}"
