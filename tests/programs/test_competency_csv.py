"""The competency CSV: parsing an upload and formatting an export (pure, no database)."""

from programs.competency_csv import (
    DESCRIPTION_MAX,
    NAME_MAX,
    format_competency_csv,
    parse_competency_csv,
)

HEADER = "area,competency,description\r\n"


def messages(result):
    return [(e.line, e.message) for e in result.errors]


def test_a_good_file_gives_one_row_per_competency():
    text = HEADER + "Coaching craft,Cueing,Clear cues\r\nClient work,Client retention,\r\n"
    result = parse_competency_csv(text.encode())
    assert result.ok
    assert [(r.line, r.area, r.competency, r.description) for r in result.rows] == [
        (2, "Coaching craft", "Cueing", "Clear cues"),
        (3, "Client work", "Client retention", ""),
    ]


def test_a_byte_order_mark_blank_lines_and_spaces_are_forgiven():
    text = "\ufeffArea , Competency,DESCRIPTION\n\n  Leadership , Delegation ,  Hand it over \n\n"
    result = parse_competency_csv(text.encode("utf-8"))
    assert result.ok
    assert result.rows[0].area == "Leadership"
    assert result.rows[0].competency == "Delegation"
    assert result.rows[0].description == "Hand it over"
    assert result.rows[0].line == 3


def test_a_wrong_header_is_refused_on_line_one():
    result = parse_competency_csv(b"name,area\nCueing,Coaching\n")
    assert not result.ok and not result.rows
    assert messages(result)[0][0] == 1
    assert "area,competency,description" in messages(result)[0][1]


def test_a_missing_header_is_refused():
    result = parse_competency_csv(b"Coaching craft,Cueing,Clear cues\n")
    assert messages(result)[0][0] == 1


def test_an_empty_file_and_a_header_only_file_are_refused():
    assert "empty" in messages(parse_competency_csv(b""))[0][1]
    assert "no competencies" in messages(parse_competency_csv(HEADER.encode()))[0][1]


def test_every_bad_line_is_reported_with_its_number():
    long_name = "x" * (NAME_MAX + 1)
    text = (
        HEADER
        + "Coaching craft,,No name\r\n"  # 2: empty name
        + ",Cueing,No area\r\n"  # 3: empty area
        + f"Coaching craft,{long_name},\r\n"  # 4: too long
        + "Coaching craft,Session flow,\r\n"  # 5: fine
        + "Leadership,session FLOW,\r\n"  # 6: duplicate of line 5
        + f"Leadership,Delegation,{'d' * (DESCRIPTION_MAX + 1)}\r\n"  # 7: description too long
        + "Leadership,Feedback,one,two\r\n"  # 8: too many columns
    )
    result = parse_competency_csv(text.encode())
    assert not result.ok
    lines = [line for line, _ in messages(result)]
    assert lines == [2, 3, 4, 6, 7, 8]
    text_of = dict(messages(result))
    assert "name is empty" in text_of[2]
    assert "area is empty" in text_of[3]
    assert f"longer than {NAME_MAX}" in text_of[4]
    assert "line 5" in text_of[6]
    assert "description" in text_of[7]
    assert "columns" in text_of[8]
    assert [r.competency for r in result.rows] == ["Session flow"]


def test_a_quoted_description_with_commas_and_line_breaks_is_one_cell():
    text = HEADER + 'Client work,Client retention,"Checks in, adapts,\nkeeps them"\r\n'
    result = parse_competency_csv(text.encode())
    assert result.ok
    assert result.rows[0].description == "Checks in, adapts,\nkeeps them"


def test_a_file_that_is_not_utf8_is_refused_as_a_whole():
    result = parse_competency_csv(
        "area,competency,description\nLeadership,Délégation,\n".encode("utf-16")
    )
    assert messages(result)[0][0] == 0
    assert "UTF-8" in messages(result)[0][1]


def test_trailing_empty_columns_are_allowed():
    result = parse_competency_csv((HEADER + "Leadership,Delegation,,,\r\n").encode())
    assert result.ok


def test_export_writes_the_header_and_rows_and_reads_back_the_same():
    rows = [
        ("Coaching craft", "Cueing", "Clear, timely cues"),
        ("Client work", "Client retention", ""),
    ]
    text = format_competency_csv(rows)
    assert text.startswith(HEADER)
    parsed = parse_competency_csv(text)
    assert [(r.area, r.competency, r.description) for r in parsed.rows] == rows


def test_export_defuses_spreadsheet_formulas_and_import_restores_them():
    rows = [("Operations", '=HYPERLINK("http://evil")', "-2 levels"), ("Ops", "@risk", "+1")]
    text = format_competency_csv(rows)
    assert "'=HYPERLINK" in text and "'-2 levels" in text and "'@risk" in text
    parsed = parse_competency_csv(text)
    assert [(r.area, r.competency, r.description) for r in parsed.rows] == rows


def test_the_level_scale_file_round_trips_and_is_told_apart():
    from programs.competency_csv import format_level_csv, is_level_file, parse_level_csv

    text = format_level_csv([(1, "Aware", "=knows"), (5, "Expert", "Teaches it")])
    assert is_level_file(text.encode()) and not is_level_file(HEADER.encode())
    result = parse_level_csv(("\ufeff" + text).encode("utf-8"))
    assert result.ok
    assert [(r.line, r.value, r.name, r.description) for r in result.rows] == [
        (2, 1, "Aware", "=knows"),
        (3, 5, "Expert", "Teaches it"),
    ]
    [(line, message)] = messages(parse_level_csv(b"level,name\n1,A\n"))
    assert line == 1 and "level,name,description" in message and "found" in message
