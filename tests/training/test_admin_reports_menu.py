"""Trainers see the project's reports, not Wagtail's site-maintenance ones."""

import pytest

pytestmark = pytest.mark.django_db


def _reports_menu(client):
    return client.get("/admin/").content.decode()


def test_trainers_do_not_see_wagtails_generic_reports(trainer_client, home):
    html = _reports_menu(trainer_client)
    assert "Course progress" in html
    for hidden in ("Aging pages", "Site history", "Page types usage", "Locked pages"):
        assert hidden not in html, hidden


def test_administrators_keep_them(client, home, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="root@example.org", password="a-long-passphrase-7", full_name="Ad Min"
    )
    client.force_login(admin)
    html = _reports_menu(client)
    assert "Aging pages" in html and "Site history" in html
