"""The participant CSV parser (programs/csv_import.py): pure, no database."""

from programs.csv_import import EXAMPLE_CSV, MAX_ROWS, ImportRow, parse_participants

HEADER = "email,name,role,department,manager_email\n"


def _messages(result):
    return [(error.line, error.message) for error in result.errors]


def test_a_good_file_gives_every_row_cleaned():
    data = (
        HEADER
        + "Priya.Nair@Example.org, Priya  Nair ,Mentor,Coaching,\n"
        + "tomasz@example.org,Tomasz Kowalski,mentee,Coaching,priya.nair@example.org\n"
        + "jonas@example.org,Jonas Berg,facilitator,,\n"
    ).encode()

    result = parse_participants(data)

    assert result.ok, _messages(result)
    assert result.rows == [
        ImportRow(2, "priya.nair@example.org", "Priya Nair", "mentor", "Coaching", ""),
        ImportRow(
            3,
            "tomasz@example.org",
            "Tomasz Kowalski",
            "mentee",
            "Coaching",
            "priya.nair@example.org",
        ),
        ImportRow(4, "jonas@example.org", "Jonas Berg", "facilitator", "", ""),
    ]
    assert result.seated_count == 2  # facilitators take no place


def test_the_example_file_parses():
    result = parse_participants(EXAMPLE_CSV.encode())
    assert result.ok
    assert len(result.rows) == 4


def test_only_the_required_columns_are_enough_and_order_is_free():
    result = parse_participants(b"role,email,name\nmentee,a@example.org,Ann\n")
    assert result.ok
    assert result.rows[0].email == "a@example.org"
    assert result.rows[0].role == "mentee"


def test_header_names_ignore_case_spaces_and_hyphens():
    result = parse_participants(b"E-mail,Name,Role,Manager email\na@example.org,A,mentee,\n")
    assert result.ok, _messages(result)


def test_a_missing_column_is_refused_on_line_1():
    result = parse_participants(b"email,name\na@example.org,Ann\n")
    assert not result.ok
    assert result.rows == []
    assert _messages(result)[0][0] == 1
    assert "Missing column: role" in result.errors[0].message


def test_an_unknown_column_is_refused_by_name():
    result = parse_participants(b"email,name,role,shoe size\na@example.org,A,mentee,42\n")
    assert not result.ok
    assert "Unknown column: shoe size" in result.errors[0].message


def test_a_file_without_a_header_says_so():
    result = parse_participants(b"a@example.org,Ann,mentee\n")
    assert not result.ok
    assert "header line is missing" in result.errors[0].message


def test_a_bad_email_is_refused_with_its_line():
    result = parse_participants(
        (HEADER + "a@example.org,A,mentee,,\nnot-an-email,B,mentee,,\n").encode()
    )
    assert _messages(result) == [(3, "“not-an-email” is not a valid e-mail address.")]
    assert [row.line for row in result.rows] == [2]


def test_a_missing_email_is_refused():
    result = parse_participants((HEADER + ",Ann,mentee,,\n").encode())
    assert _messages(result) == [(2, "The e-mail address is missing.")]


def test_an_unknown_role_is_refused_naming_the_roles():
    result = parse_participants((HEADER + "a@example.org,A,coach,,\n").encode())
    assert _messages(result) == [(2, "Unknown role “coach”: use mentor, mentee or facilitator.")]


def test_a_bad_manager_email_and_being_ones_own_manager_are_refused():
    data = (
        HEADER + "a@example.org,A,mentee,,boss-at-example\nb@example.org,B,mentee,,B@example.org\n"
    )
    result = parse_participants(data.encode())
    assert [line for line, _ in _messages(result)] == [2, 3]
    assert "manager's e-mail" in result.errors[0].message
    assert "own manager" in result.errors[1].message


def test_a_duplicate_person_is_refused_naming_the_first_line():
    data = (
        HEADER + "a@example.org,A,mentee,,\nb@example.org,B,mentor,,\nA@Example.org,A2,mentor,,\n"
    )
    result = parse_participants(data.encode())
    assert _messages(result) == [(4, "a@example.org is already on line 2: list each person once.")]


def test_every_bad_row_is_listed_not_only_the_first():
    data = (
        HEADER
        + "bad,A,mentee,,\n"
        + "b@example.org,B,boss,,\n"
        + "c@example.org,C,mentee,,\n"
        + "c@example.org,C,mentee,,\n"
    )
    result = parse_participants(data.encode())
    assert [line for line, _ in _messages(result)] == [2, 3, 5]


