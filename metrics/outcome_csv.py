"""Reading an outcome-events CSV (X3): parsing and the checks that need no database.

The file has a header line ``email,event,date`` and may add ``department`` and ``role``, in
any order. Like the participant import (programs.csv_import, whose reading rules this
shares: UTF-8 with or without BOM else Windows-1252, any line ending, comma or semicolon,
header names ignoring case, spaces and hyphens, blank lines skipped), every problem is
returned with its line so the whole file can be fixed at once; the service adds the checks
that need the database (already stored) and saves all rows or none.

* ``event`` is hired, promoted, role change, department change or left (case, spaces,
  hyphens and underscores ignored: ``Role change``, ``role-change``, ``ROLE_CHANGE``).
* ``date`` is written YYYY-MM-DD (the one spelling no locale reads the other way round) and
  is not after today in the organisation's time zone.
* The same e-mail, event and date twice in a file is refused, naming the first line.
* An e-mail that is no member of this organisation is accepted: it is someone who never took
  part (the comparison group of X7). Nothing here, nor in the service, looks at other
  organisations, so a file cannot tell who is a member elsewhere.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from programs.csv_import import NUL, RowError, decode

REQUIRED_COLUMNS = ("email", "event", "date")
OPTIONAL_COLUMNS = ("department", "role")
MAX_ROWS = 20000
HEADER_ALIASES = {"e_mail": "email", "mail": "email", "outcome": "event", "day": "date"}
EVENTS = {
    "hired": "hired",
    "promoted": "promoted",
    "promotion": "promoted",
    "role_change": "role_change",
    "department_change": "department_change",
    "left": "left",
}
EVENT_WORDS = "hired, promoted, role change, department change or left"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

EXAMPLE_CSV = (
    "email,event,date,department,role\r\n"
    "priya.nair@example.org,promoted,2026-03-01,Coaching,Senior coach\r\n"
    "jonas.berg@example.org,department change,2026-05-12,Client Success,\r\n"
    "ana.lima@example.org,hired,2025-09-01,Coaching,Trainee coach\r\n"
    "ana.lima@example.org,left,2026-06-30,,\r\n"
)


@dataclass(frozen=True)
class OutcomeRow:
    line: int
    email: str
    event: str
    occurred_on: date
    department: str = ""
    role: str = ""

    @property
    def key(self):
        return (self.email, self.event, self.occurred_on)


@dataclass
class ParseResult:
    rows: list[OutcomeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def _is_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _normalise(name):
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return HEADER_ALIASES.get(key, key)


def _event(value):
    return EVENTS.get(" ".join(value.split()).lower().replace("-", "_").replace(" ", "_"))


def _check_header(header):
    columns = [_normalise(name) for name in header]
    expected = (
        "The first line must name the columns: email,event,date (and optionally department,role)."
    )
    if any(_is_email(value.strip()) for value in header):
        return columns, [RowError(1, f"The header line is missing. {expected}")]
    errors = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        errors.append(RowError(1, f"Missing column{plural}: {', '.join(missing)}. {expected}"))
    unknown = [
        raw.strip() or f"column {i}"
        for i, (raw, name) in enumerate(zip(header, columns, strict=True), 1)
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    ]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        errors.append(RowError(1, f"Unknown column{plural}: {', '.join(unknown)}. {expected}"))
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        errors.append(RowError(1, f"Column named twice: {', '.join(repeated)}."))
    return columns, errors


def _check_row(line, cells, today):
    errors = []
    email = cells.get("email", "").strip().lower()
    raw_event = cells.get("event", "").strip()
    raw_date = cells.get("date", "").strip()
    department = " ".join(cells.get("department", "").split())
    role = " ".join(cells.get("role", "").split())
    if not email:
        errors.append(RowError(line, "The e-mail address is missing."))
    elif not _is_email(email):
        errors.append(RowError(line, f"“{email}” is not a valid e-mail address.", email))
    event = _event(raw_event)
    if not raw_event:
        errors.append(RowError(line, f"The event is missing: use {EVENT_WORDS}.", email))
    elif event is None:
        errors.append(RowError(line, f"Unknown event “{raw_event}”: use {EVENT_WORDS}.", email))
    occurred_on = None
    if not raw_date:
        errors.append(RowError(line, "The date is missing: write it as YYYY-MM-DD.", email))
    else:
        try:
            if not ISO_DATE.fullmatch(raw_date):  # fromisoformat also reads 20260301, 2026-W09
                raise ValueError(raw_date)
            occurred_on = date.fromisoformat(raw_date)
        except ValueError:
            errors.append(
                RowError(line, f"“{raw_date}” is not a date: write it as YYYY-MM-DD.", email)
            )
        else:
            if occurred_on > today:
                errors.append(
                    RowError(
                        line,
                        f"The date {raw_date} is in the future: import events once they "
                        f"have happened.",
                        email,
                    )
                )
    if len(department) > 120:
        errors.append(RowError(line, "The department is longer than 120 characters.", email))
    if len(role) > 120:
        errors.append(RowError(line, "The role is longer than 120 characters.", email))
    if errors:
        return None, errors
    return OutcomeRow(line, email, event, occurred_on, department, role), []


def parse_outcomes(data, *, today):
    """Parse and check an outcome-events CSV; return every row and every problem found.
    ``today`` is the organisation's date: an event after it is refused."""
    text = decode(data)
    result = ParseResult()
    if not text.strip():
        result.errors.append(RowError(None, "The file is empty."))
        return result
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    columns = []
    seen = {}  # (email, event, date) -> first line
    data_lines = 0
    try:
        for values in reader:
            line = reader.line_num - sum(v.count("\n") for v in values)
            if not any(value.strip() for value in values):
                continue
            if any(NUL in value for value in values):
                result.errors.append(
                    RowError(
                        line,
                        "The line contains a NUL character (often a sign of a spreadsheet "
                        "file saved with the wrong encoding): save it again as CSV text.",
                    )
                )
                if header is None:
                    return result
                data_lines += 1
                continue
            if header is None:
                header = values
                columns, header_errors = _check_header(values)
                if header_errors:
                    result.errors.extend(header_errors)
                    return result
                continue
            data_lines += 1
            if data_lines > MAX_ROWS:
                result.errors.append(
                    RowError(
                        None,
                        f"The file has more than {MAX_ROWS} events: split it into smaller files.",
                    )
                )
                return result
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
                result.errors.append(
                    RowError(
                        line,
                        f"The line has {len(values)} cells but the header names "
                        f"{len(columns)} columns.",
                    )
                )
                continue
            row, errors = _check_row(line, dict(zip(columns, values, strict=False)), today)
            if row is not None:
                if row.key in seen:
                    errors.append(
                        RowError(
                            line,
                            f"The same event ({row.email}, {row.event.replace('_', ' ')}, "
                            f"{row.occurred_on.isoformat()}) is already on line "
                            f"{seen[row.key]}: list each event once.",
                            row.email,
                        )
                    )
                else:
                    seen[row.key] = line
            result.errors.extend(errors)
            if not errors:
                result.rows.append(row)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, f"The file cannot be read as CSV: {exc}."))
        return result
    if header is None:
        result.errors.append(RowError(None, "The file is empty."))
    elif data_lines == 0:
        result.errors.append(RowError(None, "The file has a header but no events."))
    result.errors.sort(key=lambda error: error.line or 0)
    return result
