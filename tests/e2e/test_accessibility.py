"""axe-core (axe-playwright-python) on every public and learner page: zero WCAG 2.2
AA violations; and on the admin editors, no critical or serious violation caused
by the project's own fields."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services as quiz_services
from certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from courses.models import CourseCompletion, Enrolment, LessonPage, ModulePage
from tests.factories import (
    CourseCompletionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    UserFactory,
    make_course,
    make_quiz,
)

PASSWORD = "a-long-passphrase-7"
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


pytestmark = pytest.mark.usefixtures("signing_key")


def _certificate(user, course, **fields):
    Enrolment.objects.get_or_create(user=user, course=course)
    completion = CourseCompletionFactory(user=user, course=course, **fields)
    return certificate_issue(completion=completion)


@pytest.fixture
def site(live_home):
    """A course part-way, with a quiz, and certificates in every state."""
    course = make_course(
        home=live_home,
        modules=1,
        lessons_per_module=1,
        title="Foundation: IPV-P and substance use",
        learning_outcomes=[("outcome", "Ask about abuse safely")],
        content_note="This course describes domestic abuse.",
    )
    other = make_course(
        home=live_home,
        modules=1,
        lessons_per_module=1,
        title="ADVANCE-D group facilitator training",
        certificate_validity_months=24,
    )
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.descendant_of(course).get()
    quiz = make_quiz(
        module=module,
        questions=[SingleChoiceQuestionFactory(), OrderingQuestionFactory()],
        title="Check your learning",
    )
    learner = UserFactory(
        email="axe@example.org", password=PASSWORD, full_name="Zoë Adeyemi"
    )
    Enrolment.objects.create(user=learner, course=course)
    done = quiz_services.attempt_start(user=learner, quiz=quiz).attempt
    quiz_services.attempt_submit(user=learner, attempt=done, answers={})
    in_progress = quiz_services.attempt_start(user=learner, quiz=quiz).attempt
    valid = _certificate(learner, other)
    expired = _certificate(UserFactory(full_name="Priya Raman"), other)
    expired.expires_at = timezone.now() - timedelta(days=3)
    expired.save(update_fields=["expires_at"])
    revoked = _certificate(UserFactory(full_name="Tomás Fernández"), other)
    certificate_revoke(
        certificate=revoked, by=None, reason="Issued in error", reason_public=True
    )
    old = _certificate(UserFactory(full_name="Old Name"), other)
    certificate_reissue(certificate=old, by=None, holder_name="New Name")
    assert CourseCompletion.objects.filter(user=learner, course=other).exists()
    return {
        "public": [
            "/",
            course.url,
            "/accounts/signup/",
            "/accounts/login/",
            "/verify/",
            f"/verify/{valid.display_code}/",
            f"/verify/{expired.display_code}/",
            f"/verify/{revoked.display_code}/",
            f"/verify/{old.display_code}/",
            "/verify/0000-0000-0000-0000-0000/",
            "/verify/check-pdf/",
            "/no-such-page/",
        ],
        "learner": [
            "/my-learning/",
            "/accounts/profile/",
            course.url,
            module.url,
            lesson.url,
            quiz.url,
            f"/quizzes/attempts/{in_progress.pk}/",
            f"/quizzes/attempts/{in_progress.pk}/review/",
            f"/quizzes/attempts/{done.pk}/result/",
            f"/courses/{other.pk}/completed/",
        ],
    }


def _violations(page, url, options=WCAG_22_AA):
    page.goto(url)
    results = Axe().run(page, options=options)
    return [
        f"{url}: {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def test_public_and_learner_pages_have_no_wcag_22_aa_violations(browse, site):
    found = []

    def flow(page):
        for url in site["public"]:
            found.extend(_violations(page, url))
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("axe@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        for url in site["learner"]:
            found.extend(_violations(page, url))

    browse(flow)
    assert found == [], "\n".join(found)


@pytest.fixture
def editors(live_home, django_user_model):
    from assessments.models import OrderingQuestion
    from training.blocks import CaseStudyBlock  # noqa: F401 - the block under test

    course = make_course(
        home=live_home,
        modules=1,
        lessons_per_module=1,
        learning_outcomes=[("outcome", "Ask about abuse safely")],
    )
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [
        ("case_study", {"title": "Sam", "vignette": "<p>Sam mentions arguments.</p>",
                        "questions": ["What would you ask next?"]}),
        ("rich_text", "<p>Some text.</p>"),
    ]  # fmt: skip
    lesson.save_revision().publish()
    question = OrderingQuestionFactory()
    quiz = make_quiz(module=module, questions=[question])
    django_user_model.objects.create_superuser(
        email="editor@example.org", password=PASSWORD, full_name="Ed Itor"
    )
    assert isinstance(question, OrderingQuestion)
    return [
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{quiz.pk}/edit/",
        f"/admin/snippets/assessments/orderingquestion/edit/{question.pk}/",
        "/admin/snippets/assessments/singlechoicequestion/add/",
    ]


SERIOUS = {"critical", "serious"}


def test_editors_have_no_serious_violations_in_the_projects_fields(browse, editors):
    found = []

    def flow(page):
        page.goto("/admin/login/")
        page.get_by_label("Email address").fill("editor@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/admin/")
        for url in editors:
            page.goto(url)
            page.wait_for_selector("[data-draftail-editor-wrapper], form")
            # Open every collapsed block so its fields are checked too.
            page.wait_for_timeout(500)
            results = Axe().run(
                page, context={"include": [["form"]]}, options=WCAG_22_AA
            )
            for v in results.response["violations"]:
                if v["impact"] in SERIOUS:
                    found.append(
                        f"{url}: {v['id']} ({v['impact']}): {v['help']} -> "
                        + "; ".join(n["target"][0] for n in v["nodes"][:8])
                    )

    browse(flow)
    assert found == [], "\n".join(found)
