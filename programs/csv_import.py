"""Reading a cohort's participant CSV (P5): parsing and checks that need no database.

The file has a header line ``email,name,role`` and may add ``department`` and
``manager_email``, in any order. Everything is checked before anything is saved: this module
returns every problem it finds, each with the line of the file it is on, so the admin can fix
the whole file in one go. The service then adds the checks that need the database (already
enrolled, unknown manager) and saves all rows or none.

Choices made for the people who make these files in a spreadsheet:

* The encoding is UTF-8, with or without the byte-order mark Excel writes; a file that is
  not UTF-8 is read as Windows-1252 (Excel's "CSV (Comma delimited)" on Windows).
* Windows, Unix and old Mac line endings are all fine, and so is a semicolon as separator
  (spreadsheets in many European locales write one).
* Header names ignore case, spaces and hyphens: ``E-mail``, ``Manager email`` work.
* A line with nothing in it (or only separators, as spreadsheets leave after the last row)
  is skipped; a line with some cells but no e-mail address is an error.
* Roles ignore case (``Mentor``, ``MENTEE``).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

REQUIRED_COLUMNS = ("email", "name", "role")
NUL = "\x00"
OPTIONAL_COLUMNS = ("department", "manager_email")
ROLES = ("mentor", "mentee", "facilitator")
# Roles that take a place in the cohort (its capacity counts mentors and mentees).
SEATED_ROLES = ("mentor", "mentee")
MAX_ROWS = 1000

HEADER_ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "manager_e_mail": "manager_email",
    "manager": "manager_email",
}

EXAMPLE_CSV = (
    "email,name,role,department,manager_email\r\n"
    "priya.nair@example.org,Priya Nair,mentor,Coaching,\r\n"
    "tomasz.kowalski@example.org,Tomasz Kowalski,mentee,Coaching,priya.nair@example.org\r\n"
    "leila.haddad@example.org,Leila Haddad,mentee,Client Success,\r\n"
    "jonas.berg@example.org,Jonas Berg,facilitator,Operations,\r\n"
)


@dataclass(frozen=True)
class ImportRow:
    """One person of the file, cleaned: e-mails lower-case, role one of ROLES."""

    line: int
    email: str
    name: str
    role: str
    department: str = ""
    manager_email: str = ""


@dataclass(frozen=True)
class RowError:
    """A problem of the file: ``line`` is the file's line number (1 is the header), or
    ``None`` for the file as a whole."""

    line: int | None
    message: str
    email: str = ""


@dataclass
class ParseResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Every e-mail address on a data line, good rows or bad: a manager may be any of them.
    emails: set[str] = field(default_factory=set)

    @property
    def ok(self):
        return not self.errors

    @property
    def seated_count(self):
        return sum(1 for row in self.rows if row.role in SEATED_ROLES)


def decode(data):
    """Text of an uploaded file: UTF-8 (a BOM is dropped), else Windows-1252."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normalise_header(name):
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return HEADER_ALIASES.get(key, key)


