"""Time on task: the rules that do not touch the database.

How long a course asks a learner to spend on a lesson, the signed "page opened"
token a lesson page hands its script (so the first report about a page can be
clamped to the time since the page was served), and how a duration is written.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

#: The most one report may add: the script reports every minute, and at most a
#: few minutes' worth after a dropped connection.
BEAT_MAX_SECONDS = 600
#: How long a lesson page's token stays usable. A page left open longer stops
#: adding time until it is reloaded.
TOKEN_MAX_AGE = 12 * 60 * 60
#: Activity older than this does not count (the script's rule; kept here so the
#: page and its text say the same).
IDLE_AFTER_SECONDS = 60

_SALT = "courses.lesson_time"


def required_seconds(*, course, lesson) -> int:
    """Seconds on ``lesson`` before it may be marked complete (0: no minimum)."""
    percent = getattr(course, "lesson_minimum_percent", None)
    if not percent or not lesson.minutes:
        return 0
    return math.ceil(lesson.minutes * 60 * percent / 100)


def token_make(*, user, lesson, now: datetime) -> str:
    """A token saying "this page of ``lesson`` was served to ``user`` at ``now``"."""
    return signing.dumps(
        {"u": user.pk, "l": lesson.pk, "t": round(now.timestamp(), 3)}, salt=_SALT
    )


def token_opened_at(token: str, *, user, lesson_id: int) -> datetime:
    """When the page that carries ``token`` was served; ValidationError if the
    token is not one we made for this learner and lesson, or is too old."""
    try:
        data = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature as error:
        raise ValidationError("That reading-time report is not valid.") from error
    if (
        not isinstance(data, dict)
        or data.get("u") != user.pk
        or data.get("l") != lesson_id
        or not isinstance(data.get("t"), int | float)
    ):
        raise ValidationError("That reading-time report is not valid.")
    opened_at = datetime.fromtimestamp(data["t"], tz=UTC)
    if (timezone.now() - opened_at).total_seconds() > TOKEN_MAX_AGE:
        raise ValidationError(
            "This page has been open too long to keep counting: reload it."
        )
    return opened_at


def duration_text(seconds: int | None) -> str:
    """ "1 h 5 min", "12 min", "less than a minute"; "" for none."""
    if not seconds:
        return ""
    minutes = seconds // 60
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def remaining_text(seconds: int) -> str:
    """How much longer, in words a learner reads: "about 4 more minutes"."""
    if seconds <= 0:
        return ""
    if seconds < 60:
        return "less than a minute more"
    minutes = math.ceil(seconds / 60)
    return f"about {minutes} more minute{'s' if minutes != 1 else ''}"


def minimum_text(seconds: int) -> str:
    """A course's minimum for a lesson: "8 minutes", "30 seconds"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
