"""Every page sends a Content-Security-Policy and a Permissions-Policy.

Public and learner pages allow only the platform's own scripts and styles (no inline
script, no style="" attributes); the Wagtail admin gets what it needs on top, there
only. Production enforces the policy; development only reports it.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def _assert_strict(response):
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_public_pages_send_the_strict_policy(client, course):
    for url in ["/", course.url, reverse("login"), reverse("signup"), "/verify/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_learner_pages_send_the_strict_policy(enrolled_client, course):
    lesson = LessonPage.objects.descendant_of(course).first()
    for url in [lesson.url, reverse("dashboard"), reverse("profile")]:
        response = enrolled_client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_error_pages_send_the_strict_policy(client, home):
    _assert_strict(client.get("/no-such-page/"))


def test_the_admin_gets_inline_styles_and_scripts_only_there(trainer_client):
    response = trainer_client.get("/admin/")
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_permissions_policy_turns_off_what_no_page_uses(client, home):
    header = client.get("/")["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in header
    assert 'fullscreen=(self "https://www.youtube-nocookie.com"' in header.replace(
        '"https://www.youtube.com" ', ""
    )


def test_production_enforces_and_development_reports(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    importlib.reload(importlib.import_module("training.settings.base"))
    production = importlib.reload(
        importlib.import_module("training.settings.production")
    )
    dev = importlib.reload(importlib.import_module("training.settings.dev"))
    assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert not getattr(production, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    assert dev.CONTENT_SECURITY_POLICY is None
    assert dev.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["script-src"] == [
        "'self'"
    ]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)")
STYLE_ATTRIBUTE = re.compile(r"\sstyle=")
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if "/admin/" in f"/{relative}" or relative.startswith("wagtail"):
            continue  # admin screens: the admin policy applies there
        if relative == "certificates/certificate_pdf.html":
            continue  # read by the PDF renderer, never by a browser
        yield relative, path.read_text()


def test_no_public_or_learner_template_has_inline_script_or_style():
    found = [
        (name, pattern.pattern)
        for name, text in _public_templates()
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE)
        if pattern.search(text)
    ]
    assert found == []
