"""CSV for spreadsheets: rows of plain values, with formula cells neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and Google Sheets; such text gets a leading ``'``
so it shows as typed. Numbers, including negative ones, are left as numbers.
"""

import csv
import io
from collections.abc import Sequence

from utils.money import PLAIN_DECIMAL

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet shows it literally."""
    formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    return "'" + value if formula and not PLAIN_DECIMAL.fullmatch(value) else value


def to_csv(rows: list[dict], columns: Sequence[str] = ()) -> str:
    """Rows of plain values as CSV text with a header, every cell made safe.

    The header is the first row's keys, or ``columns`` when there are no rows, so an
    empty export still names its columns.
    """
    out = io.StringIO()
    fieldnames = list(rows[0]) if rows else list(columns)
    if fieldnames:
        writer = csv.DictWriter(out, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
    return out.getvalue()
