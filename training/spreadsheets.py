"""CSV and spreadsheet cells that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets; an export of names typed by
learners must never run one. Such a cell is prefixed with an apostrophe, which
spreadsheets show as text and hide.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return str(text).lstrip(" ").startswith(FORMULA_PREFIXES)


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula (e.g. a name '=HYPERLINK()');
    numbers, dates and other values are returned as they are."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def cell_safe(value) -> str:
    """A CSV cell as text (empty for None), defused like ``spreadsheet_safe``."""
    return spreadsheet_safe("" if value is None else str(value))


class Echo:
    """A file-like object for ``csv.writer`` that hands each line back, for
    streaming responses."""

    def write(self, value):
        return value
