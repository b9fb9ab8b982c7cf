"""The matching question type: match each prompt with its answer."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from ... import authoring
from ...grading import at_least, check_id, fraction_of, ids_of
from ...sheet import Choice, Row
from .base import EntryKind, Question, import_text, shuffled


class MatchingPair(Orderable):
    """A left-hand prompt and the right-hand answer it matches."""

    question = ParentalKey(
        "assessments.MatchingQuestion",
        on_delete=models.CASCADE,
        related_name="pairs",
    )
    left = models.CharField("prompt", max_length=300)
    right = models.CharField("matching answer", max_length=300)

    panels = [FieldRowPanel([FieldPanel("left"), FieldPanel("right")])]

    def __str__(self):
        return f"{self.left} → {self.right}"


class MatchingDistractor(Orderable):
    """An extra right-hand answer that matches no prompt."""

    question = ParentalKey(
        "assessments.MatchingQuestion",
        on_delete=models.CASCADE,
        related_name="distractors",
    )
    text = models.CharField(max_length=300)

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class MatchingQuestion(Question):
    """Match each prompt (e.g. a behaviour) with an answer (e.g. a form of abuse).

    Several prompts may share an answer. Partial credit: ``points * prompts matched
    correctly / prompts``, rounded down.
    """

    type_name = "matching"
    type_label = "Matching"
    type_description = "Match each prompt with its answer."
    instructions = (
        "Choose the matching answer for each one. An answer may fit more than "
        "one. You earn a share of the marks for each correct match."
    )
    prefetch = ("pairs", "distractors")
    template = "assessments/questions/matching.html"
    review_template = "assessments/questions/matching_review.html"
    placement_heading = "Prompts matched with their right answer:"

    panels = (
        Question.common_panels_top
        + [
            InlinePanel("pairs", label="Pair", heading="Pairs", min_num=2),
            InlinePanel(
                "distractors",
                label="Distractor",
                heading="Extra answers that match nothing (optional)",
            ),
        ]
        + Question.common_panels_bottom
    )

    class Meta:
        verbose_name = "matching question"

    def authoring_warnings(self):
        pairs = list(self.pairs.all())
        answers = {authoring.plain_text(pair.right).strip().lower() for pair in pairs}
        extras = [d.text for d in self.distractors.all()]
        return (
            super().authoring_warnings()
            + authoring.duplicates([pair.left for pair in pairs], "prompts")
            + authoring.duplicates([*answers, *extras], "answers and distractors")
        )

    def type_snapshot(self, *, ids, rng, always_rng):
        lefts, rights, pairs = [], [], {}
        right_ids: dict[str, str] = {}
        for i, pair in enumerate(self.pairs.all()):
            left_id = ids.make(EntryKind.PROMPT, pair, i)
            lefts.append({"id": left_id, "text": pair.left})
            norm = pair.right.strip().casefold()
            if norm not in right_ids:
                right_ids[norm] = ids.make(EntryKind.ANSWER, pair, i)
                rights.append({"id": right_ids[norm], "text": pair.right})
            pairs[left_id] = right_ids[norm]
        for i, distractor in enumerate(self.distractors.all()):
            norm = distractor.text.strip().casefold()
            if norm not in right_ids:
                right_ids[norm] = ids.make(EntryKind.DISTRACTOR, distractor, i)
                rights.append({"id": right_ids[norm], "text": distractor.text})
        # Answers are listed alphabetically, so their order gives nothing away.
        rights.sort(key=lambda entry: entry["text"].casefold())
        return {"lefts": shuffled(lefts, rng), "rights": rights}, {"pairs": pairs}

    @classmethod
    def parse_form(cls, data, name, presented):
        response = {}
        for left in presented["lefts"]:
            value = data.get(f"{name}-{left['id']}", "")
            if value != "":
                response[left["id"]] = value
        return response

    @classmethod
    def clean_response(cls, presented, response):
        if response is None:
            return None
        if not isinstance(response, Mapping):
            raise ValidationError("Send an answer for each prompt.")
        lefts, rights = ids_of(presented["lefts"]), ids_of(presented["rights"])
        return {
            check_id(left, lefts, "prompt"): check_id(right, rights, "answer")
            for left, right in response.items()
        }

    @classmethod
    def score(cls, presented, key, response, points):
        pairs = key["pairs"]
        response = response or {}
        right = sum(1 for left, answer in pairs.items() if response.get(left) == answer)
        return fraction_of(points, right, len(pairs))

    @classmethod
    def model_answer(cls, key):
        return dict(key["pairs"])

    @classmethod
    def sample_response(cls, presented, key, rng):
        rights = [right["id"] for right in presented["rights"]]
        return {
            left: (answer if rng.random() < 0.5 else rng.choice(rights))
            for left, answer in key["pairs"].items()
        }

    @classmethod
    def response_text(cls, presented, response):
        if response in (None, [], {}):
            return ""
        lefts = {left["id"]: left["text"] for left in presented["lefts"]}
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        return "; ".join(
            f"{lefts.get(left, '?')} → {rights.get(right, '?')}"
            for left, right in response.items()
        )

    @classmethod
    def fill_view(cls, view, presented, response, key):
        response = response or {}
        pairs = key.get("pairs", {})
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        view.answers = [Choice(id=r["id"], text=r["text"]) for r in presented["rights"]]
        view.rows = [
            Row(
                id=left["id"],
                text=left["text"],
                value=response.get(left["id"]),
                correct_value=pairs.get(left["id"]),
                value_text=rights.get(response.get(left["id"]), ""),
                correct_text=rights.get(pairs.get(left["id"]), ""),
                is_right=response.get(left["id"]) is not None
                and response.get(left["id"]) == pairs.get(left["id"]),
            )
            for left in presented["lefts"]
        ]

    @classmethod
    def statistics_placements(cls, presented, key):
        lefts = {left["id"]: left["text"] for left in presented["lefts"]}
        rights = {right["id"]: right["text"] for right in presented["rights"]}
        # By prompt, alphabetically: stored pairs have no reliable order
        # (PostgreSQL's jsonb reorders keys, and ids are random).
        pairs = sorted(
            key.get("pairs", {}).items(),
            key=lambda pair: lefts.get(pair[0], "").casefold(),
        )
        return [
            (
                cls.ref_of(key, left_id),
                lefts.get(left_id, "?"),
                cls.ref_of(key, right_id),
                rights.get(right_id, "?"),
            )
            for left_id, right_id in pairs
        ]

    @classmethod
    def check_rows(cls, rows):
        return at_least(rows.get("pairs"), 2, "Give at least two pairs to match.")

    @classmethod
    def import_rows(cls, data):
        return {
            "pairs": [
                {
                    "left": import_text(pair["left"]),
                    "right": import_text(pair["right"]),
                }
                for pair in data.get("pairs") or []
            ],
            "distractors": [
                {"text": import_text(text)} for text in data.get("distractors") or []
            ],
        }
