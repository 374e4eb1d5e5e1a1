"""Reading an outcome-events CSV (metrics/outcome_csv.py): no database."""

from datetime import date

from metrics.outcome_csv import MAX_ROWS, parse_outcomes

TODAY = date(2026, 12, 1)


def parse(text):
    return parse_outcomes(text, today=TODAY)


def messages(result):
    return [(e.line, e.message) for e in result.errors]


def test_a_good_file_is_read_with_every_spelling_of_an_event():
    result = parse(
        "E-mail;Event;Date;Department;Role\n"
        "Ana@Example.org;Role change;2026-03-01;Sales; Team  lead \n"
        "ben@example.org;department-change;2026-03-02;;\n"
        "ben@example.org;PROMOTED;2026-03-02;;\n"
        "\n;;;;\n"
        "cy@example.org;left;2026-12-01;;\n"
    )
    assert result.ok, messages(result)
    assert [(r.email, r.event) for r in result.rows] == [
        ("ana@example.org", "role_change"),
        ("ben@example.org", "department_change"),
        ("ben@example.org", "promoted"),
        ("cy@example.org", "left"),
    ]
    assert result.rows[0].role == "Team lead" and result.rows[0].department == "Sales"


def test_every_bad_row_is_named_by_its_line():
    result = parse(
        "email,event,date\n"
        "ok@example.org,hired,2026-01-05\n"
        "not-an-email,hired,2026-01-05\n"
        "x@example.org,fired,2026-01-05\n"
        "y@example.org,left,2026-12-02\n"
        "z@example.org,left,05/01/2026\n"
        "ok@example.org,Hired,2026-01-05\n"
        "w@example.org,,\n"
    )
    found = messages(result)
    assert [line for line, _ in found] == [3, 4, 5, 6, 7, 8, 8]
    assert "“not-an-email” is not a valid e-mail address." in found[0][1]
    assert "Unknown event “fired”" in found[1][1]
    assert "in the future" in found[2][1]
    assert "“05/01/2026” is not a date: write it as YYYY-MM-DD." in found[3][1]
    assert "already on line 2" in found[4][1]
    assert result.rows[0].line == 2 and len(result.rows) == 1


def test_only_the_yyyy_mm_dd_spelling_is_a_date():
    for text in ("20260105", "2026-W02-1", "2026-1-5", "2026-02-30"):
        result = parse(f"email,event,date\na@example.org,hired,{text}\n")
        assert "is not a date" in result.errors[0].message, text


def test_a_wrong_header_is_the_only_problem_reported():
    result = parse("email,kind,when\na@example.org,hired,2026-01-01\n")
    assert [e.line for e in result.errors] == [1, 1]
    assert "Missing columns: event, date." in result.errors[0].message
    assert "Unknown columns: kind, when." in result.errors[1].message


def test_a_file_without_a_header_says_so():
    result = parse("a@example.org,hired,2026-01-01\n")
    assert "The header line is missing." in result.errors[0].message


def test_empty_files_and_headers_without_rows():
    assert parse("").errors[0].message == "The file is empty."
    assert parse(b"\xef\xbb\xbf").errors[0].message == "The file is empty."
    assert parse("email,event,date\n").errors[0].message == "The file has a header but no events."


def test_extra_cells_and_nul_characters_are_refused_by_line():
    result = parse("email,event,date\na@example.org,hired,2026-01-01,extra\nb\x00,left,2026\n")
    assert [e.line for e in result.errors] == [2, 3]


def test_a_windows_1252_file_is_read():
    result = parse(
        "email,event,date,department\nzoe@example.org,hired,2026-01-01,Caf\xe9\n".encode("cp1252")
    )
    assert result.ok and result.rows[0].department == "Café"


def test_too_many_rows_is_refused_as_a_whole():
    lines = "".join(f"p{i}@example.org,hired,2026-01-01\n" for i in range(MAX_ROWS + 1))
    result = parse("email,event,date\n" + lines)
    assert result.errors[-1].line is None and "more than" in result.errors[-1].message
