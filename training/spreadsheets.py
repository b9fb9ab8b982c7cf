"""CSV cells that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets; an export of names typed by
learners must never run one. ``cell_safe`` prefixes such a cell with an apostrophe,
which spreadsheets show as text and hide.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return str(text).lstrip(" ").startswith(FORMULA_STARTS)


def cell_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if looks_like_formula(text) else text


class Echo:
    """A file-like object for ``csv.writer`` that hands each line back, for
    streaming responses."""

    def write(self, value):
        return value
