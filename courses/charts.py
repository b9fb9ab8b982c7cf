"""Server-side SVG bar charts for the trainer reports: no JavaScript, no network.

``bar_chart`` turns labelled values into the geometry a template draws; the template
``courses/admin/bar_chart.html`` renders it with a text alternative and a table of
the figures, so the chart is readable without sight of it.
"""

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 40
MARGIN_BOTTOM = 40
MARGIN_TOP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    """A laid-out chart. ``category`` names what the bars are (a period, a score
    band) and ``value_label`` what they count, in the text alternative and table."""

    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    ticks: list[tuple[float, int]]
    value_label: str
    category: str = "period"
    note: str = ""
    description: str = ""

    @property
    def summary(self) -> str:
        if self.description:
            return self.description
        if not self.bars:
            return f"{self.title}: no data yet."
        peak = max(self.bars, key=lambda bar: bar.value)
        total = sum(bar.value for bar in self.bars)
        return (
            f"{self.title}: {total} {self.value_label} across {len(self.bars)} "
            f"{self.category}{'' if len(self.bars) == 1 else 's'}; highest "
            f"{peak.value} in {peak.label}."
        )


def _nice_max(value: int) -> int:
    """The smallest round top of the scale at or above ``value`` whose four equal
    gridlines fall on whole numbers (1, 2, 5, 10, 20, 50... apart)."""
    step = 1
    while step * 4 < value:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if step * 4 >= value:
                break
    return step * 4


def bar_chart(
    points: list[tuple[str, int]],
    *,
    title: str,
    value_label: str = "in all",
    category: str = "period",
    note: str = "",
    description: str = "",
    top: int | None = None,
) -> Chart:
    """Lay out one bar per (label, value), scaled to the largest value, or to
    ``top`` for a fixed scale (percentages: 100).

    ``description`` replaces the generated text alternative where the caller can say
    more (a score distribution band by band)."""
    top = top or _nice_max(max((value for _, value in points), default=0) or 1)
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / max(len(points), 1)
    bar_width = max(min(slot * 0.7, 48), 2)
    baseline = HEIGHT - MARGIN_BOTTOM
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=MARGIN_LEFT + index * slot + (slot - bar_width) / 2,
                y=baseline - height,
                width=bar_width,
                height=height,
            )
        )
    ticks = [(baseline - plot_height * i / 4, round(top * i / 4)) for i in range(5)]
    return Chart(
        title, bars, WIDTH, HEIGHT, baseline, ticks, value_label, category, note,
        description,
    )  # fmt: skip
