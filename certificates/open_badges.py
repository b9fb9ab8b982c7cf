"""Open Badges 3.0 credentials: building, signing and checking them, the issuer's DID
document and the Bitstring Status List.

- A certificate's credential is an ``OpenBadgeCredential`` (W3C Verifiable
  Credentials Data Model 2.0 with the OB 3.0 context), signed with a
  ``DataIntegrityProof`` using the ``eddsa-rdfc-2022`` cryptosuite and the same
  Ed25519 key as the certificate's statement.
- The issuer is ``did:web:<host>``; its DID document at ``/.well-known/did.json``
  lists every key that has signed (as Multikey), the active one first, so
  credentials signed before a rotation keep verifying.
- Revocation is a ``BitstringStatusListEntry`` pointing at a signed
  ``BitstringStatusListCredential`` the site serves (``/credentials/status/<n>``),
  re-signed by a task whenever a certificate is revoked or reissued.

Everything here is pure: no database, no network (``jsonld.document_loader``).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .jsonld import (
    CONTEXTS_DIR,
    OB_V3,
    OB_V3_EXTENSIONS,
    VC_V2,
    UndefinedTerm,
    canonical_nquads,
)
from .signing import SigningKeyPair

CRYPTOSUITE = "eddsa-rdfc-2022"
SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json"
)
# The type OB 3.0 gives its schema. No context but 1EdTech's extensions context
# defines it, so credentials name that context too: strict JSON-LD processors (the
# DCC verifier, and ours) refuse a type that no context defines.
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
# 1EdTech's file, bundled verbatim (see schemas/README.md).
SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
STATUS_LIST_SIZE = 131072  # bits: the minimum the spec asks, for herd privacy
MEDIA_TYPE = "application/vc+ld+json"

# -- encodings --------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError("not base58btc")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(public_bytes: bytes) -> str:
    """An Ed25519 public key as Multikey ``publicKeyMultibase``."""
    return "z" + b58encode(_ED25519_PUB + public_bytes)


def multikey_public_bytes(value: str) -> bytes:
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = b58decode(value[1:])
    if not raw.startswith(_ED25519_PUB) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return raw[2:]


def xsd_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the issuer's DID ----------------------------------------------------------------


def did_for(base_url: str) -> str:
    """``did:web`` for a site: its host (a port is written %3A), and any path."""
    parts = urlsplit(base_url)
    did = "did:web:" + quote(parts.netloc, safe="")
    path = parts.path.strip("/")
    if path:
        did += ":" + ":".join(quote(part, safe="") for part in path.split("/"))
    return did


def verification_method_id(did: str, key_id: str) -> str:
    return f"{did}#{key_id}"


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    public_bytes: bytes


def did_document(*, did: str, keys: list[PublishedKey]) -> dict:
    """The DID document: every key that has signed, the active one first.

    Retired keys stay in ``assertionMethod``: rotating a key is not revoking what it
    signed. (A compromised key is a different matter: revoke what it signed.)
    """
    methods = [
        {
            "id": verification_method_id(did, key.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multikey(key.public_bytes),
        }
        for key in keys
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# -- the credential -----------------------------------------------------------------


def email_identity(email: str, *, salt: str | None = None) -> dict:
    """An OB 3.0 IdentityObject: the salted SHA-256 of the learner's email.

    Whoever knows the email and reads the salt can check it is theirs; nobody can
    read the email from it.
    """
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8"))
    return {
        "type": "IdentityObject",
        "identityHash": "sha256$" + digest.hexdigest(),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def _hours(hours: Decimal) -> float | int:
    value = Decimal(hours).normalize()
    return int(value) if value == value.to_integral() else float(value)


def status_position(certificate_pk: int) -> tuple[int, int]:
    """Which status list a certificate is in, and its bit there."""
    return certificate_pk // STATUS_LIST_SIZE + 1, certificate_pk % STATUS_LIST_SIZE


def status_list_url(base_url: str, number: int) -> str:
    return f"{base_url}/credentials/status/{number}"


@dataclass(frozen=True)
class CredentialFacts:
    """What a certificate's credential states, taken from its frozen snapshot."""

    pk: int
    code: str
    verify_url: str
    holder_name: str
    email: str
    course_title: str
    course_description: str
    course_url: str
    cpd_hours: Decimal
    completed_at: datetime
    issued_at: datetime
    expires_at: datetime | None
    issuer_name: str

    @property
    def base_url(self) -> str:
        parts = urlsplit(self.verify_url)
        return f"{parts.scheme}://{parts.netloc}"


