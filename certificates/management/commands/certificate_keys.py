"""Certificate signing keys: make one, show the active one, rotate the keys file.

    manage.py certificate_keys generate  # a new key for CERTIFICATE_SIGNING_KEY
    manage.py certificate_keys show      # the active key's id and public key
    manage.py certificate_keys rotate    # a new active key in the keys file
    manage.py certificate_keys pdf-generate  # a PEM key + certificate for PDFs
    manage.py certificate_keys pdf-rotate    # replace CERTIFICATE_PDF_SIGNING_FILE

Retired public keys stay published at /verify/keys.json: every key that has signed a
certificate is recorded in the database when it first signs.
"""

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates import pdf_signing
from certificates.signing import (
    SigningKeyError,
    active_key_pair,
    keys_file_rotate,
    pair_from_private,
    private_key_to_text,
)


class Command(BaseCommand):
    help = "Generate, show or rotate the Ed25519 key certificates are signed with."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["generate", "show", "rotate", "pdf-generate", "pdf-rotate"],
        )

    def handle(self, *args, action: str, **options):
        if action.startswith("pdf-"):
            return self.handle_pdf(action)
        if action == "generate":
            private = Ed25519PrivateKey.generate()
            pair = pair_from_private(private)
            self.stdout.write(
                "Keep this secret. Set it in the server's environment:\n"
                f"CERTIFICATE_SIGNING_KEY={private_key_to_text(private)}\n"
                f"(key id {pair.key_id}, public key {pair.public_b64})"
            )
            return
        if action == "rotate":
            if getattr(settings, "CERTIFICATE_SIGNING_KEY", ""):
                raise CommandError(
                    "CERTIFICATE_SIGNING_KEY is set, so the key comes from the "
                    "environment: generate a new one and replace the variable. The "
                    "old public key stays published."
                )
            pair = keys_file_rotate(Path(settings.CERTIFICATE_SIGNING_KEYS_FILE))
            self.stdout.write(
                f"New active key {pair.key_id}. Restart the servers to use it."
            )
            return
        try:
            pair = active_key_pair()
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Active key {pair.key_id}\nPublic key {pair.public_b64}")

    def handle_pdf(self, action: str) -> None:
        """PDF signing: a self-signed certificate, or one your authority signed
        (put its key and certificate chain in one PEM file instead)."""
        identity = pdf_signing.identity_generate(
            common_name="ADVANCE training certificates"
        )
        bundle = pdf_signing.identity_to_pem(identity)
        if action == "pdf-generate":
            self.stdout.write(bundle.decode("ascii"))
            self.stderr.write(
                "Keep this secret: save it as the file CERTIFICATE_PDF_SIGNING_FILE "
                f"names. Certificate fingerprint (SHA-256) {identity.fingerprint}"
            )
            return
        if getattr(settings, "CERTIFICATE_PDF_SIGNING_KEY", ""):
            raise CommandError(
                "CERTIFICATE_PDF_SIGNING_KEY is set: replace it and "
                "CERTIFICATE_PDF_SIGNING_CERT with a new pair instead."
            )
        path = Path(settings.CERTIFICATE_PDF_SIGNING_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".new")
        tmp.write_bytes(bundle)
        tmp.chmod(0o600)
        tmp.replace(path)
        pdf_signing.identity_cache_clear()
        self.stdout.write(
            f"New PDF signing certificate {identity.fingerprint}. Restart the "
            "servers to use it; files signed before stay recognised."
        )
