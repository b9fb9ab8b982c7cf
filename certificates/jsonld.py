"""JSON-LD without the network: every context a credential uses is in the repository.

``document_loader`` is the only loader signing and verifying use. It answers from
``certificates/contexts/`` and refuses every other URL, so canonicalising a
credential (to sign it or to check an uploaded one) never fetches anything, and an
uploaded credential cannot make the server request an address it names.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

BUNDLED = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    DID_V1: "did-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}


class ContextNotBundled(Exception):
    """A document named a JSON-LD context this platform does not carry."""


@lru_cache(maxsize=len(BUNDLED))
def bundled_context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / BUNDLED[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    """pyld's document loader: bundled contexts only, never the network."""
    if url not in BUNDLED:
        raise ContextNotBundled(f"The JSON-LD context {url[:200]} is not one we use.")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
    }


def canonical_nquads(document: dict) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, pyld's URDNA2015) as N-Quads."""
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )
