"""Load the demo question bank (``fixtures/demo/questions/*.yaml``) and the quizzes
the course files describe. A step of ``manage.py load_demo``.

Scenarios and questions are matched by ``key`` and quizzes by slug under their
module: what exists is left alone (unless ``update``), what is missing is created,
so a second run creates nothing. Every piece of HTML from the files goes through
``training.sanitiser``; plain-text fields lose any tags.

A quiz's ``draw: {category: null}`` draws from the course's whole bank: every
category the course's quizzes use (their fixed questions' and their draws').
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from training.sanitiser import clean_html, plain_text

from .models import (
    QUESTION_TYPES,
    Question,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    Scenario,
    ShowAnswers,
)


class DemoDataError(ValueError):
    """The demo files describe something that cannot be loaded."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} already there"
        )


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _text(value) -> str:
    return plain_text(str(value or "")).strip()


#: Names a slug cannot spell: programme names and initialisms.
_SPELLINGS = {("ipv", "p"): "IPV-P", ("advance", "d"): "ADVANCE-D"}
_NAMES = {"information-children-referral": "Information, children and referral"}


def category_name(slug: str) -> str:
    """A category's name in words from its slug: "identifying-ipv-p" becomes
    "Identifying IPV-P", "the-link" becomes "The link"."""
    if slug in _NAMES:
        return _NAMES[slug]
    parts, words, index = slug.split("-"), [], 0
    while index < len(parts):
        pair = tuple(parts[index : index + 2])
        if pair in _SPELLINGS:
            words.append(_SPELLINGS[pair])
            index += 2
        else:
            words.append(parts[index])
            index += 1
    text = " ".join(word for word in words if word)
    return text[:1].upper() + text[1:]


def _category(slug: str) -> QuestionCategory:
    name = category_name(slug)
    category, created = QuestionCategory.objects.get_or_create(
        slug=slug, defaults={"name": name}
    )
    if not created and category.name == slug.replace("-", " ").capitalize():
        # Named by an earlier version of the loader: the slug with spaces.
        category.name = name
        category.save(update_fields=["name"])
    return category


def scenario_upsert(*, data: dict, update: bool, tally: Tally) -> Scenario:
    existing = Scenario.objects.filter(key=data["key"]).first()
    if existing is not None and not update:
        tally.count("unchanged")
        return existing
    scenario = existing or Scenario(key=data["key"])
    scenario.title = _text(data["title"])
    scenario.text = clean_html(data.get("text"))
    scenario.save()
    tally.count("updated" if existing else "created")
    return scenario


def _children(question_class, data: dict) -> dict:
    """The inline rows of a question from its file entry, checked by its type."""
    rows = question_class.import_rows(data)
    errors = question_class.check_rows(rows)
    if errors:
        raise DemoDataError(f"{data['key']}: {errors[0]}")
    return {
        relation: [
            question_class._meta.get_field(relation).related_model(
                **values, sort_order=order
            )
            for order, values in enumerate(values_list)
        ]
        for relation, values_list in rows.items()
    }


def question_upsert(
    *, data: dict, scenarios: dict[str, Scenario], update: bool, tally: Tally
) -> Question:
    """Create (or with ``update`` rewrite) one question from its file entry."""
    key = data["key"]
    question_class = QUESTION_TYPES.get(data.get("type"))
    if question_class is None:
        raise DemoDataError(f"{key}: unknown question type {data.get('type')!r}.")
    existing = Question.objects.filter(key=key).first()
    if existing is not None and type(existing) is not question_class:
        raise DemoDataError(f"{key} exists as a {existing.type_label} question.")
    if existing is not None and not update:
        tally.count("unchanged")
        return existing
    scenario_key = data.get("scenario")
    if scenario_key and scenario_key not in scenarios:
        raise DemoDataError(f"{key}: no scenario {scenario_key!r}.")
    question = existing or question_class(key=key)
    question.stem = clean_html(data["stem"])
    question.explanation = clean_html(data.get("explanation"))
    question.points = int(data.get("points") or 1)
    question.category = _category(data["category"])
    question.capability = data.get("capability") or "knowledge"
    question.scenario = scenarios[scenario_key] if scenario_key else None
    for field_name, value in question_class.import_fields(data).items():
        setattr(question, field_name, value)
    for relation, rows in _children(question_class, data).items():
        setattr(question, relation, rows)
    question.full_clean(exclude=["category", "scenario"])
    question.save()
    tally.count("updated" if existing else "created")
    return question


