"""Every name the profile form accepts prints on one page; what cannot print is
refused when it is typed, with the reason (issue: names that never got a
certificate)."""

import datetime
import io
import types
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from certificates.rendering import certificate_render
from training.forms import ProfileForm
from training.sanitiser import plain_text


def _certificate(name: str, title: str, issuer: str = "ADVANCE training programme"):
    """What a certificate prints, without the database (as issue freezes it)."""
    return types.SimpleNamespace(
        holder_name=" ".join(plain_text(name).split())[:150],
        course_title=" ".join(plain_text(title).split())[:255],
        issuer_name=issuer,
        signatory_name="Dr Jane Smith",
        signatory_role="Programme lead",
        verify_url="https://training.example.org/verify/7KQ2-M9XD-4TRA-WP3N-HC5B/",
        cpd_hours=Decimal("7.5"),
        completed_on=datetime.date(2026, 3, 12),
        issued_at=datetime.datetime(2026, 3, 12, 10, 0, tzinfo=datetime.UTC),
        expires_at=datetime.datetime(2029, 3, 12, tzinfo=datetime.UTC),
        expires_on=datetime.date(2029, 3, 12),
        display_code="7KQ2-M9XD-4TRA-WP3N-HC5B",
    )


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _form(name: str) -> ProfileForm:
    return ProfileForm(
        data={
            "full_name": name,
            "email": "someone@example.org",
            "organisation": "",
            "job_role": "substance_use_worker",
        }
    )


def _accepted(name: str) -> bool:
    form = _form(name)
    form.is_valid()
    return "full_name" not in form.errors


ARABIC_NAME = "محمد عبد الرحمن الحسيني"
ARABIC_TITLE = "التعرف على العنف بين الشريكين والاستجابة له في علاج تعاطي المخدرات"
ARABIC_ISSUER = "برنامج التدريب المتقدم للعاملين في علاج الإدمان"


@pytest.mark.parametrize(
    ("name", "title", "issuer"),
    [
        (ARABIC_NAME, ARABIC_TITLE, "ADVANCE training programme"),
        (ARABIC_NAME, "Foundation: IPV-P and substance use", ARABIC_ISSUER),
        (ARABIC_NAME, ARABIC_TITLE, ARABIC_ISSUER),
        ("Maximilian " * 13 + "Wolfe", "Responding to " * 18 + "abuse", "X" * 200),
        (("Ng " * 50)[:150], ("Wm " * 85)[:255], "ADVANCE training programme"),
    ],
)
def test_long_and_arabic_text_prints_on_one_page(db, name, title, issuer):
    assert _accepted(name)
    pdf = certificate_render(certificate=_certificate(name[:150], title, issuer))
    assert _pages(pdf) == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Sam 😀 Taylor", "cannot print emoji"),
        ("Sam 👍🏽", "cannot print emoji"),
        ("<b></b>", "cannot be only markup"),
        ("<i> </i><br>", "cannot be only markup"),
        ("ਹਰਪ੍ਰੀਤ", "cannot yet print"),
        ("Ann \u0378", "cannot print the character"),
        ("Ann \u202eeeL", "invisible characters"),
        ("Ann\u200bLee", "invisible characters"),
        ("Ann\u2066Lee\u2069", "invisible characters"),
    ],
)
def test_names_that_cannot_print_are_refused_with_the_reason(db, name, reason):
    form = _form(name)
    assert not form.is_valid()
    assert reason in " ".join(form.errors["full_name"])


NAMES = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Lt", "Lo", "Mn", "Nd", "Pd", "Po", "Zs", "So")
    ),
    min_size=1,
    max_size=150,
)
TITLES = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Nd", "Po", "Zs")),
    min_size=1,
    max_size=255,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES, title=TITLES)
def test_every_accepted_name_prints_on_one_page(db, name, title):
    if not _accepted(name):
        return  # refused when typed, with a reason (checked above)
    if not " ".join(title.split()):
        title = "Course"
    from certificates.fonts import unprintable

    if unprintable(title):
        title = "Course"  # titles are checked by the editors' own forms
    pdf = certificate_render(certificate=_certificate(name, title))
    assert _pages(pdf) == 1


def _runs(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each piece of text on the page: where it starts, how wide it is (measured
    with the bold face names and titles print in) and the text itself."""
    from django.contrib.staticfiles import finders
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "CheckBold" not in pdfmetrics.getRegisteredFontNames():
        path = finders.find("fonts/DejaVuSans-Bold.ttf")
        pdfmetrics.registerFont(TTFont("CheckBold", path))
    runs = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        scale = (tm[0] * cm[0]) or 1
        width = pdfmetrics.stringWidth(text.strip(), "CheckBold", size * scale)
        runs.append((x, width, text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("A" * 150, "Foundation: IPV-P and substance use"),
        ("W" * 150, "Respondingtoabuse" * 15),
        ("Ann " + "m" * 140, "T" * 255),
    ],
)
def test_long_unbroken_names_and_titles_stay_inside_the_page(db, name, title):
    pdf = certificate_render(certificate=_certificate(name, title[:255]))
    assert _pages(pdf) == 1
    page_width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    printed = [run for run in _runs(pdf) if run[2][:3] in (name + title)]
    assert printed
    for x, width, text in printed:
        assert x >= 0 and x + width <= page_width, (x, width, text[:20])
    # Every letter is still printed: the long word is split over lines, not cut.
    letters = "".join(text for _, _, text in printed).replace(" ", "")
    assert name.replace(" ", "") in letters
