"""The competency taxonomy as CSV (P3): parse an upload, format an export. Pure: no database.

One line per competency, header ``area,competency,description``. An upload is checked as a
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


def parse_competency_csv(data):
    """Parse an uploaded file (bytes or text) into rows and per-line errors.

    Errors name the line as a spreadsheet shows it (the header is line 1). Blank lines are
    skipped. Competency names must be unique in the file, compared without case, because
    they are unique in the organisation and existing competencies are matched by name.
    """
    result = ParsedCompetencies()
    text = _decode(data)
    if text is None:
        result.errors.append(RowError(0, "The file is not UTF-8 text: save it as CSV UTF-8."))
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.errors.append(RowError(1, f"The file cannot be read as CSV ({exc})."))
        return result
    if header is None or not any(cell.strip() for cell in header):
        result.errors.append(RowError(0, "The file is empty."))
        return result
    normalised = tuple(cell.strip().lower() for cell in header)
    if normalised != HEADER:
        result.errors.append(
            RowError(
                1,
                "The first line must be the header “area,competency,description” "
                f"(found “{','.join(cell.strip() for cell in header)}”).",
            )
        )
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
