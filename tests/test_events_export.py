"""The events feed as CSV and XLSX files: the feed's filters, hand-computed rows, review
states by role, formula-safe text, and the links from the feed page."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from test_events_feed import placed  # noqa: F401 (the five placed events)

from tracker.events.services import review_event, submit_event
from event_helpers import event_input, new_source

BASE = "/accords/colombia-2016-demo/events"


def _csv(client, query: str = "") -> list[dict]:
    response = client.get(f"{BASE}.csv?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def _xlsx_rows(client, query: str = "", **headers) -> tuple[list, list[tuple]]:
    response = client.get(f"{BASE}.xlsx?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    return book.sheetnames, rows


def test_csv_has_every_matching_event_as_computed_by_hand(client, demo, placed):  # noqa: F811
    p = [x.code for x in demo.provisions[:4]]
    rows = _csv(client)
    assert [r["title"] for r in rows] == ["E3", "E2", "E1"]
    e1 = rows[2]
    assert e1["event_id"] == str(placed["E1"].id)
    assert e1["date"] == "2018-05-01" and e1["end_date"] == ""
    assert (e1["place_code"], e1["place"], e1["place_parent"]) == \
        ("54810", "Tibú", "Norte de Santander")
    assert e1["provisions"] == f"{p[0]}:advances; {p[1]}:sets_back"
    assert e1["source_titles"] == "S1" and e1["review_state"] == "verified"
    assert e1["source_urls"] == "https://example.org/informe.pdf"
    assert e1["title_en"] == "E1" and e1["title_es"] == ""
    assert [r["title"] for r in _csv(client, "place=54")] == ["E1"]
    assert [r["title"] for r in _csv(client, "group=CATATUMBO")] == ["E1"]
    assert [r["title"] for r in _csv(client, "effect=advances")] == ["E3", "E1"]
    assert [r["title"] for r in _csv(client, f"provision={p[1]}&from=2019-01-01")] == ["E2"]
    assert [r["title"] for r in _csv(client, "source_kind=gazette")] == ["E3"]
    assert _csv(client, "place=05") == []


def test_review_states_in_files_are_for_those_with_a_role(client, demo, placed,  # noqa: F811
                                                         make_user, login):
    assert client.get(f"{BASE}.csv?review_state=all").status_code == 403
    assert client.get(f"{BASE}.xlsx?review_state=pending").status_code == 403
    login(make_user("coordinator", demo))
    rows = _csv(client, "review_state=all")
    assert [(r["title"], r["review_state"]) for r in rows] == [
        ("E5", "rejected"), ("E4", "pending"), ("E3", "verified"), ("E2", "verified"),
        ("E1", "verified")]


def test_bad_parameters_are_named_and_paging_is_not_a_file_parameter(client, placed):  # noqa: F811
    for query, fragment in (("place=99999", "known place code"),
                            ("effect=helps", "must be one of"), ("page=2", "nknown parameter"),
                            ("from=2020-01-01&to=2019-01-01", "is after")):
        for ext in ("csv", "xlsx"):
            response = client.get(f"{BASE}.{ext}?{query}")
            assert response.status_code == 400, (ext, query)
            assert fragment in response.get_data(as_text=True), (ext, query)


def test_text_is_never_evaluated(client, demo):
    event = submit_event(event_input(demo, title="=HYPERLINK(\"http://x\")",
                                     description="+1+1", actors="@actors",
                                     sources=[new_source(title="-2", attachment=None)]))
    review_event(event, "verified", "")
    (row,) = _csv(client)
    assert row["title"] == "'=HYPERLINK(\"http://x\")" and row["description"] == "'+1+1"
    assert row["actors"] == "'@actors" and row["source_titles"] == "'-2"
    _names, rows = _xlsx_rows(client)
    header, first = rows[0], rows[1]
    assert first[header.index("Title")] == "=HYPERLINK(\"http://x\")"
    assert first[header.index("Description")] == "+1+1"


def test_workbook_in_spanish_with_its_about_sheet(client, demo, placed):  # noqa: F811
    names, rows = _xlsx_rows(client, "effect=sets_back", **{"Accept-Language": "es"})
    assert names[1] == "Eventos"
    header = rows[0]
    assert header[:4] == ("Evento", "Fecha", "Fecha de fin", "Título")
    (e1,) = rows[1:]
    assert e1[1].date() == date(2018, 5, 1)
    p = [x.code for x in demo.provisions[:2]]
    assert e1[header.index("Disposiciones (código:efecto)")] == \
        f"{p[0]}:avanza; {p[1]}:retrocede"
    assert e1[header.index("Estado de revisión")] == "verificado"


def test_the_feed_page_links_its_files_with_its_filters(client, placed):  # noqa: F811
    page = client.get(f"{BASE}?effect=advances&page=1").get_data(as_text=True)
    assert f'href="{BASE}.csv?effect=advances"' in page
    assert f'href="{BASE}.xlsx?effect=advances"' in page


def _report_sheets(client, query: str) -> dict[str, list[tuple]]:
    response = client.get(f"/accords/colombia-2016-demo/report.xlsx?{query}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True))
            for name in ("Events", "Sources")}


def test_report_workbook_has_events_and_sources_verified_for_the_public(client, demo,  # noqa: F811
                                                                       placed, make_user,
                                                                       login):
    sheets = _report_sheets(client, "as_of=2021-06-30")
    events, sources = sheets["Events"], sheets["Sources"]
    assert [r[events[0].index("Title")] for r in events[1:]] == ["E3", "E2", "E1"]
    head = sources[0]
    assert [(r[head.index("Title")], r[head.index("Events citing it")],
             r[head.index("Review state")]) for r in sources[1:]] == [
        ("S1 [ES]", 1, "verified"), ("S2 [ES]", 1, "verified"), ("S3 [ES]", 1, "verified")]
    s1 = sources[1]
    assert s1[head.index("File type")] == "application/pdf"
    assert s1[head.index("Kind")] == "report" and s1[head.index("Shared by every accord")] == "no"
    earlier = _report_sheets(client, "as_of=2019-12-31")
    assert [r[3] for r in earlier["Events"][1:]] == ["E2", "E1"]
    assert [r[1] for r in earlier["Sources"][1:]] == ["S1 [ES]", "S2 [ES]"]  # Spanish sources
    login(make_user("coordinator", demo))
    inside = _report_sheets(client, "as_of=2021-06-30")
    head = inside["Events"][0]
    assert [(r[head.index("Title")], r[head.index("Review state")])
            for r in inside["Events"][1:]] == [("E5", "rejected"), ("E4", "pending"),
                                               ("E3", "verified"), ("E2", "verified"),
                                               ("E1", "verified")]
    assert [r[1] for r in inside["Sources"][1:]] == [f"S{n} [ES]" for n in range(1, 6)]


def test_the_about_sheet_names_the_filters_as_the_page_does(client, demo, placed):  # noqa: F811
    response = client.get(f"{BASE}.xlsx?effect=sets_back&from=2018-01-01",
                          headers={"Accept-Language": "es"})
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    about = {row[0]: row[1] for row in book[book.sheetnames[0]].iter_rows(values_only=True)}
    filters = next(value for key, value in about.items() if key == "Filtros")
    assert "«Efecto»: retrocede" in filters and "«Desde»: " in filters, filters
    assert "effect" not in filters and "sets_back" not in filters and "=" not in filters
