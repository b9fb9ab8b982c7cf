"""Reads of a team's capability self-ratings, for a manager's team checklist.

Each person counts once per stage: their latest self-assessment at the start of a
course, and their latest at the end. What a manager may see of these (totals only,
hidden where they would give one person away; names only for those who agreed to
share) is decided by the caller, ``certificates.team_checklist``; this module only
reads, in two queries however large the team.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery

from .models import CapabilitySharing, SelfAssessment, SelfRating


@dataclass(frozen=True)
class RatingCount:
    """How many people in the team gave ``level`` for ``capability`` at ``stage``,
    split by whether they agreed to share their ratings."""

    stage: str
    capability: str
    level: int
    shared: bool
    count: int


@dataclass(frozen=True)
class SharedRating:
    """One rating of a person who agreed to share their ratings with their manager."""

    user_id: int
    full_name: str
    stage: str
    capability: str
    level: int


def _latest_ratings(users):
    """Ratings from each person's latest self-assessment per stage, annotated
    ``shared`` (their sharing choice now)."""
    latest = (
        SelfAssessment.objects.filter(
            user_id=OuterRef("assessment__user_id"),
            stage=OuterRef("assessment__stage"),
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return (
        SelfRating.objects.filter(assessment__user_id__in=users.values("pk"))
        .filter(assessment_id=Subquery(latest))
        .annotate(
            shared=Exists(
                CapabilitySharing.objects.filter(
                    user_id=OuterRef("assessment__user_id"), share_with_manager=True
                )
            )
        )
    )


def team_rating_counts(*, users) -> list[RatingCount]:
    """Counts per stage, area, level and sharing choice for the people in ``users``
    (a queryset of users): one aggregate query."""
    rows = (
        _latest_ratings(users)
        .values("assessment__stage", "capability", "level", "shared")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        RatingCount(
            stage=row["assessment__stage"],
            capability=row["capability"],
            level=row["level"],
            shared=row["shared"],
            count=row["n"],
        )
        for row in rows
    ]


def team_shared_ratings(*, users) -> list[SharedRating]:
    """The latest ratings of the people in ``users`` who agreed to share them, by
    name: one query. Nobody else's rating is read here."""
    rows = (
        _latest_ratings(users)
        .filter(shared=True)
        .order_by("assessment__user__full_name", "assessment__user_id")
        .values_list(
            "assessment__user_id",
            "assessment__user__full_name",
            "assessment__stage",
            "capability",
            "level",
        )
    )
    return [SharedRating(*row) for row in rows]