def credential_unsigned(facts: CredentialFacts) -> dict:
    did = did_for(facts.base_url)
    number, index = status_position(facts.pk)
    list_url = status_list_url(facts.base_url, number)
    hours = _hours(facts.cpd_hours)
    credential = {
        "@context": [VC_V2, OB_V3, OB_V3_EXTENSIONS],
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificate of completion: {facts.course_title}",
        "description": (
            f"{facts.holder_name} completed {facts.course_title} "
            f"({hours} CPD hours). Certificate code {facts.code}."
        ),
        "issuer": {
            "id": did,
            "type": ["Profile"],
            "name": facts.issuer_name,
            "url": facts.base_url + "/",
        },
        "validFrom": xsd_datetime(facts.issued_at),
        "awardedDate": xsd_datetime(facts.completed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [email_identity(facts.email)] if facts.email else [],
            "creditsEarned": hours,
            "achievement": {
                "id": facts.course_url or f"{facts.base_url}/#course",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": facts.course_title,
                "description": facts.course_description or facts.course_title,
                "criteria": {
                    "narrative": (
                        f"Completed every required step of the course "
                        f"{facts.course_title}, as recorded by {facts.issuer_name}."
                    )
                },
                "creditsAvailable": hours,
            },
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": SCHEMA_TYPE}],
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }
    if not credential["credentialSubject"]["identifier"]:
        del credential["credentialSubject"]["identifier"]
    if facts.expires_at is not None:
        credential["validUntil"] = xsd_datetime(facts.expires_at)
    return credential


# -- eddsa-rdfc-2022 -----------------------------------------------------------------


def _hash_data(document: dict, proof_config: dict) -> bytes:
    config_hash = hashlib.sha256(canonical_nquads(proof_config).encode()).digest()
    doc_hash = hashlib.sha256(canonical_nquads(document).encode()).digest()
    return config_hash + doc_hash


def proof_add(
    document: dict, *, pair: SigningKeyPair, did: str, created: datetime
) -> dict:
    """``document`` with a DataIntegrityProof (eddsa-rdfc-2022) by ``pair``."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method_id(did, pair.key_id),
        "proofPurpose": "assertionMethod",
    }
    config = {"@context": unsigned["@context"], **proof}
    signature = pair.private_key.sign(_hash_data(unsigned, config))
    return {**unsigned, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


class ProofError(Exception):
    """The proof is missing, malformed, by an unknown key, or does not match."""


def proof_verify(document: dict, *, keys: dict[str, bytes]) -> str:
    """Check ``document``'s proof against ``keys`` (verification method id ->
    Ed25519 public key). Returns the verification method; raises ProofError."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The credential has no proof.")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != (
        CRYPTOSUITE
    ):
        raise ProofError("The proof is not a DataIntegrityProof (eddsa-rdfc-2022).")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof is not for assertion.")
    method = proof.get("verificationMethod")
    if method not in keys:
        raise ProofError("The proof names a key this platform has never used.")
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = b58decode(value[1:])
    except ValueError as error:
        raise ProofError("The proof value is not base58btc.") from error
    unsigned = {key: item for key, item in document.items() if key != "proof"}
    config = {
        "@context": unsigned.get("@context"),
        **{key: item for key, item in proof.items() if key != "proofValue"},
    }
    try:
        data = _hash_data(unsigned, config)
    except UndefinedTerm as error:
        # Not signed over as it stands: a verifier would have to drop it.
        raise ProofError(
            f"{error} A proof cannot cover what no context defines."
        ) from error
    except Exception as error:  # noqa: BLE001 - pyld raises many kinds
        raise ProofError(f"The credential is not valid JSON-LD: {error}") from error
    try:
        Ed25519PublicKey.from_public_bytes(keys[method]).verify(signature, data)
    except (InvalidSignature, ValueError) as error:
        raise ProofError(
            "The proof does not match: the credential was changed after signing."
        ) from error
    return method


# -- the status list -----------------------------------------------------------------


def encode_bits(set_bits: set[int], size: int = STATUS_LIST_SIZE) -> str:
    """Bitstring Status List ``encodedList``: multibase base64url (no padding) of
    the GZIP of the bits, index 0 the most significant bit of the first byte."""
    raw = bytearray(size // 8)
    for index in set_bits:
        raw[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(raw), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_bit(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not base64url multibase")
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if index // 8 >= len(raw):
        raise ValueError("status index outside the list")
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def status_list_unsigned(
    *,
    base_url: str,
    number: int,
    revoked: set[int],
    now: datetime,
    valid_until: datetime,
) -> dict:
    url = status_list_url(base_url, number)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_for(base_url),
        "validFrom": xsd_datetime(now),
        "validUntil": xsd_datetime(valid_until),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked),
        },
    }


# -- the schema ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema() -> dict:
    """1EdTech's OB 3.0 AchievementCredential JSON schema (draft 2019-09)."""
    path = CONTEXTS_DIR.parent / "schemas" / SCHEMA_FILE
    return json.loads(Path(path).read_text(encoding="utf-8"))


_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
)


def _is_date_time(value: object) -> bool:
    """JSON Schema's ``date-time`` (RFC 3339, with a time zone), checked here
    because jsonschema leaves it unchecked without an extra package."""
    if not isinstance(value, str):
        return True  # the schema's "type" speaks for other values
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def schema_validator():
    """A draft 2019-09 validator for the schema, asserting ``date-time``."""
    import jsonschema

    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date-time")(_is_date_time)
    return jsonschema.Draft201909Validator(schema(), format_checker=formats)


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
