"""Load the demo catalogue from ``fixtures/demo`` (YAML) into Wagtail pages.

Pages are matched by slug under their parent. A page that already exists is left as
it is (a trainer may have edited it) unless ``update=True``; a missing page is created
and published. Quizzes found in the files are returned for the assessments loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.files import File
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from training.models import StandardPage, SupportSettings

from .models import CourseIndexPage, CoursePage, LessonPage, ModulePage

FINAL_MODULE_SLUG = "final-assessment"


@dataclass
class QuizSpec:
    """A quiz described in a course file, waiting for its module page."""

    module: ModulePage
    data: dict
    course_slug: str


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _upsert(parent: Page, model, slug: str, fields: dict, report, update: bool):
    """Find ``slug`` under ``parent`` or create it; publish what is created or
    changed."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None and not isinstance(existing, model):
        raise ValueError(f"/{slug}/ exists but is not a {model.__name__}.")
    if existing is not None and not update:
        report.count("unchanged")
        return existing
    page = existing or model(slug=slug)
    for name, value in fields.items():
        setattr(page, name, value)
    if existing is None:
        parent.add_child(instance=page)
        report.count("created")
    else:
        report.count("updated")
    page.save_revision().publish()
    return page


def home_page(*, data: dict, report: LoadReport, update: bool) -> CourseIndexPage:
    """The catalogue home page, made the default site's root page."""
    home = CourseIndexPage.objects.first()
    fields = {
        "title": data.get("title", "ADVANCE training"),
        "intro": data.get("intro", ""),
    }
    root = Page.get_first_root_node()
    if home is None:
        home = _upsert(root, CourseIndexPage, "advance-training", fields, report, True)
    elif update:
        home = _upsert(root, CourseIndexPage, home.slug, fields, report, True)
    else:
        report.count("unchanged")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="ADVANCE training",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "ADVANCE training"
        site.save()
        # Wagtail's placeholder welcome page has no content of ours: remove it.
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


def _document(path: Path, title: str):
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    with path.open("rb") as handle:
        document = Document(title=title)
        document.file.save(path.name, File(handle), save=False)
        document.save()
    return document


def _stream(blocks: list[dict], documents_dir: Path) -> list[dict]:
    """Resolve the file names of resource blocks to Wagtail documents."""
    result = []
    for block in blocks or []:
        block = {"type": block["type"], "value": block["value"]}
        if block["type"] == "resource":
            value = dict(block["value"])
            path = documents_dir / value["document"]
            value["document"] = _document(path, value.get("title") or path.stem).pk
            block["value"] = value
        result.append(block)
    return result


def standard_pages(*, home, pages: list[dict], documents_dir, report, update):
    for item in pages or []:
        page = _upsert(
            home,
            StandardPage,
            item["slug"],
            {
                "title": item["title"],
                "intro": item.get("intro", ""),
                "body": _stream(item.get("body"), documents_dir),
            },
            report,
            update,
        )
        if item.get("support_page"):
            _support_page_choose(home=home, page=page)


def _support_page_choose(*, home, page) -> None:
    """Point the footer's "Getting support" link at ``page`` unless a trainer has
    already chosen one."""
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        return
    chosen = SupportSettings.for_site(site)
    if chosen.support_page_id is None:
        chosen.support_page = page
        chosen.save()


def course(*, home, data: dict, documents_dir: Path, report, update) -> list[QuizSpec]:
    """Create one course with its modules and lessons; return its quizzes."""
    course_page = _upsert(
        home,
        CoursePage,
        data["slug"],
        {
            "title": data["title"],
            "audience": data["audience"],
            "hours": data["hours"],
            "summary": data["summary"],
            "intro": data.get("intro", ""),
            "content_note": data.get("content_note") or "",
            "learning_outcomes": [
                {"type": "outcome", "value": text}
                for text in data.get("learning_outcomes", [])
            ],
            "sequential": bool(data.get("sequential", False)),
            "certificate_validity_months": data.get("validity_months"),
            "lesson_minimum_percent": data.get("lesson_minimum_percent"),
        },
        report,
        update,
    )
    quizzes = []
    for module_data in data.get("modules", []):
        module = _upsert(
            course_page,
            ModulePage,
            module_data["slug"],
            {
                "title": module_data["title"],
                "summary": module_data.get("summary", ""),
                "content_note": module_data.get("content_note") or "",
                "optional": bool(module_data.get("optional", False)),
            },
            report,
            update,
        )
        for lesson in module_data.get("lessons", []):
            _upsert(
                module,
                LessonPage,
                lesson["slug"],
                {
                    "title": lesson["title"],
                    "summary": lesson.get("summary", ""),
                    "minutes": lesson.get("minutes", 15),
                    "body": _stream(lesson.get("body"), documents_dir),
                },
                report,
                update,
            )
        if module_data.get("quiz"):
            quizzes.append(QuizSpec(module, module_data["quiz"], data["slug"]))
    if data.get("final_quiz"):
        final = data["final_quiz"]
        module = _upsert(
            course_page,
            ModulePage,
            FINAL_MODULE_SLUG,
            {
                "title": final.get("module_title", "Final assessment"),
                "summary": final.get(
                    "module_summary",
                    "A final check across the whole course, drawn from every module.",
                ),
            },
            report,
            update,
        )
        quizzes.append(QuizSpec(module, final, data["slug"]))
    return quizzes


@transaction.atomic
def load_catalogue(*, root: Path, update: bool = False) -> tuple[LoadReport, list]:
    """Load site.yaml and every course file. Returns the report and the quizzes."""
    report = LoadReport()
    documents_dir = root / "documents"
    site_data = read_yaml(root / "site.yaml") if (root / "site.yaml").exists() else {}
    home = home_page(data=site_data.get("home", {}), report=report, update=update)
    standard_pages(
        home=home,
        pages=site_data.get("pages", []),
        documents_dir=documents_dir,
        report=report,
        update=update,
    )
    quizzes = []
    # site.yaml may list course files (without .yaml) in catalogue order.
    order = site_data.get("courses") or []
    paths = sorted(
        (root / "courses").glob("*.yaml"),
        key=lambda path: order.index(path.stem) if path.stem in order else len(order),
    )
    for path in paths:
        quizzes += course(
            home=home,
            data=read_yaml(path),
            documents_dir=documents_dir,
            report=report,
            update=update,
        )
    return report, quizzes
