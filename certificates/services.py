"""Writes with rules: issuing, rendering, revoking and reissuing certificates.

``certificate_issue`` runs inside the transaction that records a course completion
(it is called from the ``course_completed`` signal), so the certificate exists exactly
when the completion does. Its PDF is not rendered there: once the transaction
commits, a render task is queued (``certificates.tasks``), and the learner sees
"being prepared" until it is done. ``certificate_pdf_render`` is what the task runs: it
locks the certificate, does nothing if the PDF is already there (a task run twice),
and signs and renders otherwise. A render that fails is tried again a minute later,
up to ``CERTIFICATE_RENDER_ATTEMPTS`` times in all; then the certificate shows
``pdf_state = failed`` and the reason, which the admin shows with a "Retry PDF"
action. The email goes out from its own task once the PDF is ready.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.log_actions import log

from courses.models import CourseCompletion
from training.sanitiser import plain_text, strip_invisible

from .addresses import require_public
from .codes import code_generate
from .credentials import credential_build, status_list_enqueue
from .models import (
    Certificate,
    CertificateStatus,
    PdfSigningCertificate,
    PdfState,
    SigningKey,
)
from .pdf_signing import PdfSigningError, active_identity, pdf_sign
from .recertification import renewal_for
from .rendering import CertificateRenderError, certificate_render, format_hours
from .selectors import issuer_for_course, utc_iso, verify_url_for
from .signing import (
    SigningKeyError,
    active_key_pair,
    statement_sign,
    statement_text,
)
from .verifycache import verify_cache_clear_on_commit

log_ = logging.getLogger(__name__)

REASON_MAX_LENGTH = 1000
STATEMENT_VERSION = 1


def statement_fields(certificate: Certificate) -> dict:
    """What a certificate's signature covers: its code and everything it states."""
    return {
        "v": STATEMENT_VERSION,
        "type": "certificate_of_completion",
        "code": certificate.display_code,
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "cpd_hours": format_hours(certificate.cpd_hours),
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": utc_iso(certificate.issued_at),
        "expires_on": certificate.expires_on.isoformat()
        if certificate.expires_at
        else None,
        "issuer": certificate.issuer_name,
    }


def _plain(text: str | None, *, limit: int) -> str:
    """Typed text as a certificate states it: no markup, no invisible characters
    (a direction override in a course title would read backwards on the verify page
    and forwards in the PDF), spaces tidied."""
    return " ".join(strip_invisible(plain_text(text)).split())[:limit]


def _issuer_fields(*, issuer, code: str) -> dict:
    """What a new certificate freezes from the issuer settings, and its issue time.

    Raises PublicAddressMissing where the verify link would be unusable for good.
    """
    require_public(issuer.base_url)
    return {
        "issuer_name": _plain(issuer.organisation_name, limit=200),
        "signatory_name": _plain(issuer.signatory_name, limit=150),
        "signatory_role": _plain(issuer.signatory_role, limit=150),
        "logo_id": issuer.logo_id,
        "signature_image_id": issuer.signature_image_id,
        "verify_url": verify_url_for(code=code, base_url=issuer.base_url),
        "issued_at": timezone.now(),
    }


def _new_code() -> str:
    code = code_generate()
    while Certificate.objects.filter(code=code).exists():  # pragma: no cover - 2^-100
        code = code_generate()
    return code


def _current(queryset):
    return queryset.exclude(status=CertificateStatus.SUPERSEDED)