def test_empty_lines_and_lines_of_separators_are_skipped_but_counted():
    data = HEADER + "\na@example.org,A,mentee,,\n,,,,\n\nb@example.org,B,mentee,,\n\n"
    result = parse_participants(data.encode())
    assert result.ok
    # Line numbers are the file's own, blank lines included: what a spreadsheet shows.
    assert [row.line for row in result.rows] == [3, 6]


def test_a_header_without_people_is_refused():
    result = parse_participants(HEADER.encode() + b"\n\n")
    assert _messages(result) == [(None, "The file has a header but no people.")]


def test_an_empty_file_is_refused():
    assert _messages(parse_participants(b"")) == [(None, "The file is empty.")]
    assert _messages(parse_participants(b"  \r\n ")) == [(None, "The file is empty.")]


def test_a_byte_order_mark_is_ignored():
    data = "\ufeff" + HEADER + "a@example.org,Ann,mentee,,\n"
    result = parse_participants(data.encode("utf-8"))
    assert result.ok, _messages(result)
    assert result.rows[0].email == "a@example.org"


def test_windows_newlines_work_and_keep_line_numbers():
    data = (HEADER + "a@example.org,A,mentee,,\nbad,B,mentee,,\n").replace("\n", "\r\n")
    result = parse_participants(data.encode())
    assert _messages(result) == [(3, "“bad” is not a valid e-mail address.")]


def test_a_quoted_name_over_two_lines_keeps_the_next_line_numbers_right():
    data = HEADER + 'a@example.org,"Ann\nMarie",mentee,,\nbad,B,mentee,,\n'
    result = parse_participants(data.encode())
    assert result.rows[0].name == "Ann Marie"
    assert _messages(result) == [(4, "“bad” is not a valid e-mail address.")]


def test_semicolons_from_european_spreadsheets_work():
    result = parse_participants(b"email;name;role\na@example.org;Ann;mentee\n")
    assert result.ok, _messages(result)


def test_a_windows_1252_file_is_read():
    data = (HEADER + "jose@example.org,José Núñez,mentee,,\n").encode("cp1252")
    result = parse_participants(data)
    assert result.ok
    assert result.rows[0].name == "José Núñez"


def test_more_cells_than_columns_is_refused():
    result = parse_participants(b"email,name,role\na@example.org,A,mentee,extra\n")
    assert _messages(result)[0][0] == 2
    assert "4 cells" in result.errors[0].message


def test_too_many_people_for_the_places_left():
    data = (
        HEADER
        + "a@example.org,A,mentee,,\nb@example.org,B,mentor,,\nc@example.org,C,facilitator,,\n"
    )
    result = parse_participants(data.encode(), seats_left=1, capacity=10)
    assert _messages(result) == [
        (
            None,
            "The file has 2 mentors and mentees, but the cohort has 1 place left (capacity 10). "
            "Raise the cohort's capacity or import fewer people.",
        )
    ]
    assert parse_participants(data.encode(), seats_left=2).ok


def test_too_many_rows_is_refused():
    rows = "".join(f"p{i}@example.org,P,mentee,,\n" for i in range(MAX_ROWS + 1))
    result = parse_participants((HEADER + rows).encode())
    assert any(f"more than {MAX_ROWS}" in e.message for e in result.errors)


def test_every_email_of_the_file_is_known_even_on_bad_rows():
    data = HEADER + "a@example.org,A,boss,,\nb@example.org,B,mentee,,a@example.org\n"
    result = parse_participants(data.encode())
    assert result.emails == {"a@example.org", "b@example.org"}


# --- issue 8: an empty name and a NUL character are refused, naming the line ---------------


def test_an_empty_name_is_refused_naming_the_line():
    data = "email,name,role\nana@example.org,Ana,mentee\nken@example.org, ,mentor\n"
    result = parse_participants(data)
    assert not result.ok
    assert [(e.line, e.message) for e in result.errors] == [(3, "The name is missing.")]


def test_a_nul_character_is_refused_naming_the_line():
    result = parse_participants("email,name,role\nana@example.org,An\x00a,mentee\n")
    assert not result.ok
    assert [e.line for e in result.errors] == [2]
    assert "NUL" in result.errors[0].message
    assert not result.rows


def test_a_nul_character_in_the_header_is_refused():
    result = parse_participants("email,na\x00me,role\nana@example.org,Ana,mentee\n")
    assert not result.ok
    assert result.errors[0].line == 1
    assert "NUL" in result.errors[0].message
