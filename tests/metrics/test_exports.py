"""The CSV downloads' writer (X5): formula cells escaped, numbers kept, streamed."""

from datetime import date

from django.http import StreamingHttpResponse

from metrics.exports import cell, csv_response


def test_cells_a_spreadsheet_would_run_are_escaped():
    for text in ("=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert cell(text) == "'" + text
    assert cell("Ana =1") == "Ana =1"


def test_numbers_dates_and_nothing_are_written_as_people_read_them():
    assert cell(-3) == -3
    assert cell(0.25) == 0.25
    assert cell(None) == ""
    assert cell(True) == "yes"
    assert cell(date(2026, 3, 1)) == "2026-03-01"


def test_the_response_streams_a_header_then_every_row():
    response = csv_response("x.csv", ["Name", "Score"], iter([["=HYPERLINK()", -1], ["Ana", 2]]))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeffName,Score\r\n'=HYPERLINK(),-1\r\nAna,2\r\n"
