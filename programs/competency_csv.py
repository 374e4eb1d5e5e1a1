"""The competency taxonomy as CSV (P3): parse an upload, format an export. Pure: no database.

One line per competency, header ``area,competency,description`` (the level scale has its own
file: ``level,name,description``). An upload is checked as a
whole and every bad line is reported with its line number, so the service can apply all rows
or none. Export and import round-trip: a cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@`` first) is written with a leading apostrophe, and the apostrophe is
taken off again on import (OWASP's advice against CSV injection).
"""

import csv
import io
from dataclasses import dataclass, field

HEADER = ("area", "competency", "description")
AREA_MAX = 100  # CompetencyArea.name
NAME_MAX = 120  # Competency.name
DESCRIPTION_MAX = 1000
MAX_ROWS = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CompetencyRow:
    line: int
    area: str
    competency: str
    description: str


@dataclass(frozen=True)
class RowError:
    line: int  # 0: the file as a whole
    message: str


@dataclass
class ParsedCompetencies:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and bool(self.rows)


def _decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _unescape(cell):
    cell = cell.strip()
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_PREFIXES:
        return cell[1:]
    return cell


def _escape(cell):
    cell = cell or ""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _open(data, header, result):
    """A CSV reader past the file's header line, or None with the reason in ``result``:
    not UTF-8, not CSV, empty, or a first line other than ``header``."""
    text = _decode(data)
    if text is None:
        result.errors.append(RowError(0, "The file is not UTF-8 text: save it as CSV UTF-8."))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        found = next(reader, None)
    except csv.Error as exc:
        result.errors.append(RowError(1, f"The file cannot be read as CSV ({exc})."))
        return None
    if found is None or not any(cell.strip() for cell in found):
        result.errors.append(RowError(0, "The file is empty."))
        return None
    if tuple(cell.strip().lower() for cell in found) != header:
        result.errors.append(
            RowError(
                1,
                f"The first line must be the header “{','.join(header)}” "
                f"(found “{','.join(cell.strip() for cell in found)}”).",
            )
        )
        return None
    return reader


def parse_competency_csv(data):
    """Parse an uploaded file (bytes or text) into rows and per-line errors.

    Errors name the line as a spreadsheet shows it (the header is line 1). Blank lines are
    skipped. Competency names must be unique in the file, compared without case, because
    they are unique in the organisation and existing competencies are matched by name.
    """
    result = ParsedCompetencies()
    reader = _open(data, HEADER, result)
    if reader is None:
        return result
    seen = {}
    count = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                result.errors.append(
                    RowError(line, f"The file has more than {MAX_ROWS} competencies.")
                )
                break
            row_errors = _check_row(cells, line, seen)
            if row_errors:
                result.errors.extend(row_errors)
                continue
            area, name, description = (_unescape(cell) for cell in (cells + ["", ""])[:3])
            seen[name.casefold()] = line
            result.rows.append(CompetencyRow(line, area, name, description))
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, f"The line cannot be read ({exc})."))
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "The file has a header but no competencies."))
    return result


def _check_row(cells, line, seen):
    if len(cells) > len(HEADER):
        extra = [cell for cell in cells[len(HEADER) :] if cell.strip()]
        if extra:
            return [
                RowError(
                    line,
                    f"{len(cells)} columns, expected 3: put a description with commas "
                    "in double quotes.",
                )
            ]
    area, name, description = (_unescape(cell) for cell in (cells + ["", ""])[:3])
    errors = []
    if not area:
        errors.append(RowError(line, "The area is empty."))
    elif len(area) > AREA_MAX:
        errors.append(RowError(line, f"The area is longer than {AREA_MAX} characters."))
    if not name:
        errors.append(RowError(line, "The competency's name is empty."))
    elif len(name) > NAME_MAX:
        errors.append(
            RowError(line, f"The competency's name is longer than {NAME_MAX} characters.")
        )
    elif name.casefold() in seen:
        errors.append(
            RowError(line, f"“{name}” is already on line {seen[name.casefold()]} of the file.")
        )
    if len(description) > DESCRIPTION_MAX:
        errors.append(
            RowError(line, f"The description is longer than {DESCRIPTION_MAX} characters.")
        )
    return errors


def format_competency_csv(rows):
    """Write ``(area, competency, description)`` tuples as CSV text with the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for area, name, description in rows:
        writer.writerow([_escape(area), _escape(name), _escape(description)])
    return out.getvalue()


# --- the level scale: one line per step, header ``level,name,description`` ------------------

LEVEL_HEADER = ("level", "name", "description")
LEVEL_MIN, LEVEL_MAX = 1, 5  # CompetencyLevel.value
LEVEL_NAME_MAX = 60  # CompetencyLevel.name
LEVEL_DESCRIPTION_MAX = 200  # CompetencyLevel.description


@dataclass(frozen=True)
class LevelRow:
    line: int
    value: int
    name: str
    description: str


def is_level_file(data):
    """Whether an upload's first line is the level scale's header (not the competencies')."""
    text = _decode(data)
    if not text:
        return False
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return tuple(cell.strip().lower() for cell in first) == LEVEL_HEADER


def parse_level_csv(data):
    """Parse an uploaded level scale into rows and per-line errors (the header is line 1)."""
    result = ParsedCompetencies()
    reader = _open(data, LEVEL_HEADER, result)
    if reader is None:
        return result
    try:
        seen = {}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row, errors = _level_row(cells, line, seen)
            result.errors.extend(errors)
            if row is not None:
                seen[row.value] = line
                result.rows.append(row)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, f"The line cannot be read ({exc})."))
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "The file has a header but no levels."))
    return result


def _level_row(cells, line, seen):
    if any(cell.strip() for cell in cells[len(LEVEL_HEADER) :]):
        return None, [RowError(line, f"{len(cells)} columns, expected 3.")]
    raw, name, description = (_unescape(cell) for cell in (cells + ["", ""])[:3])
    errors = []
    value = int(raw) if raw.isdigit() else None
    if value is None or not LEVEL_MIN <= value <= LEVEL_MAX:
        errors.append(
            RowError(line, f"The level “{raw}” is not a whole number from 1 to {LEVEL_MAX}.")
        )
    elif value in seen:
        errors.append(RowError(line, f"Level {value} is already on line {seen[value]}."))
    if not name:
        errors.append(RowError(line, "The level's name is empty."))
    elif len(name) > LEVEL_NAME_MAX:
        errors.append(RowError(line, f"The name is longer than {LEVEL_NAME_MAX} characters."))
    if len(description) > LEVEL_DESCRIPTION_MAX:
        errors.append(
            RowError(line, f"The description is longer than {LEVEL_DESCRIPTION_MAX} characters.")
        )
    if errors:
        return None, errors
    return LevelRow(line, value, name, description), []


def format_level_csv(rows):
    """Write ``(value, name, description)`` tuples as CSV text with the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LEVEL_HEADER)
    for value, name, description in rows:
        writer.writerow([value, _escape(name), _escape(description)])
    return out.getvalue()
