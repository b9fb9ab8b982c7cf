"""Demo certificates, for trying the employer's side at once (``load_demo`` step).

Runs after the step that creates the demo learners and their completions from
``fixtures/demo/people.yaml`` (each completion sends ``course_completed``, so its
certificate is already issued). This step then, idempotently:

- issues any certificate still missing for a demo learner's completion;
- gives each demo certificate a fixed code derived from the learner's email and the
  course, so the README can link to it (demo data only: real codes are random);
- makes ``completed_expired`` certificates expired: completion, issue and expiry
  dates move into the past together, and the certificate is signed and rendered
  again, so what it prints, what it signs and what the verify page says agree;
- revokes ``completed_revoked`` certificates, with a public reason;

and prints each demo certificate's verify address.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from courses.models import CourseCompletion

from .codes import code_from_bytes
from .models import Certificate, CertificateStatus
from .selectors import add_months, issuer_for_course, verify_url_for
from .services import certificate_issue, certificate_produce, certificate_revoke

EXPIRED = "completed_expired"
REVOKED = "completed_revoked"
REVOKE_REASON = (
    "Issued in error: the assessed practice part of the course had not been "
    "completed. (Demo data.)"
)
DEFAULT_VALIDITY_MONTHS = 36


def demo_code(*, email: str, course_slug: str) -> str:
    """The fixed code of a demo learner's certificate for a course."""
    seed = f"advance-demo-certificate|{email.lower()}|{course_slug}".encode()
    return code_from_bytes(hashlib.sha256(seed).digest())


def demo_people(root: Path) -> list[dict]:
    """The learners in people.yaml: [{email, progress, course}, ...]."""
    path = Path(root) / "people.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    people = data.get("learners") or data.get("people") or []
    return [person for person in people if isinstance(person, dict)]


@transaction.atomic
def _prepare(certificate: Certificate, *, email: str, progress: str) -> None:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    course = certificate.course
    changed = False
    code = demo_code(email=email, course_slug=course.slug if course else "")
    if certificate.code != code and not Certificate.objects.filter(code=code).exists():
        certificate.code = code
        changed = True
    # The demo follows the address the site is served at now (make run PORT=...),
    # so a demo certificate printed for another port is printed again.
    base = issuer_for_course(course=course).base_url
    verify_url = verify_url_for(code=certificate.code, base_url=base)
    if certificate.verify_url != verify_url:
        certificate.verify_url = verify_url
        changed = True
    if progress == EXPIRED and not certificate.is_expired:
        months = (
            course.certificate_validity_months if course else None
        ) or DEFAULT_VALIDITY_MONTHS
        completed_at = add_months(timezone.now(), -(months + 2))
        if certificate.completion_id:
            CourseCompletion.objects.filter(pk=certificate.completion_id).update(
                completed_at=completed_at
            )
        certificate.completed_on = timezone.localdate(completed_at)
        certificate.issued_at = completed_at + timedelta(minutes=2)
        certificate.expires_at = add_months(completed_at, months)
        changed = True
    if changed:
        certificate.save()
        certificate_produce(certificate=certificate)
    if progress == REVOKED and certificate.status == CertificateStatus.VALID:
        certificate_revoke(
            certificate=certificate, by=None, reason=REVOKE_REASON, reason_public=True
        )


def load(*, root: Path, quizzes=None, update: bool = False) -> str:
    """The ``load_demo`` step: prepare the demo certificates; list verify links."""
    people = demo_people(root)
    lines = []
    for person in people:
        email = str(person.get("email", "")).lower()
        progress = str(person.get("progress", ""))
        completions = CourseCompletion.objects.filter(user__email=email)
        for completion in completions.select_related("course"):
            certificate = certificate_issue(completion=completion)
            _prepare(certificate, email=email, progress=progress)
            certificate.refresh_from_db()
            lines.append(
                f"  {certificate.status_label:<8} {certificate.holder_name}, "
                f"{certificate.course_title}: {certificate.verify_url}"
                + ("" if certificate.pdf_ready else "  (PDF failed: see admin)")
            )
    if not lines:
        return "Demo certificates: none yet (no demo learner has completed a course)."
    return "\n".join(["Demo certificates (verify as an employer):", *lines])
