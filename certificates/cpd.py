"""A learner's CPD record: every completed course with its CPD hours, by year.

``cpd_record`` reads it in two queries; ``cpd_pdf`` prints it with the certificate
fonts through the certificates' confined renderer (``rendering.html_to_pdf``: no
network, only the project's static files), and the views offer it as CSV too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import CourseCompletion

from .models import Certificate, CertificateStatus
from .rendering import (
    FONT_FILES,
    CertificateRenderError,
    _url_path,
    font_stack,
    format_hours,
    html_to_pdf,
    script_fonts,
    shaping_problem,
)

PDF_TEMPLATE = "certificates/cpd_pdf.html"


@dataclass
class CpdEntry:
    course_title: str
    completed_on: date
    hours: Decimal
    certificate_code: str = ""
    certificate_status: str = ""

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)


@dataclass
class CpdYear:
    year: int
    entries: list[CpdEntry] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((entry.hours for entry in self.entries), Decimal(0))

    @property
    def total_text(self) -> str:
        return format_hours(self.total)


@dataclass
class CpdRecord:
    holder_name: str
    years: list[CpdYear]

    @property
    def total(self) -> Decimal:
        return sum((year.total for year in self.years), Decimal(0))

    @property
    def total_text(self) -> str:
        return format_hours(self.total)

    @property
    def entries(self) -> list[CpdEntry]:
        return [entry for year in self.years for entry in year.entries]


def cpd_record(*, user) -> CpdRecord:
    """Completed courses, newest year first, each with the hours its certificate
    states (or the course's hours where no certificate was issued)."""
    # Per completion its current certificate; for an earlier run of a refresher,
    # the certificate a later run renewed (now superseded).
    certificates = {}
    for c in (
        Certificate.objects.filter(user=user, completion__isnull=False)
        .only("completion_id", "code", "cpd_hours", "course_title", "status",
              "expires_at")
        .order_by("issued_at", "pk")
    ):  # fmt: skip
        held = certificates.get(c.completion_id)
        if held is None or c.status != CertificateStatus.SUPERSEDED:
            certificates[c.completion_id] = c
    by_year: dict[int, CpdYear] = defaultdict(lambda: CpdYear(year=0))
    for completion in (
        CourseCompletion.history.filter(user=user)
        .select_related("course")
        .order_by("-completed_at", "-pk")
    ):
        certificate = certificates.get(completion.pk)
        completed_on = timezone.localdate(completion.completed_at)
        entry = CpdEntry(
            course_title=certificate.course_title
            if certificate
            else completion.course.title,
            completed_on=completed_on,
            hours=certificate.cpd_hours if certificate else completion.course.hours,
            certificate_code=certificate.display_code if certificate else "",
            certificate_status=certificate.status_label if certificate else "",
        )
        year = by_year[completed_on.year]
        year.year = completed_on.year
        year.entries.append(entry)
    years = sorted(by_year.values(), key=lambda y: y.year, reverse=True)
    return CpdRecord(holder_name=user.full_name, years=years)


def cpd_pdf(*, record: CpdRecord) -> bytes:
    """The record as an A4 PDF, or CertificateRenderError."""
    texts = [record.holder_name, *(e.course_title for e in record.entries)]
    for text in texts:
        if problem := shaping_problem(text):
            raise CertificateRenderError(problem)
    static = _url_path(settings.STATIC_URL)
    html = render_to_string(
        PDF_TEMPLATE,
        {
            "record": record,
            "printed_on": timezone.localdate(),
            "fonts": {name: static + path for name, path in FONT_FILES.items()},
            "script_faces": [
                {"family": font.family, "url": static + font.path}
                for font in script_fonts(" ".join(texts))
                if font.path
            ],
            "stack": font_stack(" ".join(texts)),
        },
    )
    return html_to_pdf(html)