def _course_categories(quizzes) -> dict[str, set[str]]:
    """Category slugs each course's quizzes use (fixed questions and draws)."""
    keys = {key for spec in quizzes for key in spec.data.get("questions") or []}
    category_of = dict(
        Question.objects.filter(key__in=keys).values_list("key", "category__slug")
    )
    by_course: dict[str, set[str]] = defaultdict(set)
    for spec in quizzes:
        slugs = by_course[spec.course_slug]
        slugs.update(
            category_of[k] for k in spec.data.get("questions") or [] if k in category_of
        )
        draw = spec.data.get("draw") or {}
        if draw.get("category"):
            slugs.add(draw["category"])
    return by_course


def quiz_upsert(*, spec, course_categories: set[str], update: bool, tally: Tally):
    """Create (or with ``update`` rewrite) and publish the quiz a QuizSpec describes."""
    data = spec.data
    module = spec.module
    existing = (
        module.get_children().filter(slug=data["slug"]).specific().first()
        if module.pk
        else None
    )
    if existing is not None and not isinstance(existing, QuizPage):
        raise DemoDataError(f"/{data['slug']}/ exists but is not a quiz.")
    if existing is not None and not update:
        tally.count("unchanged")
        return existing
    keys = list(dict.fromkeys(data.get("questions") or []))
    questions = {q.key: q for q in Question.objects.filter(key__in=keys)}
    missing = [key for key in keys if key not in questions]
    if missing:
        raise DemoDataError(
            f"Quiz {data['slug']}: no questions with keys {', '.join(missing)}."
        )
    draw = data.get("draw") or {}
    if draw.get("count"):
        slugs = [draw["category"]] if draw.get("category") else course_categories
        categories = [_category(slug) for slug in sorted(slugs)]
    else:
        categories = []
    quiz = existing or QuizPage(slug=data["slug"])
    quiz.title = _text(data["title"])
    quiz.intro = clean_html(data.get("intro"))
    quiz.pass_mark = int(data.get("pass_mark", 80))
    quiz.max_attempts = data.get("max_attempts")
    quiz.time_limit_minutes = data.get("time_limit_minutes")
    quiz.shuffle_questions = bool(data.get("shuffle_questions", True))
    quiz.shuffle_options = bool(data.get("shuffle_options", True))
    quiz.show_answers = data.get("show_answers") or ShowAnswers.AFTER_ATTEMPT
    quiz.draw_count = int(draw.get("count") or 0)
    quiz.draw_categories = categories
    quiz.quiz_questions = [
        QuizQuestion(question=questions[key], sort_order=order)
        for order, key in enumerate(keys)
    ]
    if existing is None:
        module.add_child(instance=quiz)
    quiz.save_revision().publish()
    tally.count("updated" if existing else "created")
    return quiz


@transaction.atomic
def load(*, root: Path, quizzes: list, update: bool = False) -> str:
    """Load the question bank and the quizzes; return a one-line summary."""
    scenario_tally, question_tally, quiz_tally = Tally(), Tally(), Tally()
    files = sorted((Path(root) / "questions").glob("*.yaml"))
    contents = [_read(path) for path in files]
    scenarios = {
        data["key"]: scenario_upsert(data=data, update=update, tally=scenario_tally)
        for content in contents
        for data in content.get("scenarios") or []
    }
    seen = set()
    for content in contents:
        for data in content.get("questions") or []:
            if data["key"] in seen:
                raise DemoDataError(f"The key {data['key']} is used twice.")
            seen.add(data["key"])
            question_upsert(
                data=data, scenarios=scenarios, update=update, tally=question_tally
            )
    by_course = _course_categories(quizzes)
    for spec in quizzes:
        quiz_upsert(
            spec=spec,
            course_categories=by_course[spec.course_slug],
            update=update,
            tally=quiz_tally,
        )
    return (
        f"Question bank: scenarios {scenario_tally}; questions {question_tally}. "
        f"Quizzes: {quiz_tally}."
    )
