"""The demo content itself: complete, accurate to its sources, and passable.

This is the one place the demo files are read in tests: the content is the subject.
Other tests build their data with factories.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
DEMO = ROOT / "demo"
FIGURE = re.compile(
    r"\d[\d,]*(?:\.\d+)?\s?%|\bn\s?=\s?\d[\d,]*|\b\d+ in 10\b", re.IGNORECASE
)
TRACKS = {"foundation", "advance-d-facilitator", "womens-support-worker"}


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def courses() -> dict[str, dict]:
    return {path.stem: load(path) for path in sorted((DEMO / "courses").glob("*.yaml"))}


def questions() -> dict[str, dict]:
    bank = {}
    for path in sorted((DEMO / "questions").glob("*.yaml")):
        for question in load(path).get("questions", []):
            assert question["key"] not in bank, f"duplicate key {question['key']}"
            bank[question["key"]] = question
    return bank


def texts(node):
    """Every string in a YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


def all_content_files():
    yield from (DEMO / "courses").glob("*.yaml")
    yield from (DEMO / "questions").glob("*.yaml")
    yield DEMO / "site.yaml"


def test_every_track_is_there_with_modules_lessons_and_quizzes():
    found = courses()
    assert set(found) >= TRACKS
    for slug in TRACKS:
        course = found[slug]
        assert len(course["modules"]) >= 3, slug
        for module in course["modules"]:
            assert 2 <= len(module["lessons"]) <= 4, module["slug"]
            assert module.get("quiz"), f"{module['slug']} has no quiz"
            for lesson in module["lessons"]:
                types = {block["type"] for block in lesson["body"]}
                assert "rich_text" in types, lesson["slug"]
    assert found["foundation"].get("final_quiz", {}).get("draw", {}).get("count")


def test_modules_that_describe_abuse_carry_a_content_note():
    for course in courses().values():
        assert course.get("content_note")
        for module in course["modules"]:
            assert module.get("content_note"), module["slug"]


def test_question_bank_size_types_and_explanations():
    bank = questions()
    assert len(bank) >= 60
    types = {q["type"] for q in bank.values()}
    assert types == {
        "single_choice",
        "multiple_response",
        "true_false",
        "ordering",
        "matching",
        "written",
    }
    assert sum(1 for q in bank.values() if q.get("scenario")) >= 10
    for key, question in bank.items():
        assert re.sub(r"<[^>]+>", "", question.get("explanation", "")).strip(), key
        assert question.get("category"), key
        assert question.get("capability") in {
            "knowledge",
            "attitudes_values",
            "ethical_practice",
            "skills",
            "reflection",
        }, key


def modules(course):
    return [m for m in course["modules"] if (m.get("quiz") or {}).get("draw")]


def test_every_quiz_names_questions_that_exist_and_can_fill_its_draw_twice():
    bank = questions()
    by_category = {}
    for key, question in bank.items():
        by_category.setdefault(question["category"], set()).add(key)
    for course in courses().values():
        quizzes = [m["quiz"] for m in course["modules"] if m.get("quiz")]
        quizzes += [course["final_quiz"]] if course.get("final_quiz") else []
        for quiz in quizzes:
            fixed = quiz.get("questions") or []
            assert set(fixed) <= set(bank), quiz["slug"]
            assert 50 <= quiz["pass_mark"] <= 100
            draw = quiz.get("draw") or {}
            if draw.get("category"):
                pool = by_category[draw["category"]]
            else:  # the course's own categories, as the loader draws them
                drawn = [m["quiz"]["draw"]["category"] for m in modules(course)]
                pool = set().union(*(by_category[slug] for slug in drawn))
            # At least twice the draw beyond the fixed questions, so that a retake
            # after the answers were shown can ask entirely different questions.
            spare = pool - set(fixed)
            assert len(spare) >= 2 * draw.get("count", 0), quiz["slug"]
            assert fixed or draw.get("count"), quiz["slug"]


def test_every_figure_in_the_content_has_a_listed_source():
    listed = {entry["figure"] for entry in load(ROOT / "sources.yaml")["figures"]}
    assert all(entry["source"] for entry in load(ROOT / "sources.yaml")["figures"])
    normalised = {re.sub(r"\s", "", figure).lower() for figure in listed}
    missing = set()
    for path in all_content_files():
        for text in texts(load(path)):
            for figure in FIGURE.findall(text):
                if re.sub(r"\s", "", figure).lower() not in normalised:
                    missing.add((path.name, figure))
    assert not missing, f"figures without a source in sources.yaml: {sorted(missing)}"


@pytest.mark.parametrize("figure", ["4 in 10", "65%", "n=54"])
def test_the_figure_pattern_catches_statistics(figure):
    assert FIGURE.search(f"About {figure} of men")
