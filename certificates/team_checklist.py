"""The team checklist of the capabilities framework, on a manager's "My team".

Per capability area, how many of the organisation's current staff rated themselves
at each level, at the start of a course and at the end (each person's latest
self-assessment of each stage). A person's own ratings appear by name only if they
agreed to share them. Totals are hidden wherever they would let a manager work out
the rating of someone who did not agree:

- fewer than ``MIN_COUNT`` people rated the area at that stage;
- fewer than ``MIN_COUNT`` of those who rated did not share (the named rows, taken
  from the totals, would give them away);
- everyone who did not share gave the same level (the totals would say what each
  of them gave).

Three queries however large the team (the tests assert it for 10 and 1,000 staff).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from assessments.capabilities import AREAS, LEVEL_NAMES, LEVELS
from assessments.models import SelfAssessmentStage
from assessments.team_ratings import team_rating_counts, team_shared_ratings
from training.models import Organisation
from training.selectors import team_members

MIN_COUNT = 3
STAGES = (
    (SelfAssessmentStage.START, "Start of course"),
    (SelfAssessmentStage.END, "End of course"),
)
#: Fill per level, each at least 3:1 against white and carrying white text at 4.5:1.
LEVEL_COLOURS = {1: "#6f777b", 2: "#1d70b8", 3: "#0b5561", 4: "#00703c"}

HIDDEN_FEW = f"Hidden: fewer than {MIN_COUNT} people rated this."
HIDDEN_NAMED = (
    f"Hidden: fewer than {MIN_COUNT} of the people who rated this keep their "
    "ratings private, so the totals would show theirs."
)
HIDDEN_SAME = (
    "Hidden: everyone who keeps their ratings private gave the same level, so the "
    "totals would show each of theirs."
)


@dataclass(frozen=True)
class Segment:
    level: int
    name: str
    count: int
    x: float
    width: float
    colour: str

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def show_label(self) -> bool:
        return self.width >= 18


@dataclass(frozen=True)
class StageRow:
    """One area at one stage: the counts per level, or why they are hidden."""

    stage: str
    stage_label: str
    rated: int
    counts: dict[int, int] | None
    hidden_reason: str = ""
    segments: tuple[Segment, ...] = ()
    y: float = 0

    @property
    def shown(self) -> bool:
        return self.counts is not None

    @property
    def level_counts(self) -> list[int]:
        return [self.counts[level] for level in LEVELS] if self.counts else []

    @property
    def summary(self) -> str:
        if not self.rated:
            return f"{self.stage_label}: no one has rated this yet."
        if not self.shown:
            return f"{self.stage_label}: {self.hidden_reason}"
        parts = ", ".join(f"{self.counts[level]} at level {level}" for level in LEVELS)
        return f"{self.stage_label}: {self.rated} rated; {parts}."


@dataclass(frozen=True)
class AreaRows:
    key: str
    label: str
    stages: tuple[StageRow, ...]
    label_y: float = 0


@dataclass(frozen=True)
class NamedRow:
    """A person who agreed to share: their latest level per area, start and end."""

    user_id: int
    full_name: str
    levels: dict[tuple[str, str], int]

    def cells(self) -> list[int | None]:
        return [
            self.levels.get((area.key, stage)) for area in AREAS for stage, _ in STAGES
        ]


@dataclass(frozen=True)
class TeamChecklist:
    areas: tuple[AreaRows, ...]
    named: tuple[NamedRow, ...]
    chart_width: int
    chart_height: int
    bar_x: int
    bar_width: int
    min_count: int = MIN_COUNT

    @property
    def levels(self):
        return [(level, LEVEL_NAMES[level], LEVEL_COLOURS[level]) for level in LEVELS]

    @property
    def stages(self):
        return STAGES

    @property
    def areas_labels(self):
        return [area.label for area in AREAS]

    @property
    def any_rated(self) -> bool:
        return any(row.rated for area in self.areas for row in area.stages)

    @property
    def summary(self) -> str:
        return (
            "Team self-ratings per capability area, at the start and end of a "
            "course. The same figures are in the table below."
        )


def _stage_row(stage: str, label: str, shared: dict, private: dict) -> StageRow:
    """Counts for one area at one stage, or the reason they are hidden."""
    shared_n = sum(shared.values())
    private_n = sum(private.values())
    rated = shared_n + private_n
    reason = ""
    if not rated:
        return StageRow(stage, label, 0, None)
    if rated < MIN_COUNT:
        reason = HIDDEN_FEW
    elif 0 < private_n < MIN_COUNT:
        reason = HIDDEN_NAMED
    elif private_n and sum(1 for n in private.values() if n) == 1:
        reason = HIDDEN_SAME
    if reason:
        return StageRow(stage, label, rated, None, hidden_reason=reason)
    counts = {level: shared.get(level, 0) + private.get(level, 0) for level in LEVELS}
    return StageRow(stage, label, rated, counts)


CHART_WIDTH = 640
LABEL_WIDTH = 150
BAR_X = LABEL_WIDTH + 10
BAR_WIDTH = CHART_WIDTH - BAR_X - 10
AREA_HEADING = 22
BAR_HEIGHT = 22
BAR_GAP = 6
AREA_GAP = 14


def _lay_out(areas: list[AreaRows]) -> tuple[tuple[AreaRows, ...], int]:
    laid_out = []
    y = 4
    for area in areas:
        label_y = y + 16
        y += AREA_HEADING
        rows = []
        for row in area.stages:
            segments = []
            if row.shown and row.rated:
                x = float(BAR_X)
                for level in LEVELS:
                    count = row.counts[level]
                    width = BAR_WIDTH * count / row.rated
                    if count:
                        segments.append(
                            Segment(
                                level,
                                LEVEL_NAMES[level],
                                count,
                                x,
                                width,
                                LEVEL_COLOURS[level],
                            )
                        )
                    x += width
            rows.append(
                StageRow(
                    row.stage,
                    row.stage_label,
                    row.rated,
                    row.counts,
                    row.hidden_reason,
                    tuple(segments),
                    y,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        laid_out.append(AreaRows(area.key, area.label, tuple(rows), label_y))
        y += AREA_GAP
    return tuple(laid_out), y


def team_checklist(*, organisation: Organisation) -> TeamChecklist:
    """The checklist for ``organisation``'s current staff (three queries)."""
    users = team_members(organisation=organisation)
    shared: dict = defaultdict(lambda: defaultdict(int))
    private: dict = defaultdict(lambda: defaultdict(int))
    for row in team_rating_counts(users=users):
        target = shared if row.shared else private
        target[(row.capability, row.stage)][row.level] += row.count
    areas = [
        AreaRows(
            area.key,
            area.label,
            tuple(
                _stage_row(
                    stage,
                    label,
                    shared[(area.key, stage)],
                    private[(area.key, stage)],
                )
                for stage, label in STAGES
            ),
        )
        for area in AREAS
    ]
    people: dict[int, NamedRow] = {}
    for rating in team_shared_ratings(users=users):
        person = people.setdefault(
            rating.user_id, NamedRow(rating.user_id, rating.full_name, {})
        )
        person.levels[(rating.capability, rating.stage)] = rating.level
    laid_out, height = _lay_out(areas)
    return TeamChecklist(
        areas=laid_out,
        named=tuple(people.values()),
        chart_width=CHART_WIDTH,
        chart_height=height,
        bar_x=BAR_X,
        bar_width=BAR_WIDTH,
    )
