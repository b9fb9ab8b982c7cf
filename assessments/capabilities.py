"""The capabilities framework for staff in substance use services: what each level of
a self-rating means, per capability area (``models.Capability``).

Learners rate themselves from 1 to 4 in each area at the start of a course and again
at the end. Each level has a short descriptor so the ratings mean the same to every
learner, and to the manager who may later see them on a team checklist.
"""

from dataclasses import dataclass

from .models import Capability

LEVELS = (1, 2, 3, 4)
LEVEL_NAMES = {
    1: "Starting out",
    2: "Developing",
    3: "Confident",
    4: "Able to support others",
}


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    question: str
    descriptors: dict[int, str]

    def levels(self) -> list[tuple[int, str, str]]:
        """``(level, name, descriptor)`` from 1 to 4, for the rating form."""
        return [
            (level, LEVEL_NAMES[level], self.descriptors[level]) for level in LEVELS
        ]


AREAS: tuple[Area, ...] = (
    Area(
        Capability.KNOWLEDGE,
        Capability.KNOWLEDGE.label,
        "How well do you know the links between substance use and intimate partner "
        "violence and abuse?",
        {
            1: "I know little yet about how substance use and intimate partner "
            "violence and abuse are linked.",
            2: "I know the main patterns and some of the myths, but not yet the "
            "services and routes for referral in my area.",
            3: "I understand the patterns, the risks and the local services, and can "
            "explain them to a colleague.",
            4: "I keep up with research and guidance and help colleagues build their "
            "knowledge.",
        },
    ),
    Area(
        Capability.ATTITUDES_VALUES,
        Capability.ATTITUDES_VALUES.label,
        "How aware are you of your own attitudes and values in this work?",
        {
            1: "I have not yet thought much about how my own views shape the way I "
            "respond to people affected by abuse.",
            2: "I notice some of my assumptions and am starting to question them.",
            3: "I respond to survivors and to people who cause harm without blame or "
            "judgement, and challenge stigma when I meet it.",
            4: "I model non-judgemental, survivor-centred values and help my team "
            "reflect on theirs.",
        },
    ),
    Area(
        Capability.ETHICAL_PRACTICE,
        Capability.ETHICAL_PRACTICE.label,
        "How confident are you about safety, consent and confidentiality?",
        {
            1: "I am unsure when to share information, and how to keep a person safe "
            "while I do.",
            2: "I know my organisation's safeguarding policy but would need help to "
            "apply it in a hard case.",
            3: "I put safety first, explain the limits of confidentiality and share "
            "information lawfully and with care.",
            4: "I advise colleagues on difficult ethical decisions and help improve "
            "our policies.",
        },
    ),
    Area(
        Capability.SKILLS,
        Capability.SKILLS.label,
        "How well can you ask about abuse and respond when someone tells you?",
        {
            1: "I have not yet asked anyone about abuse, or would not know how to "
            "respond to a disclosure.",
            2: "I can ask routine questions, but find it hard to respond and plan "
            "next steps.",
            3: "I ask safely, respond to disclosures, assess risk and refer or plan "
            "with the person.",
            4: "I handle complex situations with skill and coach colleagues in "
            "asking and responding.",
        },
    ),
    Area(
        Capability.REFLECTION,
        Capability.REFLECTION.label,
        "How well do you reflect on your practice and plan your development?",
        {
            1: "I rarely have time to reflect on my practice or plan my learning.",
            2: "I reflect after difficult sessions and sometimes use supervision "
            "for it.",
            3: "I reflect regularly, use supervision well and set myself learning "
            "goals.",
            4: "I lead reflective practice for others and shape my team's development.",
        },
    ),
)
AREA_BY_KEY = {area.key: area for area in AREAS}


# --- the chart on "My capabilities" --------------------------------------------------

CHART_WIDTH = 640
CHART_LABEL_WIDTH = 250
CHART_BAR_MAX = CHART_WIDTH - CHART_LABEL_WIDTH - 100
CHART_ROW_HEIGHT = 56
CHART_TOP = 28


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float
    self_width: float
    self_text: str
    quiz_width: float
    quiz_text: str


def chart_rows(areas) -> tuple[list[ChartRow], int]:
    """Geometry for a server-drawn SVG: per area, a bar for the latest self-rating
    (as a share of level 4) and one for the quiz result. Returns rows and height."""
    rows = []
    for index, area in enumerate(areas):
        self_percent = area.self_percent
        quiz_percent = area.quiz_percent
        rows.append(
            ChartRow(
                label=area.label,
                y=CHART_TOP + index * CHART_ROW_HEIGHT,
                self_width=CHART_BAR_MAX * (self_percent or 0) / 100,
                self_text=(
                    f"level {area.latest_level} of 4"
                    if area.latest_level
                    else "not rated"
                ),
                quiz_width=CHART_BAR_MAX * (quiz_percent or 0) / 100,
                quiz_text=f"{quiz_percent}%" if quiz_percent is not None else "no quiz",
            )
        )
    return rows, CHART_TOP + len(rows) * CHART_ROW_HEIGHT + 8
