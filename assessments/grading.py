"""The marking rules every question type builds on: plain data in, ``Decimal`` out.

Kept apart from the tables so the rules can be read (and tested) on their own; each
rule is written once here and the question types in ``models/questions/`` call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

# The longest id a response may name; real ids are a letter and twelve hex digits.
MAX_ID_LENGTH = 40


def fraction_of(points: int, numerator: int, denominator: int) -> Decimal:
    """``points * numerator / denominator``, rounded *down* to the penny.

    Rounding down means a partly right answer can never round up to full marks.
    """
    if denominator <= 0 or numerator <= 0:
        return Decimal("0.00")
    numerator = min(numerator, denominator)
    cents = (points * 100 * numerator) // denominator
    return Decimal(cents).scaleb(-2)


def check_id(value: Any, allowed: set[str], what: str) -> str:
    """``value`` if it is one of ``allowed``; otherwise a ValidationError."""
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH or value not in allowed:
        raise ValidationError(f"That {what} is not part of this question.")
    return value


def ids_of(entries: list[dict]) -> set[str]:
    return {entry["id"] for entry in entries}


def steps_in_place(order: list[str], response: Mapping[str, int] | None) -> set[str]:
    """The steps of an ordering response that are in their right position.

    The ordering rule, in its one place: a position claimed by two steps counts for
    neither, so giving every step the same position never scores.
    """
    response = response or {}
    claimed: dict[int, int] = {}
    for position in response.values():
        claimed[position] = claimed.get(position, 0) + 1
    return {
        item_id
        for index, item_id in enumerate(order, start=1)
        if response.get(item_id) == index and claimed[index] == 1
    }


def at_least(rows: list | None, count: int, message: str) -> list[str]:
    """The option-count rule, in its one place: ``message`` if too few rows."""
    if rows is None or len(rows) >= count:
        return []
    return [message]


def translate_ids(value: Any, refs: Mapping[str, str]) -> Any:
    """``value`` (a response) with every id in ``refs`` replaced by what it maps to,
    in lists, as mapping keys and as mapping values."""
    if isinstance(value, str):
        return refs.get(value, value)
    if isinstance(value, list):
        return [translate_ids(item, refs) for item in value]
    if isinstance(value, Mapping):
        return {
            translate_ids(key, refs): translate_ids(item, refs)
            for key, item in value.items()
        }
    return value
