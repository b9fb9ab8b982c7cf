"""Verification codes: random, typeable, and forgiving of how a person types them.

A code is 20 symbols of Crockford's base32 (100 bits from ``secrets``), stored without
dashes and shown in groups of four: ``7KQ2-M9XD-4TRA-WP3N-HC5B``. The alphabet has no
I, L, O or U, so a person reading it aloud or typing it cannot confuse 1 with I or 0
with O; lookups read lower case, spaces and missing dashes, and turn O into 0 and I/L
into 1, as Crockford's specification says.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 symbols x 5 bits = 100 bits of randomness
GROUP = 4
# Anything longer than a code with every separator doubled is not a code; refuse it
# before doing any work on it.
MAX_INPUT_LENGTH = 64

_SUBSTITUTIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", "- _.\u2010\u2011\u2012\u2013\u2014\t")
_VALID = frozenset(ALPHABET)


def code_generate() -> str:
    """A fresh code, normalised (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_from_bytes(data: bytes) -> str:
    """The code whose 100 bits are the first bits of ``data`` (for demo codes)."""
    number = int.from_bytes(data[:13], "big") >> (13 * 8 - CODE_LENGTH * 5)
    symbols = []
    for _ in range(CODE_LENGTH):
        symbols.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(symbols))


def code_normalise(text: str | None) -> str | None:
    """The stored form of a typed code, or None if it cannot be a code.

    >>> code_normalise("7kq2-m9xd-4tra-wp3n-hc5b")
    '7KQ2M9XD4TRAWP3NHC5B'
    """
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    code = text.strip().upper().translate(_SEPARATORS).translate(_SUBSTITUTIONS)
    if len(code) != CODE_LENGTH or not _VALID.issuperset(code):
        return None
    return code


def code_display(code: str) -> str:
    """A stored code in groups of four, joined by dashes."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
