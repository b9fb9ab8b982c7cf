"""JSON-LD without the network: every context a credential uses is in the repository.

``document_loader`` is the only loader signing and verifying use. It answers from
``certificates/contexts/`` and refuses every other URL, so canonicalising a
credential (to sign it or to check an uploaded one) never fetches anything, and an
uploaded credential cannot make the server request an address it names.

Canonicalisation is strict ("safe mode", as JSON-LD libraries such as jsonld.js
call it): a term no context defines, or a type or id that is not an absolute IRI,
is an error instead of being left out of the RDF. Otherwise a property added to a
signed credential would be dropped from what the proof covers, and the changed
credential would still verify.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechJsonSchemaValidator2019, the credentialSchema type OB 3.0 names.
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

BUNDLED = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    OB_V3_EXTENSIONS: "ob-v3p0-extensions.json",
    DID_V1: "did-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}


class ContextNotBundled(Exception):
    """A document named a JSON-LD context this platform does not carry."""


class UndefinedTerm(Exception):
    """Canonicalising would leave something out: a term no context defines, or a
    type or id that is not an absolute IRI."""


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


def _is_absolute(iri: str) -> bool:
    return iri.startswith("_:") or ":" in iri


def _check_iris(node, where: str = "credential") -> None:
    """Every ``@type`` and ``@id`` of an expanded document is an absolute IRI (or a
    blank node): RDF has no place for a relative one, so it would be dropped."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item, where)
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type", [])
    # A value object's @type is one IRI; a node object's is a list of them.
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str) and value != "@json" and not _is_absolute(value):
            raise UndefinedTerm(
                f"The type {value[:100]} (in {where}) is not defined by the "
                "credential's contexts."
            )
    if "@value" in node:
        return
    identifier = node.get("@id")
    if isinstance(identifier, str) and not _is_absolute(identifier):
        raise UndefinedTerm(
            f"The id {identifier[:100]} (in {where}) is not an absolute IRI."
        )
    for key, value in node.items():
        if key.startswith("@"):
            _check_iris(value, where)
        else:  # named by the property's last segment, e.g. credentialSchema
            _check_iris(value, key.rsplit("#", 1)[-1].rsplit("/", 1)[-1])


def expand_strict(document: dict) -> list:
    """JSON-LD expansion that refuses to drop anything (see the module docstring)."""
    dropped: list[str] = []
    processor = jsonld.JsonLdProcessor(
        on_property_dropped=lambda term: dropped.append(str(term))
    )
    # base None: a relative IRI stays relative (and is refused below) instead of
    # being resolved against a made-up base.
    expanded = processor.expand(
        document, {"documentLoader": document_loader, "base": None}
    )
    if dropped:
        names = ", ".join(sorted(set(dropped)))[:200]
        raise UndefinedTerm(
            f"The credential uses terms its contexts do not define: {names}."
        )
    _check_iris(expanded)
    return expanded


def canonical_nquads(document: dict) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, pyld's URDNA2015) as N-Quads, of a
    document that expands without dropping anything (``UndefinedTerm`` if not)."""
    return jsonld.normalize(
        expand_strict(document),
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )
