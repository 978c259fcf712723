"""import-events: CSV and XLSX files of events, re-imports, --verified, and every bad row
reported by number with nothing written."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker.events.importer import import_events
from tracker.events.models import Event, EventProvision, Source
from tracker.extensions import db
from tracker.models import Accord, AuditEvent
from tracker.tabular import TableError

HEADER = ("date,title,description,place_code,provision_codes,source_title,source_url,"
          "source_date,publisher,effect,source_kind")
GOOD = f"""{HEADER}
2019-03-03,Entrega de tierras en Tibú,300 hectáreas,54810,1.1.1;1.1.2,Informe ANT,https://example.org/ant,2019-03-05,Agencia Nacional de Tierras,advances;sets back,report
2019-04-10,Consejo territorial,Primera sesión,19050,1.1.3,Informe ANT,https://example.org/ant,2019-03-05,Agencia Nacional de Tierras,,report
2020-01-15,Decreto reglamentario,Publicado,,1.1.1,Diario Oficial 51.200,,2020-01-15,Imprenta Nacional,avanza,gazette
"""


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _events(demo) -> list[Event]:
    return db.session.scalars(select(Event).where(Event.accord_id == demo.id)
                              .order_by(Event.occurred_on)).all()


def test_a_good_file_creates_pending_events_with_links_and_shared_sources(demo):
    result = import_events(demo.slug, GOOD.encode(), "events.csv")
    assert (result.created, result.skipped) == (3, 0)
    first, second, third = _events(demo)
    assert first.review_state == "pending" and first.origin == "import"
    assert first.place.code == "54810" and third.place_id is None
    effects = {(link.provision.code, link.effect) for link in first.provision_links}
    assert effects == {("1.1.1", "advances"), ("1.1.2", "sets_back")}
    assert [(l.provision.code, l.effect) for l in second.provision_links] == [("1.1.3",
                                                                              "context")]
    assert [l.effect for l in third.provision_links] == ["advances"]
    assert first.source_links[0].source_id == second.source_links[0].source_id
    assert third.source_links[0].source.kind == "gazette"
    assert third.source_links[0].source.url is None
    assert _count(Source) == 2
    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.events"))
    assert summary.after["events"] == 3 and summary.after["state"] == "pending"


def test_effects_and_kinds_are_read_by_their_english_or_spanish_names(demo):
    """Every name the refusals list is read (accents and case aside), as are the codes."""
    text = GOOD.replace("advances;sets back,report", "Sin efecto en el nivel;no effect on "
                        "the level,Observacion de campo").replace(",,report", ",contexto,"
                                                                  "documento oficial")
    import_events(demo.slug, text.encode(), "events.csv")
    first, second, _third = _events(demo)
    assert {link.effect for link in first.provision_links} == {"no_effect"}
    assert first.source_links[0].source.kind == "field_observation"
    assert second.source_links[0].source.kind == "official_document"


def test_importing_the_same_file_again_writes_nothing(demo, row_counts):
    import_events(demo.slug, GOOD.encode(), "events.csv")
    before = row_counts()
    result = import_events(demo.slug, GOOD.encode(), "events.csv")
    assert (result.created, result.skipped) == (0, 3)
    assert row_counts() == before


def test_an_xlsx_file_with_date_cells(demo):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([date(2019, 3, 3), "Entrega", "x", "54810", "1.1.1", "Informe", "", None,
                  "ANT", "advances", ""])
    out = io.BytesIO()
    book.save(out)
    assert import_events(demo.slug, out.getvalue(), "events.xlsx").created == 1
    (event,) = _events(demo)
    assert event.occurred_on == date(2019, 3, 3)
    assert event.source_links[0].source.kind == "report"  # the default kind


def test_verified_bulk_load_is_recorded_and_audited_as_verified(demo, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import-events", demo.slug, str(path), "--verified"])
    assert result.exit_code == 0, result.output
    assert "created 3 event(s)" in result.output
    assert {e.review_state for e in _events(demo)} == {"verified"}
    assert {s.review_state for s in db.session.scalars(select(Source))} == {"verified"}
    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.events"))
    assert summary.after["state"] == "verified"
    assert summary.after["by"].startswith("command line")
    assert _count(AuditEvent, AuditEvent.action == "event.submit") == 3


def _bad_file() -> str:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    return f"""{HEADER}
2019-03-03,Fine row,x,54810,1.1.1,Informe,https://example.org/a,2019-03-05,ANT,advances,report
2019-03-03,Unknown code,x,54810,9.9.9,Informe,,,ANT,,
2019-03-03,Unknown place,x,99999,1.1.1,Informe,,,ANT,,
2016-01-01,Before signing,x,,1.1.1,Informe,,,ANT,,
{tomorrow},In the future,x,,1.1.1,Informe,,,ANT,,
03/03/2019,Day first,x,,1.1.1,Informe,,,ANT,,
2019-03-03,Odd effect,x,,1.1.1,Informe,,,ANT,helps,
2019-03-03,Too many effects,x,,1.1.1,Informe,,,ANT,advances;context,
2019-03-03,Odd kind,x,,1.1.1,Informe,,,ANT,,tweet
2019-03-03,Fine row,x,54810,1.1.2,Informe,,,ANT,,
2019-03-03,No source,x,,1.1.1,,,,ANT,,
2019-03-03,Bad link,x,,1.1.1,Informe,ftp://example.org,,ANT,,
"""


def test_every_bad_row_is_reported_by_number_and_nothing_is_written(demo, row_counts):
    before = row_counts()
    with pytest.raises(TableError) as refused:
        import_events(demo.slug, _bad_file().encode(), "events.csv")
    found = {e.row: str(e.message) for e in refused.value.errors}
    assert sorted(found) == list(range(3, 14))
    assert "unknown provision code(s) 9.9.9" in found[3]
    assert found[4] == "place_code: 99999 is not a known place code"
    assert found[5] == "date: the date is before the accord was signed"
    assert found[6] == "date: the date is in the future"
    assert found[7].startswith("date: ")
    assert "unknown effect 'helps': use one of advances, sets back" in found[8]
    assert "one per provision code" in found[9]
    assert "unknown kind 'tweet': use one of official document, gazette" in found[10]
    assert "repeats the event of row 2" in found[11]
    assert found[12] == "source_title: this field is required"
    assert found[13].startswith("source_url: ")
    assert row_counts() == before


def test_command_reports_bad_rows_and_unknown_accord(demo, runner, tmp_path, row_counts):
    path = tmp_path / "bad.csv"
    path.write_text(_bad_file(), encoding="utf-8")
    before = row_counts()
    result = runner.invoke(args=["import-events", demo.slug, str(path)])
    assert result.exit_code == 1
    assert "error: row 4: place_code: 99999 is not a known place code" in result.output
    assert "Nothing was written." in result.output
    result = runner.invoke(args=["import-events", "no-such-accord", str(path)])
    assert result.exit_code == 1 and "no accord with slug 'no-such-accord'" in result.output
    assert row_counts() == before


def test_a_reference_accord_takes_no_events(demo, row_counts):
    reference = db.session.scalar(select(Accord).where(Accord.kind == "reference"))
    before = row_counts()
    with pytest.raises(TableError, match="is a reference accord"):
        import_events(reference.slug, GOOD.encode(), "events.csv")
    assert row_counts() == before


def test_a_missing_column_is_refused_before_any_row(demo):
    with pytest.raises(TableError, match="missing column\\(s\\): publisher"):
        import_events(demo.slug, HEADER.replace(",publisher", "").encode() + b"\n", "e.csv")


def test_effects_per_code_and_a_cited_source_by_id(demo):
    """"code:effect" entries override the effect column; source_id cites a held source, with
    or without a new one beside it; an unknown id is a row error naming the column."""
    import_events(demo.slug, GOOD.encode(), "events.csv")
    held = db.session.scalar(select(Source).where(Source.title == "Informe ANT"))
    text = (f"{HEADER},source_id\n"
            "2019-05-01,Audiencia,x,,1.1.1:advances; 1.1.2:contexto; 1.1.3,,,,,sets back,,"
            f"{held.id}\n"
            "2019-05-02,Visita,x,,1.1.1,Acta,,2019-05-02,Personería,,field observation,"
            f"#{held.id}\n")
    assert import_events(demo.slug, text.encode(), "events.csv").created == 2
    titled = {e.title: e for e in _events(demo)}
    first, second = titled["Audiencia"], titled["Visita"]
    assert {(l.provision.code, l.effect) for l in first.provision_links} == {
        ("1.1.1", "advances"), ("1.1.2", "context"), ("1.1.3", "sets_back")}
    assert [l.source_id for l in first.source_links] == [held.id]
    assert sorted(l.source.title for l in second.source_links) == ["Acta", "Informe ANT"]
    with pytest.raises(TableError) as refused:
        import_events(demo.slug, f"{HEADER},source_id\n2019-05-03,Otra,x,,1.1.1,,,,,,,77777\n"
                      .encode(), "events.csv")
    assert [str(e) for e in refused.value.errors] == ["row 2: source_id: no source '77777'"]
    for typed in ("\u00b2", "abc"):  # "²" is a digit to str.isdigit, not a number
        with pytest.raises(TableError) as refused:
            import_events(demo.slug, f"{HEADER},source_id\n2019-05-03,Otra,x,,1.1.1,,,,,,,"
                          f"{typed}\n".encode(), "events.csv")
        assert [str(e) for e in refused.value.errors] == [
            f"row 2: source_id: no source '{typed}'"]


LANGUAGES = f"""{HEADER},language,title_translated
2019-03-03,Entrega de tierras en Tibú,300 hectáreas,54810,1.1.1,Informe ANT,,,ANT,,,es,Land handed over
2019-04-10,Consejo territorial,Primera sesión,19050,1.1.3,Informe ANT,,,ANT,,,Español,
2019-05-10,Council meets,First session,19050,1.1.3,Informe ANT,,,ANT,,,,
2019-06-10,Decree,Published,,1.1.1,Informe ANT,,,ANT,,,INGLÉS,
"""


def test_the_language_column_names_the_language_of_title_and_description(demo, runner,
                                                                          tmp_path):
    """By code or by name (accents and case aside); blank: the accord's original language."""
    path = tmp_path / "events.csv"
    path.write_text(LANGUAGES, encoding="utf-8")
    result = runner.invoke(args=["import-events", demo.slug, str(path)])
    assert result.exit_code == 0, result.output
    found = [(e.title, e.language, e.title_translated) for e in _events(demo)]
    assert found == [("Entrega de tierras en Tibú", "es", "Land handed over"),
                     ("Consejo territorial", "es", None), ("Council meets", "en", None),
                     ("Decree", "en", None)]


