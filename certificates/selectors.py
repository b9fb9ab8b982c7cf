"""Reads about certificates: who issues them, what a verify lookup answers, a learner's
own certificates, and the published keys.

The verify lookup is one indexed query (the unique index on ``code``); the dashboard
reads all of a learner's certificates in one query, however many courses they have.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from wagtail.models import Site

from courses.models import CoursePage
from training.pagecache import content_cached

from .addresses import configured_base_url, served_base_url
from .codes import MAX_INPUT_LENGTH, code_display, code_normalise
from .models import (
    EXPIRED,
    NOT_FOUND,
    STATUS_LABELS,
    Certificate,
    CertificateIssuerSettings,
    CertificateStatus,
    CourseCertificateSettings,
    SigningKey,
)
from .rendering import format_hours
from .signing import (
    ALGORITHM,
    SigningKeyError,
    active_key_pair,
    configured_public_keys,
)

# -- issuer ------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """Who a new certificate for a course is issued by, from the site settings and
    the course's own signatory if it has one (images by id: a certificate keeps
    a reference to them)."""

    organisation_name: str
    signatory_name: str
    signatory_role: str
    logo_id: int | None
    signature_image_id: int | None
    base_url: str


@dataclass(frozen=True)
class _IssuerSettings:
    """What the settings say for a course's certificates, kept under the content
    version: site and site-setting saves replace it (``training.pagecache``), and
    so do course signatories and images (``certificates.apps``)."""

    organisation_name: str
    signatory_name: str
    signatory_role: str
    logo_id: int | None
    signature_image_id: int | None
    public_base_url: str
    site_root_url: str


ISSUER_KEY_PREFIX = "certificates:issuer:"


def _site_for(course: CoursePage | None) -> Site | None:
    site = course.get_site() if course is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


def _issuer_settings_read(course: CoursePage | None) -> _IssuerSettings:
    site = _site_for(course)
    issuer = (
        CertificateIssuerSettings.for_site(site)
        if site is not None
        else CertificateIssuerSettings(organisation_name="ADVANCE training programme")
    )
    override = (
        CourseCertificateSettings.objects.filter(course=course).first()
        if course is not None
        else None
    )
    signatory_name = issuer.signatory_name
    signatory_role = issuer.signatory_role
    signature_image_id = issuer.signature_image_id
    if override is not None and override.signatory_name:
        signatory_name = override.signatory_name
        signatory_role = override.signatory_role
        signature_image_id = override.signature_image_id
    elif override is not None and override.signature_image_id:
        signature_image_id = override.signature_image_id
    return _IssuerSettings(
        organisation_name=issuer.organisation_name,
        signatory_name=signatory_name,
        signatory_role=signatory_role,
        logo_id=issuer.logo_id,
        signature_image_id=signature_image_id,
        public_base_url=issuer.public_base_url or "",
        site_root_url=site.root_url if site else "",
    )


def _issuer_settings(course: CoursePage | None) -> _IssuerSettings:
    return content_cached(
        f"{ISSUER_KEY_PREFIX}{course.pk if course is not None else 0}",
        lambda: _issuer_settings_read(course),
    )


def issuer_for_course(*, course: CoursePage | None) -> Issuer:
    """The issuer of a new certificate for ``course``: from the cache when the
    content has not changed since it was read."""
    found = _issuer_settings(course)
    base_url = (
        found.public_base_url
        or served_base_url()
        or configured_base_url()
        or found.site_root_url
    )
    return Issuer(
        organisation_name=found.organisation_name,
        signatory_name=found.signatory_name,
        signatory_role=found.signatory_role,
        logo_id=found.logo_id,
        signature_image_id=found.signature_image_id,
        base_url=base_url.rstrip("/"),
    )


LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_to_profile_url(certificate: Certificate) -> str:
    """LinkedIn's add-to-profile address, filled in with the certification's name,
    issuer, issue (and expiry) month, verify address and code."""
    issued = certificate.issued_at
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": certificate.issuer_name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": certificate.verify_url,
        "certId": certificate.display_code,
    }
    if certificate.expires_at:
        params["expirationYear"] = certificate.expires_at.year
        params["expirationMonth"] = certificate.expires_at.month
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"


def verify_url_for(*, code: str, base_url: str) -> str:
    return base_url + reverse(
        "certificates:verify", kwargs={"code": code_display(code)}
    )


def add_months(moment: datetime, months: int) -> datetime:
    """The same time ``months`` later; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# -- verifying ---------------------------------------------------------------------

