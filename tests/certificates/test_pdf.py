import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import ImageFactory

from certificates.models import CertificateIssuerSettings, PdfState
from tests.factories import UserFactory

NAMES = [
    "Siobhán Ó Briain",
    "Łukasz Żółć",
    "Zoë Hartley",
    "Nguyễn Thị Lan",
    "Γιώργος Παπαδόπουλος",
    "Олена Шевчук",
    "Mairead NicDhòmhnaill",
    "Seán Mac Giolla Phádraig",
    "সুমাইয়া রহমান",  # Bengali, with a fallback font embedded only when needed
    "陈美玲",  # Chinese, in the PDF reader's own Adobe CJK font
]
ARABIC_NAMES = ["يوسف الحداد", "محمد عبد الله", "سارہ قریشی"]  # the last is Urdu


def _text(certificate) -> str:
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    assert len(reader.pages) == 1
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("name", NAMES)
def test_names_in_many_scripts_come_out_as_text(issue, name):
    certificate = issue(full_name=name)
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    assert name in _text(certificate)


@pytest.mark.parametrize("name", ARABIC_NAMES)
def test_arabic_names_come_out_as_joined_text(issue, name):
    """Arabic is drawn with its letters joined (presentation forms), in reading
    order; folding the forms back (NFKC) gives exactly the name as typed."""
    certificate = issue(full_name=name)
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    text = _text(certificate)
    assert name not in text  # the joined forms, not the isolated letters, are drawn
    assert name in unicodedata.normalize("NFKC", text)


def test_scripts_the_renderer_cannot_shape_are_refused_with_a_reason(issue):
    certificate = issue(full_name="ਹਰਪ੍ਰੀਤ ਕੌਰ")
    assert certificate.pdf_state == PdfState.FAILED
    assert "Gurmukhi" in certificate.pdf_error
    assert "Reissue" in certificate.pdf_error
    assert not certificate.pdf


def test_fallback_fonts_are_embedded_only_when_a_name_needs_them(issue):
    def fonts(certificate):
        page = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0]
        return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}

    latin = fonts(issue(full_name="Zoë Hartley"))
    assert not any("Noto" in name for name in latin), latin
    bengali = fonts(issue(full_name="সুমাইয়া রহমান"))
    assert any("NotoSansBengali" in name for name in bengali), bengali


def test_the_certificate_states_everything_an_employer_checks(issue, validity_course):
    certificate = issue(course_=validity_course, full_name="Zoë Hartley")
    text = _text(certificate)
    for expected in [
        "Certificate of Completion",
        "Zoë Hartley",
        validity_course.title,
        "6 CPD hours",
        f"Completed on {certificate.completed_on:%-d %B %Y}",
        f"Valid until {certificate.expires_on:%-d %B %Y}",
        "ADVANCE training programme",
        certificate.display_code,
        certificate.verify_url,
    ]:
        assert expected in text, expected


def test_a4_landscape_one_page_even_for_the_longest_name_and_title(issue, home):
    from tests.factories import make_course

    long_course = make_course(
        home=home, modules=1, lessons_per_module=1, title="T" * 255
    )
    name = "Maximiliana Wolfeschlegelsteinhausenbergerdorff " * 4
    certificate = issue(course_=long_course, full_name=name[:150])
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_logo_and_signature_are_printed(issue, home):
    logo = ImageFactory(file=get_test_image_file(size=(600, 200)))
    signature = ImageFactory(file=get_test_image_file(size=(300, 100)))
    issuer = CertificateIssuerSettings.for_site(home.get_site())
    issuer.logo = logo
    issuer.signature_image = signature
    issuer.signatory_name = "Dr Gail Gilchrist"
    issuer.save()
    certificate = issue()
    assert certificate.pdf_state == PdfState.READY, certificate.pdf_error
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    images = reader.pages[0].images
    assert len(images) >= 3  # logo, signature, QR code (and the page frame)
    assert "Dr Gail Gilchrist" in reader.pages[0].extract_text()


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)",
)
def test_the_qr_code_decodes_to_the_verify_address(issue, tmp_path):
    certificate = issue(full_name=UserFactory.build().full_name)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate.pdf.read())
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "150",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("zbarimg"),
            "--quiet",
            "--raw",
            "-Sdisable",
            "-Sqrcode.enable",
            str(tmp_path / "page.png"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == certificate.verify_url
