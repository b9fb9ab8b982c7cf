"""A learner signs up, enrols and works through a course using labels and links."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from courses.models import LessonPage
from tests.e2e.conftest import PHONE
from tests.factories import make_course


@pytest.fixture
def course(live_home):
    return make_course(
        home=live_home, title="Foundation: IPV-P and substance use", modules=2,
        lessons_per_module=2, content_note="This course describes domestic abuse.",
    )  # fmt: skip


def test_sign_up_enrol_and_learn(browse, course):
    titles = [
        lesson.title
        for lesson in LessonPage.objects.descendant_of(course).order_by("path")
    ]

    def flow(page):
        page.goto("/")
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Full name").fill("Zoë <b>Adeyemi</b>")
        page.get_by_label("Email address").fill("zoe@example.org")
        page.get_by_label("Organisation").select_option(label="Not listed, or none")
        page.get_by_label("Job role").select_option(label="Keyworker")
        page.get_by_label("Password", exact=True).fill("a-long-passphrase-7")
        page.get_by_label("Confirm password").fill("a-long-passphrase-7")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        link = re.search(r"https?://\S+/signup/confirm/\S+/", mail.outbox[-1].body)
        page.goto("/" + link.group(0).split("/", 3)[3])
        page.get_by_role("button", name="Confirm and continue").click()
        expect(page.get_by_text("Welcome, Zoë <b>Adeyemi</b>")).to_be_visible()

        page.get_by_role(
            "link", name="Foundation: IPV-P and substance use"
        ).first.click()
        expect(
            page.get_by_text("This course describes domestic abuse.")
        ).to_be_visible()
        page.get_by_role("button", name="Enrol on this course").click()
        expect(page.get_by_text("You are enrolled")).to_be_visible()

        page.get_by_role("link", name="Continue").first.click()
        expect(page.get_by_role("heading", name=titles[0], level=1)).to_be_visible()
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("heading", name=titles[1], level=1)).to_be_visible()

        page.get_by_role("link", name="My learning").click()
        expect(page.get_by_text("25% complete")).to_be_visible()
        expect(page.get_by_text("1 of 4 lessons complete")).to_be_visible()
        page.get_by_role("link", name="Continue").first.click()
        expect(page.get_by_role("heading", name=titles[1], level=1)).to_be_visible()

    browse(flow)


def test_keyboard_only_sign_in(browse, course, django_user_model):
    django_user_model.objects.create_user(
        email="kb@example.org", password="a-long-passphrase-7", full_name="Kay Board"
    )

    def flow(page):
        page.goto("/")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        page.goto("/accounts/login/")
        expect(page.get_by_label("Email address")).to_be_focused()  # autofocus
        page.keyboard.type("kb@example.org")
        page.keyboard.press("Tab")
        page.keyboard.type("a-long-passphrase-7")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()

    browse(flow)


def test_course_page_fits_a_phone(browse, course):
    url, title = course.url, course.title

    def flow(page):
        page.goto(url)
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    browse(flow, viewport=PHONE, is_mobile=True)