VERIFY_FIELDS = [
    "code",
    "holder_name",
    "course_title",
    "cpd_hours",
    "completed_on",
    "issuer_name",
    "signatory_name",
    "signatory_role",
    "verify_url",
    "issued_at",
    "expires_at",
    "status",
    "revoked_at",
    "revocation_reason",
    "reason_public",
    "statement",
    "signature",
    "key_id",
    "superseded_by__code",
    "superseded_by__verify_url",
]


# Whether a certificate has its Open Badges credential, without loading the text.
_HAS_CREDENTIAL = ExpressionWrapper(~Q(credential=""), output_field=BooleanField())


def certificate_by_code(*, text: str | None) -> Certificate | None:
    """The certificate a typed code names, in one indexed query; None if none."""
    code = code_normalise(text)
    if code is None:
        return None
    return (
        Certificate.objects.select_related("superseded_by")
        .only(*VERIFY_FIELDS)
        .annotate(has_credential=_HAS_CREDENTIAL)
        .filter(code=code)
        .first()
    )


def certificate_by_pdf_hash(*, sha256: str) -> Certificate | None:
    """The certificate whose stored PDF has this SHA-256, in one indexed query."""
    return (
        Certificate.objects.select_related("superseded_by")
        .only(*VERIFY_FIELDS)
        .annotate(has_credential=_HAS_CREDENTIAL)
        .filter(pdf_sha256=sha256)
        .exclude(pdf_sha256="")
        .first()
    )


STATEMENTS = {
    CertificateStatus.VALID: "This certificate is valid.",
    EXPIRED: "This certificate was issued as stated but has expired.",
    CertificateStatus.REVOKED: "This certificate has been revoked by its issuer.",
    CertificateStatus.SUPERSEDED: (
        "This certificate has been replaced by a newer one; see the replacement."
    ),
    NOT_FOUND: "No certificate has this code.",
}


@dataclass
class Verification:
    """What the verify page, the JSON endpoint and the PDF check say about a code.

    Only what an employer needs: no email, no score, no account id. A superseded
    certificate shows only that it was replaced, and where the replacement is.
    """

    status: str
    entered: str
    certificate: Certificate | None = None
    data: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status != NOT_FOUND

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def statement(self) -> str:
        return STATEMENTS[self.status]

    @property
    def shows_details(self) -> bool:
        return self.found and self.status != CertificateStatus.SUPERSEDED

    def as_json(self) -> dict:
        return self.data


def _hours(value: Decimal | None) -> str | None:
    return None if value is None else format_hours(value)


def utc_iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty_json(status: str, code: str | None) -> dict:
    return {
        "status": status,
        "code": code,
        "holder_name": None,
        "course_title": None,
        "cpd_hours": None,
        "completed_on": None,
        "issued_at": None,
        "expires_on": None,
        "revoked_on": None,
        "revocation_reason": None,
        "issuer": None,
        "superseded_by": None,
        "verify_url": None,
        "statement": None,
        "signature": None,
        "key_id": None,
        "signature_algorithm": None,
        "credential_url": None,
    }


def _credential_url(certificate: Certificate) -> str | None:
    has = getattr(certificate, "has_credential", None)
    if has is None:
        has = bool(certificate.credential)
    if not has:
        return None
    parts = urlsplit(certificate.verify_url)
    return f"{parts.scheme}://{parts.netloc}" + reverse(
        "certificates:credential", kwargs={"code": certificate.display_code}
    )


