import math
from collections import Counter

import pytest

from certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    code_display,
    code_from_bytes,
    code_generate,
    code_normalise,
)


def test_codes_carry_at_least_80_bits_and_use_crockford_symbols():
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 80
    codes = [code_generate() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(
        len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes
    )
    # Every symbol turns up, at roughly its share (40,000 draws, 1,250 expected each).
    counts = Counter("".join(codes))
    assert set(counts) == set(ALPHABET)
    assert min(counts.values()) > 1000 and max(counts.values()) < 1500


def test_codes_are_shown_in_groups_of_four():
    assert code_display("7KQ2M9XD4TRAWP3NHC5B") == "7KQ2-M9XD-4TRA-WP3N-HC5B"


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-4TRA-WP3N-HC5B",
        "7kq2-m9xd-4tra-wp3n-hc5b",
        "7KQ2M9XD4TRAWP3NHC5B",
        " 7kq2 m9xd 4tra wp3n hc5b ",
        "7KQ2–M9XD–4TRA–WP3N–HC5B",  # en dashes, as word processors make them
    ],
)
def test_lookups_accept_case_spaces_and_missing_dashes(typed):
    assert code_normalise(typed) == "7KQ2M9XD4TRAWP3NHC5B"


def test_letters_people_confuse_with_digits_are_read_as_digits():
    assert code_normalise("7KQ2-M9XD-4TRA-WP3N-HC5B".replace("0", "O")) == (
        "7KQ2M9XD4TRAWP3NHC5B"
    )
    assert code_normalise("OOOO-IIII-LLLL-oooo-iiii") == "00001111111100001111"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "7KQ2-M9XD",
        "7KQ2-M9XD-4TRA-WP3N-HC5BX",
        "UUUU-UUUU-UUUU-UUUU-UUUU",
        "7KQ2/M9XD/4TRA/WP3N/HC5B",
        "x" * 1000,
        "<script>alert(1)</script>",
    ],
)
def test_things_that_cannot_be_codes_are_refused(typed):
    assert code_normalise(typed) is None


def test_demo_codes_are_fixed_and_valid():
    code = code_from_bytes(bytes(range(32)))
    assert code == code_from_bytes(bytes(range(32)))
    assert code_normalise(code) == code
