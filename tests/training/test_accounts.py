"""Sign-up, sign-in, password reset, profile and the learner's own data."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from training.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Siobhán Ó Briain",
    "email": "Siobhan@Example.org",
    "organisation": "Northbrook Recovery Service",
    "job_role": "keyworker",
    "password1": "a-long-passphrase-7",
    "password2": "a-long-passphrase-7",
}


def _confirm_link(message) -> str:
    link = re.search(r"https?://\S+/signup/confirm/\S+/", message.body).group(0)
    return link.split("testserver", 1)[1]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``commit(client.post, ...)``: the request, then what it left for after
    commit (its emails), as a real request's commit would run them."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_sign_up_confirms_by_email_then_signs_in(client, commit, home):
    response = commit(client.post, reverse("signup"), GOOD)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    user = User.objects.get()
    assert user.email == "siobhan@example.org"
    assert user.full_name == "Siobhán Ó Briain"
    assert user.check_password("a-long-passphrase-7")
    assert not user.is_active  # not until the address is confirmed
    assert client.get(reverse("dashboard")).status_code == 302

    (message,) = mail.outbox
    assert message.to == ["siobhan@example.org"]
    link = _confirm_link(message)
    assert client.get(link).status_code == 200  # opening the link changes nothing
    assert not User.objects.get().is_active
    response = client.post(link, follow=True)
    assert "Welcome, Siobhán Ó Briain" in response.content.decode()
    assert User.objects.get().is_active
    assert client.get(reverse("dashboard")).status_code == 200
    # The link works once.
    assert client.post(link).status_code == 400


def test_sign_up_with_used_email_answers_the_same_and_tells_the_holder(
    client, learner, commit
):
    fresh = commit(client.post, reverse("signup"), {**GOOD, "email": "new@example.org"})
    used = commit(
        client.post, reverse("signup"), {**GOOD, "email": learner.email.upper()}
    )
    assert used.status_code == fresh.status_code == 200

    def page(response, email):
        return response.content.decode().replace(email, "EMAIL")

    assert page(used, learner.email) == page(fresh, "new@example.org")
    assert User.objects.count() == 2
    learner.refresh_from_db()
    assert learner.check_password("correct-horse-9")  # nothing about it changed
    assert learner.full_name != GOOD["full_name"]
    to_holder = [m for m in mail.outbox if m.to == [learner.email]]
    assert len(to_holder) == 1
    assert "already have one" in to_holder[0].body
    assert "/accounts/password/reset/" in to_holder[0].body
    assert "/signup/confirm/" not in to_holder[0].body


def test_signing_up_again_before_confirming_sends_a_new_link(client, commit):
    commit(client.post, reverse("signup"), GOOD)
    first = _confirm_link(mail.outbox[0])
    commit(
        client.post,
        reverse("signup"),
        {**GOOD, "password1": "another-pass-88", "password2": "another-pass-88"},
    )
    second = _confirm_link(mail.outbox[1])
    assert client.post(first).status_code == 400  # replaced by the newer link
    client.post(second)
    user = User.objects.get()
    assert user.is_active and user.check_password("another-pass-88")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password1": "password", "password2": "password"}, "too common"),
        ({"password1": "12345678901", "password2": "12345678901"}, "entirely numeric"),
        ({"password2": "something-else-9"}, "do not match"),
        ({"full_name": "   "}, "This field is required"),
        ({"email": "not-an-email"}, "valid email"),
    ],
)
def test_sign_up_problems_are_explained(client, change, message):
    response = client.post(reverse("signup"), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not User.objects.exists()


def test_html_in_a_name_is_shown_as_text(client, commit):
    commit(
        client.post,
        reverse("signup"),
        {**GOOD, "full_name": "<script>alert(1)</script>"},
    )
    client.post(_confirm_link(mail.outbox[0]))
    html = client.get(reverse("profile")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_sign_in_with_email_in_any_case(client, learner):
    response = client.post(
        reverse("login"),
        {"username": learner.email.upper(), "password": "correct-horse-9"},
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_says_so(client, learner):
    response = client.post(
        reverse("login"), {"username": learner.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_sign_out_needs_post(client, learner):
    client.force_login(learner)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_by_email(client, learner):
    client.post(reverse("password_reset"), {"email": learner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("brand-new-pass-42")


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_edit(learner_client, learner):
    response = learner_client.post(
        reverse("profile"),
        {
            "full_name": "Zoë Adeyemi",
            "email": learner.email,
            "organisation": "Eastgate",
            "job_role": "group_facilitator",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.full_name == "Zoë Adeyemi"
    assert learner.job_role == "group_facilitator"


def test_data_export_holds_the_learners_records(learner_client, learner, enrolled):
    response = learner_client.get(reverse("data_export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == learner.email
    assert data["enrolments"][0]["course"]


def test_delete_account_needs_the_password(learner_client, learner):
    response = learner_client.post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert User.objects.filter(pk=learner.pk).exists()
    learner_client.post(reverse("account_delete"), {"password": "correct-horse-9"})
    assert not User.objects.filter(pk=learner.pk).exists()


def test_posts_without_csrf_are_refused(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not User.objects.filter(email="siobhan@example.org").exists()


def test_footer_support_link_follows_the_setting_without_a_query(client, home):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import StandardPageFactory
    from training.models import SupportSettings

    page = StandardPageFactory(parent=home, title="Help now", slug="help-now")
    assert 'href="/getting-support/"' in client.get(home.url).content.decode()
    setting = SupportSettings.for_site(home.get_site())
    setting.support_page = page
    setting.save()
    html = client.get(home.url).content.decode()
    assert f'href="{page.url}">Getting support' in html
    with CaptureQueriesContext(connection) as context:
        from training.selectors import support_page_url

        assert support_page_url() == page.url
    assert len(context.captured_queries) == 0