def _delimiter(first_line):
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _is_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _check_header(header):
    """(column names, errors) of the header line."""
    columns = [_normalise_header(name) for name in header]
    expected = (
        "The first line must name the columns: email,name,role (and optionally "
        "department,manager_email)."
    )
    errors = []
    if any(_is_email(value.strip()) for value in header):
        return columns, [RowError(1, f"The header line is missing. {expected}")]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                f"Missing column{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. {expected}",
            )
        )
    unknown = [
        raw.strip() or f"column {i}"
        for i, (raw, name) in enumerate(zip(header, columns, strict=True), 1)
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    ]
    if unknown:
        errors.append(
            RowError(
                1,
                f"Unknown column{'s' if len(unknown) > 1 else ''}: "
                f"{', '.join(unknown)}. {expected}",
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        errors.append(RowError(1, f"Column named twice: {', '.join(repeated)}."))
    return columns, errors


def _check_row(line, values):
    """(ImportRow or None, errors) of one data line, given {column: value}."""
    errors = []
    email = values.get("email", "").strip().lower()
    name = " ".join(values.get("name", "").split())
    role = values.get("role", "").strip().lower()
    department = values.get("department", "").strip()
    manager_email = values.get("manager_email", "").strip().lower()
    if not name:
        errors.append(RowError(line, "The name is missing.", email))
    if not email:
        errors.append(RowError(line, "The e-mail address is missing."))
    elif not _is_email(email):
        errors.append(RowError(line, f"“{email}” is not a valid e-mail address.", email))
    if not role:
        errors.append(
            RowError(line, "The role is missing: use mentor, mentee or facilitator.", email)
        )
    elif role not in ROLES:
        errors.append(
            RowError(line, f"Unknown role “{role}”: use mentor, mentee or facilitator.", email)
        )
    if manager_email:
        if not _is_email(manager_email):
            errors.append(
                RowError(
                    line, f"The manager's e-mail “{manager_email}” is not a valid address.", email
                )
            )
        elif manager_email == email:
            errors.append(RowError(line, "A person cannot be their own manager.", email))
    if len(name) > 150:
        errors.append(RowError(line, "The name is longer than 150 characters.", email))
    if len(department) > 120:
        errors.append(RowError(line, "The department is longer than 120 characters.", email))
    if errors:
        return None, errors
    return ImportRow(line, email, name, role, department, manager_email), []


def parse_participants(data, *, seats_left=None, capacity=None):
    """Parse and check a participant CSV; return every row and every problem found.

    ``seats_left`` (how many more mentors and mentees the cohort takes) adds a check that the
    file fits; ``capacity`` only words that message. Nothing here touches the database.
    """
    text = decode(data)
    result = ParseResult()
    if not text.strip():
        result.errors.append(RowError(None, "The file is empty."))
        return result
    first_line = text.lstrip().splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header = None
    columns = []
    seen = {}  # e-mail -> first line it is on
    data_lines = 0
    try:
        for values in reader:
            line = reader.line_num - sum(v.count("\n") for v in values)
            if not any(value.strip() for value in values):
                continue
            if any(NUL in value for value in values):
                # PostgreSQL stores no NUL in text: refuse the line (or the header) by name
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
                    # Without the columns, the rows cannot be read: report the header only.
                    result.errors.extend(header_errors)
                    return result
                continue
            data_lines += 1
            if data_lines > MAX_ROWS:
                result.errors.append(
                    RowError(
                        None,
                        f"The file has more than {MAX_ROWS} people: split it into smaller files.",
                    )
                )
                return result
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
                result.errors.append(
                    RowError(
                        line,
                        f"The line has {len(values)} cells but the header names "
                        f"{len(columns)} columns.",
                        values[0].strip().lower() if values else "",
                    )
                )
                continue
            cells = dict(zip(columns, values, strict=False))
            row, errors = _check_row(line, cells)
            email = cells.get("email", "").strip().lower()
            if email in seen:
                errors.append(
                    RowError(
                        line,
                        f"{email} is already on line {seen[email]}: list each person once.",
                        email,
                    )
                )
            elif email:
                seen[email] = line
                result.emails.add(email)
            result.errors.extend(errors)
            if errors:
                continue
            result.rows.append(row)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, f"The file cannot be read as CSV: {exc}."))
        return result
    if header is None:
        result.errors.append(RowError(None, "The file is empty."))
        return result
    if data_lines == 0:
        result.errors.append(RowError(None, "The file has a header but no people."))
    if seats_left is not None and result.seated_count > seats_left:
        words = f" (capacity {capacity})" if capacity is not None else ""
        result.errors.append(
            RowError(
                None,
                f"The file has {result.seated_count} mentors and mentees, but the cohort has "
                f"{max(seats_left, 0)} place{'' if seats_left == 1 else 's'} left{words}. Raise "
                f"the cohort's capacity or import fewer people.",
            )
        )
    result.errors.sort(key=lambda error: error.line or 0)
    return result
