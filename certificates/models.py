"""Certificates, who issues them, and the keys that sign them.

- ``Certificate``: issued once per course completion, with a frozen snapshot of what
  it states. Trainers find them under Certificates in the Wagtail admin; employers
  check them at /verify/.
- ``CertificateIssuerSettings``: the organisation, logo, signatory and public address
  printed on certificates (Settings > Certificate issuer).
- ``CourseCertificateSettings``: a course's own signatory, where it needs one
  (Certificates > Course signatories).
- ``SigningKey``: every public key that has signed a certificate, so retired keys
  stay published at /verify/keys.json and in the DID document.
- ``PdfSigningCertificate``: every X.509 certificate that has signed a PDF.
- ``StatusList``: a signed Bitstring Status List credential, published at
  /credentials/status/<number>.

All writes go through ``certificates.services``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from courses.models import CourseCompletion, CoursePage

from .codes import code_display
from .issuer_forms import CertificateIssuerSettingsForm


class CertificateStatus(models.TextChoices):
    """What the issuer decided. "Expired" is not stored: it follows from the date."""

    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"


EXPIRED = "expired"
NOT_FOUND = "not_found"
STATUS_LABELS = {
    CertificateStatus.VALID: "Valid",
    EXPIRED: "Expired",
    CertificateStatus.REVOKED: "Revoked",
    CertificateStatus.SUPERSEDED: "Superseded",
    NOT_FOUND: "Not found",
}


class PdfState(models.TextChoices):
    PENDING = "pending", "Not rendered yet"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def certificate_pdf_path(instance, filename):
    # A random name, not the code: if media is ever served publicly, knowing a
    # file's address says nothing about a certificate and vice versa.
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """A certificate of completion, as issued: code, snapshot, status, PDF, signature.

    The snapshot fields (holder name to issuer) are copied at issue and never change,
    so the certificate says the same thing after the learner renames themselves, the
    course is edited or the account is deleted. A name change is handled by reissuing.
    """

    code = models.CharField(
        max_length=20,
        unique=True,
        editable=False,
        help_text="Crockford base32, stored without dashes.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    course = models.ForeignKey(
        CoursePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    completion = models.ForeignKey(
        CourseCompletion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )

    holder_name = models.CharField("name as printed", max_length=150)
    course_title = models.CharField(max_length=255)
    cpd_hours = models.DecimalField("CPD hours", max_digits=5, decimal_places=1)
    completed_on = models.DateField()
    issuer_name = models.CharField("issuer", max_length=200)
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_role = models.CharField(max_length=150, blank=True)
    verify_url = models.URLField("verify address", max_length=300)
    # The images chosen at issue, so a re-render prints the same logo and signature.
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    issued_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(blank=True)
    reason_public = models.BooleanField(
        "show the reason on the verify page", default=False
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    statement = models.TextField(blank=True, help_text="The signed JSON text.")
    signature = models.CharField(max_length=100, blank=True)
    key_id = models.CharField(max_length=40, blank=True)
    credential = models.TextField(
        "Open Badges credential",
        blank=True,
        editable=False,
        help_text="The signed OpenBadgeCredential (JSON), made once at issue.",
    )

    pdf = models.FileField(upload_to=certificate_pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdf_state = models.CharField(
        max_length=16, choices=PdfState.choices, default=PdfState.PENDING
    )
    pdf_error = models.TextField(blank=True)
    # Rendering runs in the task worker (certificates.tasks): how many times it was
    # tried, and when it was last queued, so a render lost with a killed worker is
    # queued again and a render that keeps failing is shown as failed.
    render_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    render_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True)
    # When the expiry job recorded that the certificate had expired and told its
    # holder (once).
    expiry_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Learner records, not content: keep them out of Wagtail's reference index
    # (each save would otherwise queue a reference-index task for the worker).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One current certificate per completion; reissuing supersedes the old.
            models.UniqueConstraint(
                fields=["completion"],
                condition=~Q(status="superseded"),
                name="one_current_certificate_per_completion",
            )
        ]
        permissions = [
            ("revoke_certificate", "Can revoke certificates"),
            ("reissue_certificate", "Can reissue certificates and retry their PDFs"),
        ]

    def __str__(self):
        return f"{self.display_code} · {self.holder_name} · {self.course_title}"

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def effective_status(self) -> str:
        """valid, expired, revoked or superseded."""
        if self.status == CertificateStatus.VALID and self.is_expired:
            return EXPIRED
        return self.status

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.effective_status]

    @property
    def expires_on(self):
        return timezone.localdate(self.expires_at) if self.expires_at else None

    @property
    def revoked_on(self):
        return timezone.localdate(self.revoked_at) if self.revoked_at else None

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_state == PdfState.READY and bool(self.pdf)


@register_setting(icon="doc-full")
class CertificateIssuerSettings(BaseSiteSetting):
    """Who issues certificates: printed on every certificate issued from now on.

    Found in Settings > Certificate issuer. Issued certificates keep what they were
    issued with; reissue one to print new details on it.
    """

    organisation_name = models.CharField(
        max_length=200,
        default="ADVANCE training programme",
        help_text="Printed as the issuer and shown on the verify page.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Printed at the top of the certificate. A wide PNG works best.",
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_role = models.CharField(
        max_length=150, blank=True, help_text="e.g. 'Programme lead'."
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A scan of the signature, on a white or transparent background.",
    )
    public_base_url = models.URLField(
        "public address",
        blank=True,
        help_text=(
            "The site's public address, e.g. https://training.example.org. Verify "
            "links and QR codes on certificates point here. Leave blank to use the "
            "server's configured address."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo")], heading="Issuer"
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldPanel("signatory_role"),
                FieldPanel("signature_image"),
            ],
            heading="Signatory",
        ),
        FieldPanel("public_base_url"),
    ]
    base_form_class = CertificateIssuerSettingsForm

    class Meta:
        verbose_name = "certificate issuer"


class CourseCertificateSettings(models.Model):
    """A course's own signatory, printed instead of the site's on its certificates.

    Found in Certificates > Course signatories. Blank fields fall back to the
    site's certificate issuer settings.
    """

    course = models.OneToOneField(
        CoursePage, on_delete=models.CASCADE, related_name="certificate_settings"
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_role = models.CharField(max_length=150, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("signatory_name"),
        FieldPanel("signatory_role"),
        FieldPanel("signature_image"),
    ]

    class Meta:
        verbose_name = "course signatory"
        verbose_name_plural = "course signatories"

    def __str__(self):
        return f"{self.course}: {self.signatory_name or 'site signatory'}"


class SigningKey(models.Model):
    """A public key that has signed certificates. Published at /verify/keys.json.

    Recorded the first time a key signs; never deleted, so certificates signed with a
    retired key still verify. The private key is never stored here.
    """

    key_id = models.CharField(max_length=40, unique=True)
    public_key = models.CharField(max_length=64, help_text="Raw Ed25519, base64.")
    first_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_used_at"]

    def __str__(self):
        return self.key_id


class PdfSigningCertificate(models.Model):
    """An X.509 certificate that has signed certificate PDFs (PAdES).

    Recorded the first time it signs; never deleted, so the PDF check still says
    "signed by this platform" for files signed before a rotation. Administrators see
    them under Certificates > PDF signing certificates. The private key is never
    stored here.
    """

    fingerprint = models.CharField(
        "SHA-256 fingerprint", max_length=64, unique=True, editable=False
    )
    subject = models.CharField(max_length=300, editable=False)
    certificate_pem = models.TextField("certificate (PEM)", editable=False)
    first_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_used_at"]
        verbose_name = "PDF signing certificate"

    def __str__(self):
        return f"{self.subject} ({self.fingerprint[:16]})"


class StatusList(models.Model):
    """A signed Bitstring Status List credential, published at
    /credentials/status/<number>: one bit per certificate, set when it is revoked
    or replaced. Re-signed by a task on every revocation and reissue, and by the
    scheduler before its ``valid_until``.
    """

    number = models.PositiveIntegerField(unique=True)
    credential = models.TextField(help_text="The signed status list credential.")
    valid_until = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Status list {self.number}"


class ManagerDigest(models.Model):
    """The weekly email to a manager about their team, recorded so it goes out
    once a week however often the digest job runs."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "training.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(help_text="The Monday of the week it covers.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "organisation", "week"],
                name="one_manager_digest_a_week",
            )
        ]

    def __str__(self):
        return f"Digest for {self.manager}, week of {self.week}"


class CertificateReminder(models.Model):
    """A reminder that a certificate is nearing expiry, sent to its holder and
    their managers once per reminder point (90, 30, 7 days before...)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"],
                name="one_reminder_per_certificate_and_point",
            )
        ]

    def __str__(self):
        return f"{self.days_before}-day reminder for {self.certificate}"
