"""Admin registration for certificates: Certificates > Certificates, Course
signatories, Signing keys (snippet viewsets, like the rest of the admin), the audit
log actions, and the permission policy that keeps certificates read-only apart from
revoking and reissuing. Issuer details are a site setting (Settings > Certificate
issuer), registered on the model.
"""

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import Certificate, PdfSigningCertificate, SigningKey
from .viewsets import CertificatesGroup, IssuedRecordPermissionPolicy

# Before anything asks for a policy, or Wagtail makes a fallback one.
register_permission_policy(Certificate, IssuedRecordPermissionPolicy(Certificate))
register_permission_policy(SigningKey, IssuedRecordPermissionPolicy(SigningKey))
register_permission_policy(
    PdfSigningCertificate, IssuedRecordPermissionPolicy(PdfSigningCertificate)
)

register_snippet(CertificatesGroup)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "certificates.issue", "Issue certificate", "Certificate issued"
    )

    @actions.register_action("certificates.reissue")
    class ReissueFormatter(LogFormatter):
        label = "Reissue certificate"

        def format_message(self, log_entry):
            replacement = log_entry.data.get("replacement", "")
            return f"Certificate reissued as {replacement}"

    @actions.register_action("certificates.revoke")
    class RevokeFormatter(LogFormatter):
        label = "Revoke certificate"

        def format_message(self, log_entry):
            # The history listing shows comments only for models with revisions,
            # so the reason goes in the message.
            shown = "shown" if log_entry.data.get("reason_public") else "not shown"
            reason = log_entry.data.get("reason", "")
            return f"Certificate revoked: “{reason}” (reason {shown} publicly)"

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")

    @actions.register_action("certificates.render")
    class RenderFormatter(LogFormatter):
        label = "Render certificate PDF"

        def format_message(self, log_entry):
            if log_entry.data.get("ok"):
                return "PDF rendered"
            return f"PDF failed: {log_entry.data.get('error', '')}"
