"""A manager invites staff by CSV, assigns a course and follows a learner's
progress, by labels and link texts."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrolment, LessonPage, StepCompletion
from tests.e2e.conftest import PHONE
from tests.factories import OrganisationFactory, make_course, make_member
from training.models import Invitation

CSV = (
    b"email,full name,job role\n"
    b"new.starter@example.org,Nia Starter,Keyworker\n"
    b"broken-address,Bad Row,Keyworker\n"
)


@pytest.fixture
def team(live_home):
    course = make_course(
        home=live_home, title="Foundation: IPV-P and substance use", modules=2,
        lessons_per_module=2,
    )  # fmt: skip
    org = OrganisationFactory(name="Northbrook Recovery Service")
    make_member(org, role="manager", email="boss@example.org", full_name="Mina Boss")
    learner = make_member(org, full_name="Lee Learner")
    Enrolment.objects.create(user=learner, course=course)
    first = LessonPage.objects.descendant_of(course).order_by("path").first()
    StepCompletion.objects.create(user=learner, page=first)
    return course


def _sign_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("boss@example.org")
    page.get_by_label("Password").fill("correct-horse-9")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_invite_by_csv_assign_and_follow_progress(browse, team, tmp_path, viewport):
    csv_file = tmp_path / "staff.csv"
    csv_file.write_bytes(CSV)
    due = timezone.localdate() + datetime.timedelta(days=21)

    def flow(page):
        _sign_in(page)
        page.get_by_role("link", name="My team").click()
        expect(page.get_by_role("heading", name="My team")).to_be_visible()

        page.get_by_role("link", name="Invite staff").click()
        page.get_by_label("CSV file").set_input_files(str(csv_file))
        page.get_by_role("button", name="Check the file").click()
        expect(
            page.get_by_text("1 will be invited, 0 skipped, 1 with errors")
        ).to_be_visible()
        expect(
            page.get_by_text("“broken-address” is not an email address.")
        ).to_be_visible()
        page.get_by_role("button", name="Send 1 invitation").click()
        expect(page.get_by_text("1 invitation sent.")).to_be_visible()
        expect(page.get_by_role("cell", name="new.starter@example.org")).to_be_visible()

        page.get_by_role("link", name="My team").first.click()
        page.get_by_role("link", name="Assign a course").click()
        page.get_by_label("Course").select_option(
            label="Foundation: IPV-P and substance use"
        )
        page.get_by_label("Due date").fill(due.isoformat())
        page.get_by_label("Lee Learner").check()
        page.get_by_role("button", name="Assign course").click()
        expect(page.get_by_text("is assigned to 1 person")).to_be_visible()

        row = page.get_by_role("row").filter(has_text="Lee Learner")
        expect(row).to_contain_text("In progress")
        expect(row).to_contain_text("25%")
        expect(row).to_contain_text(f"Due {due:%-d %b %Y}")
        page.get_by_role("link", name="Lee Learner").click()
        expect(page.get_by_role("heading", name="Lee Learner")).to_be_visible()
        expect(page.get_by_text("Foundation: IPV-P and substance use")).to_be_visible()

    if viewport:
        browse(flow, viewport=viewport, is_mobile=True)
    else:
        browse(flow)
    assert Invitation.objects.filter(email="new.starter@example.org").exists()
