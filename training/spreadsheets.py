"""Text written to spreadsheets (CSV exports) that no spreadsheet runs as a formula."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula (e.g. a name '=HYPERLINK()')."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
