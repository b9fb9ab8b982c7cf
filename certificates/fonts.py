"""The fonts a certificate prints with, and which text each one can print.

DejaVu (Latin, Greek, Cyrillic, Vietnamese) is always embedded; a script font only
when printed text uses its script. ``unprintable`` says why a piece of text cannot be
printed correctly, so a form can refuse it when it is typed and a render can refuse
it instead of printing boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

FONT_FILES = {
    "sans": "fonts/DejaVuSans.ttf",
    "sans_bold": "fonts/DejaVuSans-Bold.ttf",
    "serif_bold": "fonts/DejaVuSerif-Bold.ttf",
}
# An image a trainer uploads is scaled down before it is embedded; the cap is on the

SANS = "Certificate Sans"


@dataclass(frozen=True)
class ScriptFont:
    """A font embedded only when printed text uses its script.

    ``needs_shaping`` are the signs that an OpenType shaper would have to reorder
    (vowel signs written before the consonant, or around it) or join into
    conjuncts (the virama). ReportLab, under xhtml2pdf, has no shaper for these
    scripts, so text with one of them would print wrongly; it is refused instead,
    with a message saying so. Text without them prints correctly.
    """

    family: str
    path: str | None
    script: str
    ranges: tuple[tuple[int, int], ...]
    needs_shaping: str = ""
    first: bool = False  # before DejaVu: Arabic, for its Urdu letter forms

    @cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(
            "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in self.ranges) + "]"
        )

    def used_in(self, text: str) -> bool:
        # A compiled character class: a render asks this of every printed text for
        # every script, and a Python loop over characters and ranges cost more than
        # a tenth of a render.
        return self.pattern.search(text) is not None


SCRIPT_FONTS = (
    ScriptFont(
        "Certificate Arabic",
        "fonts/NotoSansArabic-Bold.ttf",
        "Arabic",
        (
            (0x0600, 0x06FF),
            (0x0750, 0x077F),
            (0x08A0, 0x08FF),
            (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF),
        ),
        first=True,
    ),
    ScriptFont(
        "Certificate Bengali",
        "fonts/NotoSansBengali-Bold.ttf",
        "Bengali",
        ((0x0980, 0x09FF),),
        needs_shaping="\u09bf\u09c7\u09c8\u09cb\u09cc\u09cd",
    ),
    ScriptFont(
        "Certificate Devanagari",
        "fonts/NotoSansDevanagari-Bold.ttf",
        "Devanagari",
        ((0x0900, 0x097F),),
        needs_shaping="\u093f\u094d\u094e",
    ),
    ScriptFont(
        "Certificate Gurmukhi",
        "fonts/NotoSansGurmukhi-Bold.ttf",
        "Gurmukhi",
        ((0x0A00, 0x0A7F),),
        needs_shaping="\u0a3f\u0a4d",
    ),
    ScriptFont(
        "Certificate Gujarati",
        "fonts/NotoSansGujarati-Bold.ttf",
        "Gujarati",
        ((0x0A80, 0x0AFF),),
        needs_shaping="\u0abf\u0acd",
    ),
    ScriptFont(
        "Certificate Tamil",
        "fonts/NotoSansTamil-Bold.ttf",
        "Tamil",
        ((0x0B80, 0x0BFF),),
        needs_shaping="\u0bc6\u0bc7\u0bc8\u0bca\u0bcb\u0bcc",
    ),
    # ReportLab's built-in Adobe CJK font: every PDF reader supplies it, so it is
    # named, not embedded (a CJK font file is tens of megabytes).
    ScriptFont(
        "STSong-Light",
        None,
        "Chinese",
        (
            (0x3000, 0x303F),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF00, 0xFFEF),
        ),
    ),
)


def script_fonts(text: str) -> list[ScriptFont]:
    return [font for font in SCRIPT_FONTS if font.used_in(text)]


def shaping_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed correctly, or None if it can."""
    for font in script_fonts(text):
        for char in font.needs_shaping:
            if char in text:
                return (
                    f"“{text}” is in {font.script} script and uses a sign "
                    f"(U+{ord(char):04X}) that must be reordered or joined to be "
                    f"printed correctly, which the PDF renderer cannot do yet. "
                    f"Reissue the certificate with the name in Latin letters."
                )
    return None


def font_stack(text: str) -> str:
    """The CSS font-family list for a piece of printed text."""
    fonts = script_fonts(text)
    families = [f.family for f in fonts if f.first]
    families.append(SANS)
    families += [f.family for f in fonts if not f.first]
    return ", ".join(f'"{family}"' for family in families)


# -- what a name may contain --------------------------------------------------------

# Every printed name is bold Certificate Sans (DejaVu) or a script font.
_COVERING_FILES = ("fonts/DejaVuSans-Bold.ttf",)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff"
    "\u200d\ufe0f\u20e3\U000e0020-\U000e007f]"
)


@lru_cache(maxsize=1)
def printable_characters() -> frozenset[int]:
    """Every code point some embedded font has a glyph for (read once a process)."""
    from django.contrib.staticfiles import finders
    from reportlab.pdfbase.ttfonts import TTFontFile

    points: set[int] = set()
    for path in _COVERING_FILES:
        if found := finders.find(path):
            points.update(TTFontFile(found).charToGlyph)
    for font in SCRIPT_FONTS:
        # A script font is only in the stack for text in its own ranges.
        if font.path and (found := finders.find(font.path)):
            points.update(
                point
                for point in TTFontFile(found).charToGlyph
                if any(lo <= point <= hi for lo, hi in font.ranges)
            )
    return frozenset(points)


def unprintable(text: str) -> str | None:
    """Why a name could not be printed on a certificate, in words for the person
    typing it; None if it can be. The profile and sign-up forms ask this, so a name
    that could never print is refused when it is typed, not when a course ends."""
    if found := _EMOJI.search(text):
        return (
            f"Certificates cannot print emoji or symbols such as “{found.group()}”. "
            "Please type your name in letters only."
        )
    covered = printable_characters()
    cjk = next(font for font in SCRIPT_FONTS if font.path is None)
    for char in text:
        if char.isspace() or ord(char) in covered or cjk.used_in(char):
            continue
        return (
            f"Certificates cannot print the character “{char}” "
            f"(U+{ord(char):04X}). Please type your name without it, or in Latin "
            "letters."
        )
    for font in script_fonts(text):
        for char in font.needs_shaping:
            if char in text:
                return (
                    f"Your name is in {font.script} script and uses a sign "
                    f"(U+{ord(char):04X}) that certificates cannot yet print "
                    "correctly. Please type it in Latin letters."
                )
    return None


def validate_printable_name(name: str) -> None:
    """A form validator (PERSON_NAME_VALIDATORS): refuse what cannot be printed."""
    from django.core.exceptions import ValidationError

    if problem := unprintable(name):
        raise ValidationError(problem)
