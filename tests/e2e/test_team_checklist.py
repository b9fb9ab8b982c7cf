"""A manager opens the team capability checklist from My team: the chart and its
table, a named row for the one person who shares, nobody else's name; no WCAG 2.2 AA
violation and nothing the Content-Security-Policy blocks, on desktop and phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.capabilities import AREAS
from assessments.services import capability_sharing_set, self_assessment_record
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import WCAG_22_AA
from tests.factories import OrganisationFactory, make_member


@pytest.fixture
def team(live_home):
    org = OrganisationFactory(name="Northbrook Recovery Service")
    make_member(org, role="manager", email="boss@example.org", full_name="Mina Boss")
    sharer = make_member(org, full_name="Sam Sharer")
    private = [make_member(org, full_name=f"Pat Private {i}") for i in range(3)]
    for person, level in zip([sharer, *private], [4, 1, 2, 3], strict=True):
        self_assessment_record(
            user=person,
            ratings={area.key: level for area in AREAS},
            stage="start",
        )
    capability_sharing_set(user=sharer, share=True)
    # Another organisation's ratings never reach this manager.
    other = OrganisationFactory(name="Eastgate Women's Centre")
    for level in (1, 2, 3):
        self_assessment_record(
            user=make_member(other, full_name=f"Olu Other {level}"),
            ratings={area.key: level for area in AREAS},
            stage="end",
        )


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_manager_reads_the_team_checklist(browse, team, viewport):
    blocked = []
    found = []

    def flow(page):
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("boss@example.org")
        page.get_by_label("Password").fill("correct-horse-9")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="My team").first.click()
        page.get_by_role("link", name="Team capability checklist").click()
        expect(
            page.get_by_role("heading", name="Team capability checklist")
        ).to_be_visible()
        expect(page.get_by_role("img", name="Team self-ratings")).to_be_visible()
        knowledge_start = page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name="Knowledge")
        )
        expect(knowledge_start).to_contain_text("4")
        expect(page.get_by_role("link", name="Sam Sharer")).to_be_visible()
        for name in ("Pat Private", "Olu Other"):
            expect(page.get_by_text(name)).to_have_count(0)
        # End of course: nobody in this team rated yet.
        expect(page.get_by_text("No one has rated this yet.").first).to_be_visible()
        # The chart fits the screen without sideways scrolling of the page.
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1"
        )
        results = Axe().run(page, options=WCAG_22_AA)
        found.extend(f"{v['id']}: {v['help']}" for v in results.response["violations"])

    if viewport:
        browse(flow, viewport=viewport, is_mobile=True)
    else:
        browse(flow)
    assert found == []
    assert blocked == []
