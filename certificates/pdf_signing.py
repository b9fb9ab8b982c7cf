"""PAdES signatures on certificate PDFs, and checking them on upload.

Every certificate PDF is signed (PAdES baseline, an invisible signature field) with
the issuer's PDF signing certificate, so a PDF reader shows that the file is signed
and unaltered since signing. The stored SHA-256 of the file refers to the signed
file, so the byte-for-byte check at /verify/check-pdf/ still holds.

The signing key and its X.509 certificate never enter the database or the
repository. They come from, in order:

1. ``CERTIFICATE_PDF_SIGNING_KEY`` and ``CERTIFICATE_PDF_SIGNING_CERT``
   (environment variables): a PEM private key (EC or RSA) and its PEM certificate,
   optionally followed by the certificates of the authority that issued it.
2. ``CERTIFICATE_PDF_SIGNING_FILE`` (environment variable, default
   ``var/certificate-pdf-signing.pem``, which git ignores): one PEM file holding the
   private key and the certificate(s). If it does not exist and
   ``CERTIFICATE_SIGNING_KEYS_CREATE`` is on (the default), a self-signed ECDSA P-256
   certificate is generated into it, which is how a development machine or the demo
   gets one. ``manage.py certificate_keys pdf-generate`` prints a new pair.

Every signing certificate is recorded in ``PdfSigningCertificate`` the first time it
signs, so a file signed before a rotation is still recognised as this platform's.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

log = logging.getLogger(__name__)

SIGNATURE_FIELD = "CertificateSignature"


class PdfSigningError(Exception):
    """No usable PDF signing key or certificate: the message says what to set."""


@dataclass(frozen=True)
class PdfSigningIdentity:
    """The key a PDF is signed with, and the certificate(s) that name it."""

    key_pem: bytes
    cert_pems: tuple[bytes, ...]

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return _asn1_cert(self.cert_pems[0])

    @property
    def fingerprint(self) -> str:
        return cert_fingerprint(self.certificate)

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly


def cert_fingerprint(certificate: asn1_x509.Certificate) -> str:
    """The SHA-256 of a certificate's DER bytes, in hex (what readers show)."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def _asn1_cert(data: bytes) -> asn1_x509.Certificate:
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def _split_pem(text: bytes) -> tuple[bytes | None, list[bytes]]:
    """The private key block and the certificate blocks of a PEM bundle."""
    key = None
    certs = []
    for kind, _headers, der in pem.unarmor(text, multiple=True):
        block = pem.armor(kind, der)
        if kind == "CERTIFICATE":
            certs.append(block)
        elif kind.endswith("PRIVATE KEY"):
            key = block
    return key, certs


def identity_generate(*, common_name: str) -> PdfSigningIdentity:
    """A new self-signed ECDSA P-256 signing certificate, valid for ten years."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name[:64]),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        )
        .sign(private_key, hashes.SHA256())
    )
    return PdfSigningIdentity(
        key_pem=private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert_pems=(certificate.public_bytes(serialization.Encoding.PEM),),
    )


def identity_to_pem(identity: PdfSigningIdentity) -> bytes:
    return identity.key_pem + b"".join(identity.cert_pems)


def identity_from_pem(*, key: bytes, certs: bytes) -> PdfSigningIdentity:
    key_block, _ = _split_pem(key)
    _, cert_blocks = _split_pem(certs)
    if key_block is None:
        raise PdfSigningError("The PDF signing key is not a PEM private key.")
    if not cert_blocks:
        raise PdfSigningError("The PDF signing certificate is not a PEM certificate.")
    identity = PdfSigningIdentity(key_pem=key_block, cert_pems=tuple(cert_blocks))
    private = serialization.load_pem_private_key(key_block, password=None)
    public = x509.load_pem_x509_certificate(cert_blocks[0]).public_key()
    if private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise PdfSigningError("The PDF signing key does not match its certificate.")
    return identity


def _file_path() -> Path:
    configured = getattr(settings, "CERTIFICATE_PDF_SIGNING_FILE", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "certificate-pdf-signing.pem"


def _write_new(path: Path, data: bytes) -> None:
    """Create the file readable by its owner only; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pdf-key-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