def verification_for(
    *, certificate: Certificate | None, entered: str = ""
) -> Verification:
    """The public answer about one certificate (or about none)."""
    entered = (entered or "")[:MAX_INPUT_LENGTH]
    if certificate is None:
        return Verification(
            status=NOT_FOUND, entered=entered, data=_empty_json(NOT_FOUND, entered)
        )
    status = certificate.effective_status
    data = _empty_json(status, certificate.display_code)
    data["verify_url"] = certificate.verify_url
    if status == CertificateStatus.SUPERSEDED:
        replacement = certificate.superseded_by
        data["superseded_by"] = replacement.verify_url if replacement else None
        data["issuer"] = certificate.issuer_name
        return Verification(status, entered, certificate, data)
    data.update(
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        cpd_hours=_hours(certificate.cpd_hours),
        completed_on=certificate.completed_on.isoformat(),
        issued_at=utc_iso(certificate.issued_at),
        expires_on=(
            certificate.expires_on.isoformat() if certificate.expires_at else None
        ),
        issuer=certificate.issuer_name,
        statement=certificate.statement or None,
        signature=certificate.signature or None,
        key_id=certificate.key_id or None,
        signature_algorithm=ALGORITHM if certificate.signature else None,
        credential_url=_credential_url(certificate),
    )
    if status == CertificateStatus.REVOKED:
        data["revoked_on"] = (
            certificate.revoked_on.isoformat() if certificate.revoked_at else None
        )
        if certificate.reason_public and certificate.revocation_reason:
            data["revocation_reason"] = certificate.revocation_reason
    return Verification(status, entered, certificate, data)


# -- a learner's own -----------------------------------------------------------------


def certificates_by_course(*, user) -> dict[int, Certificate]:
    """The learner's current certificate for each course, in one query."""
    if not (user and user.is_authenticated):
        return {}
    result: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.filter(user=user, course__isnull=False)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by("issued_at")
    ):
        result[certificate.course_id] = certificate
    return result


def learner_certificate(*, user, text: str) -> Certificate | None:
    """One of the learner's own current certificates by code; None for anyone else's."""
    code = code_normalise(text)
    if code is None or not (user and user.is_authenticated):
        return None
    return (
        Certificate.objects.filter(code=code, user=user)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .first()
    )


def personal_data(*, user, **kwargs) -> dict:
    """A learner's certificates, for the "download my data" export."""
    return {
        "certificates": [
            {
                "code": code_display(row["code"]),
                "course": row["course_title"],
                "name_as_printed": row["holder_name"],
                "completed_on": row["completed_on"].isoformat(),
                "issued_at": row["issued_at"].isoformat(),
                "expires_at": row["expires_at"].isoformat()
                if row["expires_at"]
                else None,
                "status": row["status"],
                "verify_url": row["verify_url"],
            }
            for row in Certificate.objects.filter(user=user)
            .order_by("issued_at")
            .values(
                "code",
                "course_title",
                "holder_name",
                "completed_on",
                "issued_at",
                "expires_at",
                "status",
                "verify_url",
            )
        ]
    }


# -- keys ------------------------------------------------------------------------------


def published_keys() -> list[dict]:
    """Every public key that has signed a certificate or is configured to, newest
    first, each marked active or retired."""
    configured = configured_public_keys()
    try:
        active_id = active_key_pair().key_id
    except SigningKeyError:
        active_id = None
    keys: dict[str, dict] = {}
    for row in SigningKey.objects.all():
        keys[row.key_id] = {
            "key_id": row.key_id,
            "algorithm": ALGORITHM,
            "public_key": row.public_key,
            "first_used_at": utc_iso(row.first_used_at),
        }
    for key_id, public in configured.items():
        keys.setdefault(
            key_id,
            {
                "key_id": key_id,
                "algorithm": ALGORITHM,
                "public_key": public,
                "first_used_at": None,
            },
        )
    for entry in keys.values():
        entry["status"] = "active" if entry["key_id"] == active_id else "retired"
    return sorted(keys.values(), key=lambda k: (k["status"] != "active", k["key_id"]))


def pdf_signature_for(*, data: bytes):
    """Whether an uploaded PDF's signature holds, and whether this platform made it.

    One query: the fingerprints of every certificate that has signed a PDF here.
    """
    from .models import PdfSigningCertificate
    from .pdf_signing import signature_check

    known = frozenset(
        PdfSigningCertificate.objects.values_list("fingerprint", flat=True)
    )
    return signature_check(data, known_fingerprints=known)


def credential_by_code(*, text: str | None) -> Certificate | None:
    """A certificate's signed credential by its code (one query), for download."""
    code = code_normalise(text)
    if code is None:
        return None
    return (
        Certificate.objects.only("code", "status", "credential")
        .filter(code=code)
        .first()
    )
