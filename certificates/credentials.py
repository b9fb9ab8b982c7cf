"""Writes and reads for Open Badges 3.0 credentials: issuing a certificate's
credential, publishing status lists, and checking an uploaded credential.

The credential is built and signed once, when the certificate is produced, and
stored on it (``Certificate.credential``), like the PDF. Status lists are re-signed
by ``tasks.status_list_publish`` after a revocation or a reissue commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import open_badges
from .models import Certificate, CertificateStatus, StatusList
from .selectors import issuer_for_course, published_keys
from .signing import SigningKeyPair, active_key_pair

# -- issuing ---------------------------------------------------------------------------


def _facts(certificate: Certificate) -> open_badges.CredentialFacts:
    course = certificate.course
    completion = certificate.completion
    description = ""
    course_url = ""
    if course is not None:
        description = (getattr(course, "search_description", "") or "").strip()
        course_url = course.full_url or ""
    completed_at = completion.completed_at if completion else certificate.issued_at
    return open_badges.CredentialFacts(
        pk=certificate.pk,
        code=certificate.display_code,
        verify_url=certificate.verify_url,
        holder_name=certificate.holder_name,
        email=certificate.user.email if certificate.user else "",
        course_title=certificate.course_title,
        course_description=description[:1000],
        course_url=course_url,
        cpd_hours=certificate.cpd_hours,
        completed_at=completed_at,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        issuer_name=certificate.issuer_name,
    )


def credential_build(*, certificate: Certificate, pair: SigningKeyPair) -> str:
    """The certificate's signed OpenBadgeCredential, as JSON text."""
    facts = _facts(certificate)
    unsigned = open_badges.credential_unsigned(facts)
    signed = open_badges.proof_add(
        unsigned,
        pair=pair,
        did=open_badges.did_for(facts.base_url),
        created=certificate.issued_at,
    )
    return open_badges.dumps(signed)


# -- the DID document -----------------------------------------------------------------


def did_document_for(*, base_url: str) -> dict:
    """The issuer's DID document: every key that has signed, the active one first."""
    import base64

    keys = [
        open_badges.PublishedKey(
            key_id=key["key_id"], public_bytes=base64.b64decode(key["public_key"])
        )
        for key in published_keys()
    ]
    return open_badges.did_document(did=open_badges.did_for(base_url), keys=keys)


def _verification_keys(*base_urls: str) -> dict[str, bytes]:
    """Every key that has signed, under this site's DID (as served, and as the
    issuer settings name it)."""
    import base64

    keys = published_keys()
    return {
        open_badges.verification_method_id(
            open_badges.did_for(base), key["key_id"]
        ): base64.b64decode(key["public_key"])
        for base in dict.fromkeys(base_urls)
        if base
        for key in keys
    }


# -- status lists ---------------------------------------------------------------------


def _base_url() -> str:
    return issuer_for_course(course=None).base_url


def _revoked_indexes(number: int) -> set[int]:
    size = open_badges.STATUS_LIST_SIZE
    low, high = (number - 1) * size, number * size
    pks = (
        Certificate.objects.filter(pk__gte=low, pk__lt=high)
        .filter(status__in=[CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED])
        .values_list("pk", flat=True)
    )
    return {pk % size for pk in pks}


@transaction.atomic
def status_list_publish(*, number: int, base_url: str | None = None) -> StatusList:
    """Sign status list ``number`` afresh from the certificates' current status.

    Safe to run twice or at once: the row is locked while it is rewritten, and each
    run writes the whole list from the database.
    """
    base_url = base_url or _base_url()
    now = timezone.now()
    valid_for = int(getattr(settings, "CERTIFICATE_STATUS_LIST_VALID_SECONDS", 604800))
    valid_until = now + timedelta(seconds=valid_for)
    row = StatusList.objects.select_for_update().filter(number=number).first()
    unsigned = open_badges.status_list_unsigned(
        base_url=base_url,
        number=number,
        revoked=_revoked_indexes(number),
        now=now,
        valid_until=valid_until,
    )
    pair = active_key_pair()
    signed = open_badges.proof_add(
        unsigned, pair=pair, did=open_badges.did_for(base_url), created=now
    )
    text = open_badges.dumps(signed)
    if row is None:
        row, _ = StatusList.objects.update_or_create(
            number=number, defaults={"credential": text, "valid_until": valid_until}
        )
        return row
    row.credential = text
    row.valid_until = valid_until
    row.save(update_fields=["credential", "valid_until", "updated_at"])
    return row


