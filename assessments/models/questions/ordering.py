"""The ordering question type: put the steps of a response in order."""

from __future__ import annotations

import random
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from ... import authoring
from ...grading import at_least, check_id, fraction_of, ids_of, steps_in_place
from ...sheet import Row
from .base import AnswerRefused, EntryKind, Question, import_text, shuffled


class OrderingItem(Orderable):
    """One step of an ordering question; the order here is the correct order."""

    question = ParentalKey(
        "assessments.OrderingQuestion",
        on_delete=models.CASCADE,
        related_name="items",
    )
    text = models.CharField(max_length=500)

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class OrderingQuestion(Question):
    """Put the steps of a response in order.

    Partial credit: ``points * steps in their correct position / steps``, rounded
    down. A position claimed by two steps counts for neither (``steps_in_place``).
    """

    type_name = "ordering"
    type_label = "Ordering"
    type_description = "Put steps in the right order."
    instructions = (
        "Give each step its position, 1 for the first, using each position once. "
        "You earn a share of the marks for each step in its right place."
    )
    prefetch = ("items",)
    template = "assessments/questions/ordering.html"
    review_template = "assessments/questions/ordering_review.html"
    placement_heading = "Steps put in their right place:"
    placement_answer_prefix = "position "

    panels = (
        Question.common_panels_top
        + [
            InlinePanel(
                "items",
                label="Step",
                heading="Steps, in the correct order",
                min_num=2,
            )
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "ordering question"

    def authoring_warnings(self):
        steps = [item.text for item in self.items.all()]
        return super().authoring_warnings() + authoring.duplicates(steps, "steps")

    def type_snapshot(self, *, ids, rng, always_rng):
        items = [
            {"id": ids.make(EntryKind.STEP, item, i), "text": item.text}
            for i, item in enumerate(self.items.all())
        ]
        order = [item["id"] for item in items]
        # Always shuffled, whatever the quiz says: the authored order is the answer.
        shown = shuffled(items, always_rng or random.Random(len(items)))  # noqa: S311
        if len(shown) > 1 and [item["id"] for item in shown] == order:
            shown = shown[1:] + shown[:1]
        return {"items": shown}, {"order": order}

    @classmethod
    def parse_form(cls, data, name, presented):
        response = {}
        for item in presented["items"]:
            value = data.get(f"{name}-{item['id']}", "")
            if value == "":
                continue
            try:
                response[item["id"]] = int(value)
            except (TypeError, ValueError):
                raise ValidationError("Choose a position from the list.") from None
        cls.refuse_repeated_positions(presented, response)
        return response

    @classmethod
    def refuse_repeated_positions(cls, presented: dict, response: dict) -> None:
        """Each position once: a learner who gives two steps the same position is
        told so, instead of the answer being saved and scoring nothing for them."""
        by_position: dict[int, list[str]] = {}
        for item in presented["items"]:
            if item["id"] in response:
                by_position.setdefault(response[item["id"]], []).append(item["text"])
        repeated = sorted(p for p, steps in by_position.items() if len(steps) > 1)
        if repeated:
            named = "; ".join(
                f"position {p} is given to "
                + " and ".join(f"“{text}”" for text in by_position[p])
                for p in repeated
            )
            raise AnswerRefused(
                f"Use each position once: {named}. Give each step a different "
                "position.",
                response=response,
            )

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, Mapping):
            raise ValidationError("Send a position for each step.")
        allowed = ids_of(presented["items"])
        count = len(presented["items"])
        clean = {}
        for item_id, position in response.items():
            check_id(item_id, allowed, "step")
            if (
                isinstance(position, bool)
                or not isinstance(position, int)
                or not 1 <= position <= count
            ):
                raise ValidationError(f"Positions go from 1 to {count}.")
            clean[item_id] = position
        return clean

    @classmethod
    def score(cls, presented, key, response, points):
        order = key["order"]
        return fraction_of(points, len(steps_in_place(order, response)), len(order))

    @classmethod
    def model_answer(cls, key):
        return {item_id: index for index, item_id in enumerate(key["order"], start=1)}

    @classmethod
    def sample_response(cls, presented, key, rng):
        # Half right: some steps kept in place, the rest shuffled among themselves.
        order = list(key["order"])
        moved = rng.sample(range(len(order)), max(2, len(order) // 2))
        values = [order[i] for i in moved]
        rng.shuffle(values)
        for i, value in zip(moved, values, strict=True):
            order[i] = value
        return {item["id"]: order.index(item["id"]) + 1 for item in presented["items"]}

    @classmethod
    def response_text(cls, presented, response):
        if response in (None, [], {}):
            return ""
        texts = {item["id"]: item["text"] for item in presented["items"]}
        ranked = sorted(response.items(), key=lambda pair: pair[1])
        return "; ".join(f"{pos}. {texts.get(item, '?')}" for item, pos in ranked)

    @classmethod
    def fill_view(cls, view, presented, response, key):
        response = response or {}
        order = key.get("order", [])
        right = steps_in_place(order, response)
        view.positions = list(range(1, len(presented["items"]) + 1))
        for item in presented["items"]:
            view.rows.append(
                Row(
                    id=item["id"],
                    text=item["text"],
                    value=response.get(item["id"]),
                    correct_value=(
                        order.index(item["id"]) + 1 if item["id"] in order else None
                    ),
                    is_right=item["id"] in right,
                )
            )

    @classmethod
    def statistics_placements(cls, presented, key):
        texts = {item["id"]: item["text"] for item in presented["items"]}
        return [
            (cls.ref_of(key, item_id), texts.get(item_id, "?"), position, str(position))
            for position, item_id in enumerate(key.get("order", []), start=1)
        ]

    @classmethod
    def check_rows(cls, rows):
        return at_least(
            rows.get("items"), 2, "Give at least two steps to put in order."
        )

    @classmethod
    def import_rows(cls, data):
        return {
            "items": [{"text": import_text(text)} for text in data.get("items") or []]
        }