@transaction.atomic
def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """Issue the certificate for a course completion, once.

    Safe to call any number of times and from concurrent transactions: the
    completion row is locked while deciding (PostgreSQL), and a unique constraint on
    the current certificate per completion catches anything that slips past (SQLite).
    Returns the completion's current certificate, new or existing.
    """
    # Lock only the completion row, not the learner's or the course's. A
    # completion this request has just recorded carries both already.
    carried = all(
        CourseCompletion._meta.get_field(name).is_cached(completion)
        for name in ("user", "course")
    )
    query = CourseCompletion.objects.select_for_update(of=("self",))
    if not carried:
        query = query.select_related("user", "course")
    locked = query.get(pk=completion.pk)
    if carried:
        locked.user, locked.course = completion.user, completion.course
    completion = locked
    existing = _current(Certificate.objects.filter(completion=completion)).first()
    if existing is not None:
        return existing
    course, user = completion.course, completion.user
    issuer = issuer_for_course(course=course)
    code = _new_code()
    renewal = renewal_for(completion=completion)
    certificate = Certificate(
        code=code,
        user=user,
        course=course,
        completion=completion,
        # Never the email address: it would be printed and shown to verifiers.
        holder_name=_plain(user.full_name, limit=150),
        course_title=_plain(course.title, limit=255),
        cpd_hours=course.hours,
        completed_on=timezone.localdate(completion.completed_at),
        **_issuer_fields(issuer=issuer, code=code),
        expires_at=renewal.expires_at,
        # Queued with its insert: one write in the learner's request, not two.
        render_queued_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # Another transaction issued it between our check and our insert.
        existing = _current(Certificate.objects.filter(completion=completion)).first()
        if existing is None:
            raise
        return existing
    if renewal.old is not None:
        # A refresher renews the old certificate, which now verifies as superseded.
        Certificate.objects.filter(pk=renewal.old.pk).update(
            status=CertificateStatus.SUPERSEDED, superseded_by=certificate
        )
        status_list_enqueue(renewal.old)
        verify_cache_clear_on_commit()
    log(instance=certificate, action="certificates.issue", user=None)
    _render_on_commit(certificate, marked=True)
    return certificate


def _record_key(pair) -> None:
    SigningKey.objects.get_or_create(
        key_id=pair.key_id, defaults={"public_key": pair.public_b64}
    )


def _record_pdf_identity(identity) -> None:
    PdfSigningCertificate.objects.get_or_create(
        fingerprint=identity.fingerprint,
        defaults={
            "subject": identity.subject[:300],
            "certificate_pem": identity.cert_pems[0].decode("ascii"),
        },
    )


def _pdf_pages(data: bytes) -> int:
    from io import BytesIO

    return len(PdfReader(BytesIO(data)).pages)


def certificate_produce(*, certificate: Certificate) -> bool:
    """Sign the certificate's statement, render its PDF and sign that (PAdES);
    store both. The stored SHA-256 is the signed file's.

    Never raises for a missing key or a failed render: it records ``pdf_state =
    failed`` with the reason instead, so the issuer sees it in the admin and can
    retry. Returns whether the certificate is now complete.
    """
    try:
        if not certificate.holder_name:
            raise CertificateRenderError(
                "The learner's account has no name to print. Reissue the "
                "certificate with the name as it should appear."
            )
        pair = active_key_pair()
        statement = statement_text(statement_fields(certificate))
        signature = statement_sign(statement, pair=pair)
        pdf = certificate_render(
            certificate=certificate,
            logo=certificate.logo,
            signature_image=certificate.signature_image,
        )
        pages = _pdf_pages(pdf)
        if pages != 1:
            raise CertificateRenderError(
                f"The certificate ran to {pages} pages; it must fit on one."
            )
        credential = credential_build(certificate=certificate, pair=pair)
        identity = active_identity()
        pdf = pdf_sign(
            pdf,
            identity=identity,
            reason=f"Certificate of completion {certificate.display_code}",
        )
    except (SigningKeyError, PdfSigningError, CertificateRenderError) as error:
        log_.warning("Certificate %s not produced: %s", certificate.code, error)
        certificate.pdf_state = PdfState.FAILED
        certificate.pdf_error = str(error)[:2000]
        certificate.save(update_fields=["pdf_state", "pdf_error"])
        return False
    _record_key(pair)
    _record_pdf_identity(identity)
    old_name = certificate.pdf.name if certificate.pdf else ""
    certificate.statement = statement
    certificate.signature = signature
    certificate.key_id = pair.key_id
    certificate.credential = credential
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf_state = PdfState.READY
    certificate.pdf_error = ""
    certificate.save(
        update_fields=[
            "statement",
            "signature",
            "key_id",
            "credential",
            "pdf",
            "pdf_sha256",
            "pdf_state",
            "pdf_error",
        ]
    )
    if old_name and old_name != certificate.pdf.name:
        storage = certificate.pdf.storage
        transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return True


def _notify_on_commit(certificate: Certificate) -> None:
    if certificate.pdf_state == PdfState.READY and certificate.user_id:
        from .tasks import certificate_notify_task

        pk = certificate.pk
        transaction.on_commit(
            lambda: certificate_notify_task.enqueue(certificate_id=pk), robust=True
        )


def _render_on_commit(
    certificate: Certificate, *, delay: int = 0, marked: bool = False
) -> None:
    """Queue the certificate's render once this transaction commits (``marked``:
    its ``render_queued_at`` is already saved)."""
    from .tasks import certificate_render_task

    pk = certificate.pk
    if not marked:
        Certificate.objects.filter(pk=pk).update(render_queued_at=timezone.now())

    def enqueue():
        task = certificate_render_task
        if delay and task.get_backend().supports_defer:
            task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
        task.enqueue(certificate_id=pk)

    transaction.on_commit(enqueue)
    verify_cache_clear_on_commit()


def render_attempts_allowed() -> int:
    return max(1, int(getattr(settings, "CERTIFICATE_RENDER_ATTEMPTS", 3)))


RETRY_DELAY_SECONDS = 60


def certificate_pdf_render(*, certificate_id: int) -> str:
    """Sign and render a certificate's PDF, once: what the render task runs.

    Safe to run twice or at once in two workers: the certificate row is locked
    while rendering, and a certificate whose PDF is ready (or that was replaced) is
    left alone. Each try is counted first, in its own transaction, so a worker
    killed mid-render still counts; a failed try is queued again a minute later
    until ``CERTIFICATE_RENDER_ATTEMPTS`` tries, then left failed for the admin.
    Returns what happened: "rendered", "retrying", "failed" or "skipped".
    """
    pending = Certificate.objects.exclude(status=CertificateStatus.SUPERSEDED).exclude(
        pdf_state=PdfState.READY
    )
    with transaction.atomic():
        certificate = (
            pending.select_for_update(of=("self",)).filter(pk=certificate_id).first()
        )
        if certificate is None:
            return "skipped"
        certificate.render_attempts += 1
        certificate.save(update_fields=["render_attempts"])
    with transaction.atomic():
        certificate = (
            pending.select_for_update(of=("self",)).filter(pk=certificate_id).first()
        )
        if certificate is None:
            return "skipped"
        ok = certificate_produce(certificate=certificate)
        verify_cache_clear_on_commit()
        if ok:
            _notify_on_commit(certificate)
            return "rendered"
        if certificate.render_attempts < render_attempts_allowed():
            certificate.pdf_state = PdfState.PENDING
            certificate.save(update_fields=["pdf_state"])
            _render_on_commit(certificate, delay=RETRY_DELAY_SECONDS)
            return "retrying"
        log(
            instance=certificate,
            action="certificates.render",
            user=None,
            data={"ok": False, "error": certificate.pdf_error},
        )
        return "failed"


@transaction.atomic
def certificates_render_requeue(*, stale_after: timedelta) -> int:
    """Queue again the renders that were lost (a worker killed mid-task, a queue
    emptied): certificates still waiting for their PDF and last queued longer than
    ``stale_after`` ago. Ones already tried as often as allowed are marked failed
    for the admin instead. Returns how many were queued again."""
    cutoff = timezone.now() - stale_after
    waiting = (
        Certificate.objects.filter(pdf_state=PdfState.PENDING)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .filter(Q(render_queued_at__isnull=True) | Q(render_queued_at__lt=cutoff))
        .select_for_update(of=("self",), skip_locked=True)
    )
    queued = 0
    for certificate in waiting[:500]:
        if certificate.render_attempts >= render_attempts_allowed():
            certificate.pdf_state = PdfState.FAILED
            certificate.pdf_error = (
                f"Rendering did not finish after {certificate.render_attempts} "
                "tries. Retry the PDF; if it fails again, check the worker's log."
            )
            certificate.save(update_fields=["pdf_state", "pdf_error"])
            continue
        _render_on_commit(certificate)
        queued += 1
    return queued


PDF_FOLDER = "certificates"


def _stored_files(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_files(storage, f"{folder}/{sub}")


def certificate_files_orphaned_delete(*, older_than: timedelta, now=None) -> list[str]:
    """Delete certificate PDF files that no certificate points to: a render killed
    after writing its file but before saving its row, or a replaced file whose
    deletion after commit was cut off. Only files older than ``older_than`` (a
    render in progress has written its file and not yet saved its row). Returns
    the names deleted."""
    storage = Certificate._meta.get_field("pdf").storage
    cutoff = (now or timezone.now()) - older_than
    kept = set(
        Certificate.objects.exclude(pdf="").values_list("pdf", flat=True).iterator()
    )
    deleted = []
    for name in _stored_files(storage, PDF_FOLDER):
        if name in kept or storage.get_modified_time(name) >= cutoff:
            continue
        storage.delete(name)
        deleted.append(name)
    if deleted:
        log_.warning("Deleted %s certificate files no certificate uses", len(deleted))
    return deleted


def certificates_expire(*, now=None) -> int:
    """Record certificates that have expired and email each holder, once.

    Queues one email task per certificate whose expiry has passed and whose holder
    has not been told; the task stamps ``expiry_notified_at`` as it sends, under a
    row lock, so running this (or the task) twice sends one email.
    """
    from .tasks import certificate_expiry_notify_task

    now = now or timezone.now()
    ids = list(
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            expires_at__lte=now,
            expiry_notified_at__isnull=True,
            user__isnull=False,
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        certificate_expiry_notify_task.enqueue(certificate_id=pk)
    return len(ids)


def certificate_expiry_notify(*, certificate_id: int) -> bool:
    """Tell the holder their certificate has expired, once. Returns if it sent."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(
                pk=certificate_id,
                status=CertificateStatus.VALID,
                expires_at__lte=timezone.now(),
                expiry_notified_at__isnull=True,
            )
            .first()
        )
        if certificate is None or certificate.user is None:
            return False
        context = {
            "certificate": certificate,
            "user": certificate.user,
            "dashboard_url": _base_url(certificate) + reverse("dashboard"),
        }
        subject = " ".join(
            render_to_string(
                "certificates/email/certificate_expired_subject.txt", context
            ).split()
        )
        body = render_to_string("certificates/email/certificate_expired.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [certificate.user.email])
        certificate.expiry_notified_at = timezone.now()
        certificate.save(update_fields=["expiry_notified_at"])
        return True


def _base_url(certificate: Certificate) -> str:
    parts = urlsplit(certificate.verify_url)
    return f"{parts.scheme}://{parts.netloc}"


def certificate_notify(*, certificate_id: int) -> None:
    """Email the learner a link to their certificate, once. Runs after commit."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=certificate_id, notified_at__isnull=True)
            .first()
        )
        if certificate is None or certificate.user is None:
            return
        context = {
            "certificate": certificate,
            "user": certificate.user,
            "download_url": _base_url(certificate)
            + reverse("certificates:download", kwargs={"code": certificate.code}),
            "dashboard_url": _base_url(certificate) + reverse("dashboard"),
            "reissued": certificate.supersedes.exists(),
        }
        subject = " ".join(
            render_to_string(
                "certificates/email/certificate_issued_subject.txt", context
            ).split()
        )
        body = render_to_string("certificates/email/certificate_issued.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [certificate.user.email])
        certificate.notified_at = timezone.now()
        certificate.save(update_fields=["notified_at"])


@transaction.atomic
def certificate_render_retry(*, certificate: Certificate, by) -> Certificate:
    """Try again to sign and render a certificate whose PDF failed (admin action)."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.SUPERSEDED:
        raise ValidationError("This certificate has been replaced; nothing to render.")
    if certificate.pdf_state == PdfState.READY:
        return certificate
    certificate.render_attempts += 1
    certificate.save(update_fields=["render_attempts"])
    ok = certificate_produce(certificate=certificate)
    verify_cache_clear_on_commit()
    log(
        instance=certificate,
        action="certificates.render",
        user=by,
        data={"ok": ok, "error": certificate.pdf_error},
    )
    if ok:
        _notify_on_commit(certificate)
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by, reason: str, reason_public: bool = False
) -> Certificate:
    """Revoke a certificate: the verify page says REVOKED from the next request on.

    The reason is recorded in the audit log with who and when; it is shown on the
    verify page only if ``reason_public``.
    """
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise ValidationError("This certificate is already revoked.")
    if certificate.status == CertificateStatus.SUPERSEDED:
        raise ValidationError(
            "This certificate has been replaced; revoke its replacement instead."
        )
    reason = _plain(reason, limit=REASON_MAX_LENGTH + 1)
    if not reason:
        raise ValidationError("Give a reason for revoking the certificate.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            f"Please keep the reason under {REASON_MAX_LENGTH} characters."
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.reason_public = reason_public
    certificate.save(
        update_fields=[
            "status",
            "revoked_at",
            "revoked_by",
            "revocation_reason",
            "reason_public",
        ]
    )
    verify_cache_clear_on_commit()
    status_list_enqueue(certificate)
    log(
        instance=certificate,
        action="certificates.revoke",
        user=by,
        data={"reason": reason, "reason_public": reason_public},
    )
    return certificate


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, by, holder_name: str | None = None
) -> Certificate:
    """Replace a valid certificate with a new one and a new code (e.g. after a name
    change). The old one then verifies as SUPERSEDED, pointing to the new one.

    The new certificate states the same course, hours and dates; the name is
    ``holder_name`` (default: the learner's current name), the issuer and signatory
    are today's.
    """
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("user", "course")
        .get(pk=certificate.pk)
    )
    if old.status != CertificateStatus.VALID:
        raise ValidationError(
            f"Only a valid certificate can be reissued; this one is "
            f"{old.get_status_display().lower()}."
        )
    default_name = old.user.full_name if old.user else old.holder_name
    name = _plain(holder_name or default_name, limit=151)
    if not name:
        raise ValidationError("Give the name to print on the certificate.")
    if len(name) > 150:
        raise ValidationError("A name can be at most 150 characters.")
    old.status = CertificateStatus.SUPERSEDED
    old.save(update_fields=["status"])
    issuer = issuer_for_course(course=old.course)
    code = _new_code()
    new = Certificate.objects.create(
        code=code,
        user=old.user,
        course=old.course,
        completion=old.completion,
        holder_name=name,
        course_title=old.course_title,
        cpd_hours=old.cpd_hours,
        completed_on=old.completed_on,
        **_issuer_fields(issuer=issuer, code=code),
        expires_at=old.expires_at,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    verify_cache_clear_on_commit()
    status_list_enqueue(old)
    log(
        instance=old,
        action="certificates.reissue",
        user=by,
        data={"replacement": new.display_code},
    )
    log(
        instance=new,
        action="certificates.issue",
        user=by,
        data={"replaces": old.display_code},
    )
    _render_on_commit(new)
    return new