def status_list_current(*, number: int) -> StatusList | None:
    """The published list, re-signed first if it is missing or about to go stale.

    None for a list no certificate can be in yet.
    """
    size = open_badges.STATUS_LIST_SIZE
    if (
        number < 1
        or not Certificate.objects.filter(pk__gte=(number - 1) * size).exists()
    ):
        return None
    row = StatusList.objects.filter(number=number).first()
    if row is None or row.valid_until <= timezone.now() + timedelta(hours=1):
        row = status_list_publish(number=number)
    return row


def status_list_numbers() -> list[int]:
    last = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return []
    return list(range(1, open_badges.status_position(last)[0] + 1))


def status_list_enqueue(certificate: Certificate) -> None:
    """After commit, re-sign the status list the certificate is in."""
    from .tasks import status_list_publish_task

    number = open_badges.status_position(certificate.pk)[0]
    transaction.on_commit(
        lambda: status_list_publish_task.enqueue(number=number), robust=True
    )


# -- checking an uploaded credential --------------------------------------------------


@dataclass
class CredentialCheck:
    """Each check on an uploaded credential, in order, and what it found.

    ``checks`` holds (name, passed, sentence). The first failure is the answer.
    """

    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(passed for _, passed, _ in self.checks)

    @property
    def failed(self) -> tuple[str, str] | None:
        for name, passed, sentence in self.checks:
            if not passed:
                return name, sentence
        return None

    def add(self, name: str, passed: bool, sentence: str) -> bool:
        self.checks.append((name, passed, sentence))
        return passed


def _schema_errors(document: dict) -> list[str]:
    validator = open_badges.schema_validator()
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'credential'}: "
        f"{error.message}"[:300]
        for error in sorted(
            validator.iter_errors(document),
            key=lambda error: ([str(p) for p in error.absolute_path], error.message),
        )[:3]
    ]


def _when(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    return parse_datetime(value)


def credential_check(*, document: object, base_url: str) -> CredentialCheck:
    """Check an uploaded credential: schema, proof, status, dates, in that order.

    Stops at the first failure, so the answer names the one check that failed.
    """
    result = CredentialCheck()
    if not isinstance(document, dict):
        result.add("schema", False, "The file is JSON but not a credential object.")
        return result
    errors = _schema_errors(document)
    if not result.add(
        "schema",
        not errors,
        "It is an Open Badges 3.0 credential."
        if not errors
        else "It is not a valid Open Badges 3.0 credential: " + "; ".join(errors),
    ):
        return result
    try:
        open_badges.proof_verify(
            document, keys=_verification_keys(base_url, _base_url())
        )
    except open_badges.ProofError as error:
        result.add("proof", False, str(error))
        return result
    result.add("proof", True, "Its signature is ours and nothing in it has changed.")

    code = None
    credential_id = document.get("id", "")
    certificate = Certificate.objects.filter(verify_url=credential_id).first()
    if certificate is not None:
        result.certificate = certificate
        code = certificate.display_code
    status = document.get("credentialStatus") or {}
    if certificate is None:
        result.add("status", False, "We have no record of this credential.")
        return result
    index = str(status.get("statusListIndex", ""))
    number, expected = open_badges.status_position(certificate.pk)
    row = status_list_current(number=number)
    revoked = False
    if row is not None and index == str(expected):
        revoked = open_badges.decode_bit(
            json.loads(row.credential)["credentialSubject"]["encodedList"], expected
        )
    else:
        revoked = certificate.status != CertificateStatus.VALID
    if revoked:
        word = (
            "replaced by a newer certificate"
            if certificate.status == CertificateStatus.SUPERSEDED
            else "revoked"
        )
        result.add("status", False, f"Certificate {code} has been {word}.")
        return result
    result.add("status", True, "It has not been revoked.")

    now = timezone.now()
    valid_from = _when(document.get("validFrom"))
    valid_until = _when(document.get("validUntil"))
    if valid_from is None or valid_from > now:
        result.add("dates", False, "It is not valid yet.")
    elif valid_until is not None and valid_until <= now:
        result.add("dates", False, f"It expired on {valid_until.date().isoformat()}.")
    else:
        result.add("dates", True, "It is within its dates.")
    return result
