"""Every dashboard table as a CSV download (X5): streamed, and safe to open in a spreadsheet.

``csv_response(filename, header, rows)`` streams ``header`` then ``rows`` (any iterable:
a generator over a queryset's ``.iterator()`` keeps memory flat) as UTF-8 CSV with a BOM, so
that Excel reads accents right. Every cell goes through :func:`cell`: a text that begins
with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is what a spreadsheet would run
as a formula (OWASP "CSV injection"), so it is prefixed with a single quote. Numbers are
written as numbers: a negative figure is not text and is not escaped.
"""

import csv
from datetime import date, datetime
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """One cell as written: None → "", a number as itself, a date in ISO form, a text escaped
    when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file that hands back what is written: csv.writer's row becomes the chunk streamed."""

    def write(self, value):
        return value


def csv_rows(header, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([cell(value) for value in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(filename, header, rows):
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