@lru_cache(maxsize=4)
def _identity(key: str, cert: str, path: str, create: bool) -> PdfSigningIdentity:
    if key or cert:
        if not (key and cert):
            raise PdfSigningError(
                "Set both CERTIFICATE_PDF_SIGNING_KEY and CERTIFICATE_PDF_SIGNING_CERT."
            )
        return identity_from_pem(key=key.encode(), certs=cert.encode())
    file = Path(path)
    if not file.exists():
        if not create:
            raise PdfSigningError(
                "No PDF signing certificate: set CERTIFICATE_PDF_SIGNING_KEY and "
                "CERTIFICATE_PDF_SIGNING_CERT, or CERTIFICATE_PDF_SIGNING_FILE "
                "(manage.py certificate_keys pdf-generate)."
            )
        generated = identity_generate(common_name="ADVANCE training certificates")
        _write_new(file, identity_to_pem(generated))
    data = file.read_bytes()
    return identity_from_pem(key=data, certs=data)


def active_identity() -> PdfSigningIdentity:
    """The key and certificate new PDFs are signed with. Raises PdfSigningError."""
    return _identity(
        getattr(settings, "CERTIFICATE_PDF_SIGNING_KEY", "") or "",
        getattr(settings, "CERTIFICATE_PDF_SIGNING_CERT", "") or "",
        str(_file_path()),
        bool(getattr(settings, "CERTIFICATE_SIGNING_KEYS_CREATE", True)),
    )


def identity_cache_clear() -> None:
    _identity.cache_clear()
    _signer.cache_clear()


@lru_cache(maxsize=4)
def _signer(identity: PdfSigningIdentity):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = identity.certificate
    key_block, _ = _split_pem(identity.key_pem)
    private = serialization.load_pem_private_key(key_block, password=None)
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain = [_asn1_cert(block) for block in identity.cert_pems]
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def pdf_sign(data: bytes, *, identity: PdfSigningIdentity, reason: str) -> bytes:
    """``data`` with a PAdES signature appended (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=_signer(identity)).sign_pdf(writer, output=out)
    return out.getvalue()


# -- checking an uploaded file --------------------------------------------------------


class SignatureState(Enum):
    """What the signature of an uploaded PDF says, each with its own sentence."""

    OURS = "ours"
    OTHER = "other"
    BROKEN = "broken"
    NONE = "none"

    @property
    def sentence(self) -> str:
        return {
            SignatureState.OURS: "Digitally signed by this platform, and unaltered "
            "since it was signed.",
            SignatureState.OTHER: "Digitally signed, and unaltered since signing, "
            "but not by this platform.",
            SignatureState.BROKEN: "Its digital signature does not match: the file "
            "was changed after it was signed.",
            SignatureState.NONE: "It carries no digital signature.",
        }[self]


@dataclass(frozen=True)
class SignatureCheck:
    state: SignatureState
    signer: str = ""

    @property
    def sentence(self) -> str:
        return self.state.sentence


def signature_check(
    data: bytes, *, known_fingerprints: frozenset[str]
) -> SignatureCheck:
    """Validate the last signature in ``data`` and say whose it is.

    ``known_fingerprints``: SHA-256 fingerprints of every certificate this platform
    has signed with. A signature that covers the whole file, whose digest and
    cryptographic signature check out, is "ours" when its certificate is one of
    them. Never raises on a malformed file: that is a broken or missing signature.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a malformed upload is simply not signed
        return SignatureCheck(SignatureState.NONE)
    if not signatures:
        return SignatureCheck(SignatureState.NONE)
    signature = signatures[-1]
    try:
        certificate = signature.signer_cert
        context = ValidationContext(
            trust_roots=[certificate], allow_fetching=False, revocation_mode="soft-fail"
        )
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception as error:  # noqa: BLE001 - any failure is a broken signature
        log.info("PDF signature check failed: %s", error)
        return SignatureCheck(SignatureState.BROKEN)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not (status.intact and status.valid) or (
        status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    ):
        return SignatureCheck(SignatureState.BROKEN)
    signer = certificate.subject.native.get("common_name", "") or ""
    if cert_fingerprint(certificate) in known_fingerprints:
        return SignatureCheck(SignatureState.OURS, signer=signer)
    return SignatureCheck(SignatureState.OTHER, signer=signer)