def test_an_unknown_language_is_reported_by_row_and_nothing_is_written(demo, row_counts):
    text = LANGUAGES.replace(",Español,", ",Klingon,")
    before = row_counts()
    with pytest.raises(TableError) as refused:
        import_events(demo.slug, text.encode(), "events.csv")
    found = {e.row: str(e.message) for e in refused.value.errors}
    assert found == {3: "language: unknown language 'Klingon': use one of English, Spanish"}
    assert row_counts() == before


def test_the_help_names_the_language_column(runner):
    result = runner.invoke(args=["import-events", "--help"])
    assert "language (of title and description: en or es; default the accord's" in \
        " ".join(result.output.split())


def test_an_unknown_effect_is_refused_at_the_column_it_was_typed_in(demo, row_counts):
    """"1.1.1:helps" is a problem of provision_codes, "helps" in effect one of effect:
    each named once, never at the other column."""
    header = ("date,title,description,place_code,provision_codes,source_title,source_url,"
              "source_date,publisher,effect\n")
    rows = ("2019-03-03,Inline,x,,1.1.1:helps,Informe,,,ANT,\n"
            "2019-03-03,In its column,x,,1.1.1,Informe,,,ANT,helps\n"
            "2019-03-03,Both,x,,1.1.1:helps; 1.1.2,Informe,,,ANT,worse\n")
    before = row_counts()
    with pytest.raises(TableError) as refused:
        import_events(demo.slug, (header + rows).encode(), "events.csv")
    found = {(e.row, str(e.message).split(": ")[0]): str(e.message)
             for e in refused.value.errors}
    assert sorted(found) == [(2, "provision_codes"), (3, "effect"), (4, "effect"),
                             (4, "provision_codes")]
    assert "unknown effect 'helps'" in found[2, "provision_codes"]
    assert "unknown effect 'worse'" in found[4, "effect"]
    assert row_counts() == before
