"""Ed25519 signatures over certificate statements, and where the keys come from.

A certificate's *statement* is a canonical JSON text of what it states (see
``statement_text``). It is signed once, at issue, with the active private key; the
JSON verify endpoint returns the statement, the signature and the key id, and every
public key ever used is published at ``/verify/keys.json``, so anyone can check a
certificate offline and keep checking it after the key is rotated.

The private key never touches the database or the repository. It comes from, in order:

1. ``CERTIFICATE_SIGNING_KEY`` (environment variable): the 32-byte Ed25519 private key
   in base64, or a PKCS#8 PEM block. ``manage.py certificate_keys generate`` makes one.
2. ``CERTIFICATE_SIGNING_KEYS_FILE`` (environment variable, default
   ``var/certificate-signing-keys.json``, which git ignores): a JSON file holding the
   active key and earlier ones. If it does not exist and
   ``CERTIFICATE_SIGNING_KEYS_CREATE`` is on (the default), a key is generated into it,
   which is how a development machine or the demo gets one.

Public keys are recorded in ``SigningKey`` the first time they sign anything, so a key
stays published after the environment stops providing it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.utils import timezone

ALGORITHM = "Ed25519"


class SigningKeyError(Exception):
    """No usable signing key: the message says what to configure."""


@dataclass(frozen=True)
class SigningKeyPair:
    """A private key and the id its public half is published under."""

    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return public_key_bytes(self.private_key.public_key())

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_bytes).decode("ascii")


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def key_id_for(public_bytes: bytes) -> str:
    """A key's id: derived from the public key, so it cannot name the wrong one."""
    return "ed25519-" + hashlib.sha256(public_bytes).hexdigest()[:16]


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    """Read a private key given as base64 (32 raw bytes) or as a PKCS#8 PEM block."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError("The PEM signing key is not an Ed25519 key.")
        return key
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except ValueError as error:
        raise SigningKeyError("The signing key is not valid base64.") from error
    if len(raw) != 32:
        raise SigningKeyError("An Ed25519 private key is 32 bytes (44 in base64).")
    return Ed25519PrivateKey.from_private_bytes(raw)


def private_key_to_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def pair_from_private(private_key: Ed25519PrivateKey) -> SigningKeyPair:
    return SigningKeyPair(
        key_id=key_id_for(public_key_bytes(private_key.public_key())),
        private_key=private_key,
    )


# -- the keys file -----------------------------------------------------------------


def keys_file_read(path: Path) -> dict:
    """The keys file's content: {"active": key_id, "keys": [{key_id, private_key}]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SigningKeyError(
            f"Cannot read the signing keys file {path}: {error}"
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise SigningKeyError(f"{path} is not a signing keys file.")
    return data


def keys_file_write(path: Path, data: dict, *, replace: bool) -> bool:
    """Write the keys file readable by its owner only, atomically.

    With ``replace`` false the file is only created if no other process has created
    it meanwhile (two test workers starting at once); returns whether it was written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: first writer wins
        except FileExistsError:
            return False
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


def keys_file_new_entry(private_key: Ed25519PrivateKey) -> dict:
    pair = pair_from_private(private_key)
    return {
        "key_id": pair.key_id,
        "private_key": private_key_to_text(private_key),
        "public_key": pair.public_b64,
        "created_at": timezone.now().isoformat(timespec="seconds"),
    }


def keys_file_rotate(path: Path) -> SigningKeyPair:
    """Add a new key to the file and make it the active one; old keys stay listed."""
    data = keys_file_read(path) if path.exists() else {"keys": []}
    entry = keys_file_new_entry(Ed25519PrivateKey.generate())
    data["keys"].append(entry)
    data["active"] = entry["key_id"]
    keys_file_write(path, data, replace=True)
    keys_cache_clear()
    return _pair_from_file(path)


def _pair_from_file(path: Path) -> SigningKeyPair:
    data = keys_file_read(path)
    entries = {entry.get("key_id"): entry for entry in data["keys"]}
    entry = entries.get(data.get("active"))
    if entry is None:
        raise SigningKeyError(f"{path} names no active key.")
    pair = pair_from_private(private_key_from_text(entry.get("private_key", "")))
    if pair.key_id != entry["key_id"]:
        raise SigningKeyError(f"{path}: key {entry['key_id']} does not match its id.")
    return pair


def _keys_file_path() -> Path:
    configured = getattr(settings, "CERTIFICATE_SIGNING_KEYS_FILE", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "certificate-signing-keys.json"


@lru_cache(maxsize=4)
def _active_key_pair(env_key: str, path: str, create: bool) -> SigningKeyPair:
    if env_key:
        return pair_from_private(private_key_from_text(env_key))
    file = Path(path)
    if not file.exists():
        if not create:
            raise SigningKeyError(
                "No certificate signing key: set CERTIFICATE_SIGNING_KEY, or "
                "CERTIFICATE_SIGNING_KEYS_FILE to a keys file "
                "(manage.py certificate_keys generate)."
            )
        entry = keys_file_new_entry(Ed25519PrivateKey.generate())
        keys_file_write(
            file, {"active": entry["key_id"], "keys": [entry]}, replace=False
        )
    return _pair_from_file(file)


def active_key_pair() -> SigningKeyPair:
    """The key new certificates are signed with. Raises SigningKeyError if none."""
    return _active_key_pair(
        getattr(settings, "CERTIFICATE_SIGNING_KEY", "") or "",
        str(_keys_file_path()),
        bool(getattr(settings, "CERTIFICATE_SIGNING_KEYS_CREATE", True)),
    )


def keys_cache_clear() -> None:
    """Forget the loaded key (after a rotation, or when a test changes settings).

    Each process reads its key once; restart the servers after rotating.
    """
    _active_key_pair.cache_clear()


def configured_public_keys() -> dict[str, str]:
    """Public keys the configuration knows (active and earlier), by key id."""
    keys: dict[str, str] = {}
    path = _keys_file_path()
    if path.exists():
        try:
            for entry in keys_file_read(path)["keys"]:
                private = private_key_from_text(entry.get("private_key", ""))
                pair = pair_from_private(private)
                keys[pair.key_id] = pair.public_b64
        except SigningKeyError:
            pass
    try:
        pair = active_key_pair()
    except SigningKeyError:
        return keys
    keys[pair.key_id] = pair.public_b64
    return keys


# -- statements ----------------------------------------------------------------------


def statement_text(fields: dict) -> str:
    """The canonical JSON text that is signed: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def statement_sign(statement: str, *, pair: SigningKeyPair) -> str:
    """The base64 Ed25519 signature of the statement's UTF-8 bytes."""
    signature = pair.private_key.sign(statement.encode("utf-8"))
    return base64.b64encode(signature).decode("ascii")


def statement_verify(statement: str, signature: str, public_key: str) -> bool:
    """Whether ``signature`` (base64) signs ``statement`` under ``public_key``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature), statement.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True
