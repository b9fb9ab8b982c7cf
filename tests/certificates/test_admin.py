from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateStatus, PdfState
from certificates.services import certificate_revoke
from tests.factories import CertificateFactory, UserFactory

LIST = "/admin/snippets/certificates/certificate/"


def test_trainers_are_granted_view_revoke_and_reissue_but_not_delete(trainer):
    granted = set(
        Permission.objects.filter(
            group__name="Trainers", content_type__app_label="certificates"
        ).values_list("codename", flat=True)
    )
    assert {"view_certificate", "revoke_certificate", "reissue_certificate"} <= granted
    assert not {"add_certificate", "change_certificate", "delete_certificate"} & granted


def test_listing_searches_by_code_or_name(trainer_client, issue):
    wanted = issue(full_name="Siobhán Ó Briain")
    other = issue(full_name="Daniel Okafor")
    for query in [wanted.display_code.lower(), wanted.code, "siobhán"]:
        html = trainer_client.get(LIST, {"q": query}).content.decode()
        assert wanted.display_code in html, query
        assert other.display_code not in html, query


def test_listing_filters_by_status_and_course(trainer_client, issue, home, course):
    from tests.factories import make_course

    revoked = issue()
    certificate_revoke(certificate=revoked, by=None, reason="Withdrawn")
    valid = issue()
    elsewhere = issue(course_=make_course(home=home, modules=1, lessons_per_module=1))
    html = trainer_client.get(LIST, {"status": "revoked"}).content.decode()
    assert revoked.display_code in html and valid.display_code not in html
    html = trainer_client.get(LIST, {"course": course.pk}).content.decode()
    assert valid.display_code in html and elsewhere.display_code not in html
    html = trainer_client.get(
        LIST, {"issued_at_from": "2000-01-01", "issued_at_to": "2000-12-31"}
    ).content.decode()
    assert valid.display_code not in html


def test_revoke_records_who_when_and_why_in_the_audit_log(
    trainer_client, trainer, issue, client
):
    certificate = issue()
    url = f"{LIST}revoke/{certificate.pk}/"
    assert trainer_client.get(url).status_code == 200
    response = trainer_client.post(
        url, {"reason": "Completed by someone else", "reason_public": "on"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == trainer
    entry = ModelLogEntry.objects.get(action="certificates.revoke")
    assert entry.user == trainer
    assert entry.data["reason"] == "Completed by someone else"
    assert entry.object_id == str(certificate.pk)
    history = trainer_client.get(f"{LIST}history/{certificate.pk}/").content.decode()
    assert "Certificate revoked: “Completed by someone else”" in history
    assert f"{LIST}edit/{certificate.pk}/" not in history
    page = trainer_client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "REVOKED" in page and "Completed by someone else" in page


def test_revoke_needs_a_reason(trainer_client, issue):
    certificate = issue()
    response = trainer_client.post(f"{LIST}revoke/{certificate.pk}/", {"reason": ""})
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_reissue_makes_a_new_code_and_supersedes_the_old(
    trainer_client, issue, django_capture_on_commit_callbacks
):
    from django.core import mail

    old = issue(full_name="Old Name")
    url = f"{LIST}reissue/{old.pk}/"
    assert "Old Name" in trainer_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(url, {"holder_name": "New Name"})
    assert response.status_code == 302
    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == CertificateStatus.SUPERSEDED
    assert new.code != old.code and new.holder_name == "New Name"
    assert new.pdf_state == PdfState.READY
    assert new.completion == old.completion
    assert "reissued" in mail.outbox[-1].subject.lower()
    assert ModelLogEntry.objects.filter(action="certificates.reissue").exists()


def test_a_failed_pdf_shows_the_reason_and_can_be_retried(trainer_client, issue):
    certificate = issue()
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf_state=PdfState.FAILED, pdf_error="blocked resource 'http://x/'", pdf=""
    )
    html = trainer_client.get(f"{LIST}inspect/{certificate.pk}/").content.decode()
    assert "PDF failed: blocked resource" in html
    assert "PDF failed" in trainer_client.get(LIST).content.decode()
    response = trainer_client.post(f"{LIST}retry/{certificate.pk}/")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.pdf_state == PdfState.READY


def test_nobody_adds_edits_or_deletes_certificates_in_the_admin(admin_client, issue):
    certificate = issue()
    for url in [
        f"{LIST}add/",
        f"{LIST}edit/{certificate.pk}/",
        f"{LIST}delete/{certificate.pk}/",
    ]:
        assert admin_client.get(url).status_code in {302, 403}, url
        assert admin_client.post(url, {}).status_code in {302, 403}, url
    bulk = f"/admin/bulk/certificates/certificate/delete/?id={certificate.pk}"
    admin_client.post(bulk, {})
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert admin_client.get(f"{LIST}inspect/{certificate.pk}/").status_code == 200


def test_people_without_the_permission_cannot_see_or_act(client, issue):
    certificate = issue()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    for url in [
        LIST,
        f"{LIST}inspect/{certificate.pk}/",
        f"{LIST}revoke/{certificate.pk}/",
        f"{LIST}reissue/{certificate.pk}/",
        f"{LIST}pdf/{certificate.pk}/",
    ]:
        assert client.get(url).status_code in {302, 403}, url
    response = client.post(f"{LIST}revoke/{certificate.pk}/", {"reason": "x"})
    assert response.status_code in {302, 403}
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_admins_edit_the_issuer_settings_and_course_signatories(admin_client, home):
    site_id = home.get_site().pk
    url = f"/admin/settings/certificates/certificateissuersettings/{site_id}/"
    assert admin_client.get(url).status_code == 200
    assert (
        admin_client.get(
            "/admin/snippets/certificates/coursecertificatesettings/"
        ).status_code
        == 200
    )
    assert (
        admin_client.get("/admin/snippets/certificates/signingkey/").status_code == 200
    )


def test_listing_is_paginated_and_sorted(trainer_client, db):
    for _ in range(3):
        CertificateFactory()
    response = trainer_client.get(LIST, {"ordering": "holder_name"})
    assert response.status_code == 200
