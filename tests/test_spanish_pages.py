"""Spanish pages hold no English: reasons for refusals (accounts, permissions), the audit
log's field names and roles, point titles marked with the language they exist in, counts
agreeing with their nouns; and every figure of a kind is written in one format."""
from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from test_spanish_figures import visible_text
from tracker import i18n
from tracker.accounts import AccountError, create_user, grant_role
from tracker.cutoffs import services as cutoff_services
from tracker.excel import columns as C
from tracker.extensions import db
from tracker.models import Accord, Section

SLUG = "colombia-2016-demo"
ES = {"Accept-Language": "es"}
PASSWORD = "a long enough password"

#: English that must not appear on a Spanish page (as words of the interface).
ENGLISH = ("already exists", "not an email address", "Only administrators",
           "You do not have permission", "Organization", "organization", "published at",
           "Published at", "supersedes", "Supersedes", "viewer", "coordinator",
           "administrator", "by month", "provisions", "Score", "score", "Change in score",
           "percentage points", "reference accords", "names no cut-off", "Bad request")
#: A count of one with a plural noun, in either language.
ONE_WITH_PLURAL = re.compile(r"(?<![\d.,])1 (disposiciones|acuerdos|meses|registros|tipos|"
                             r"provisions|accords|months|records|types)\b")


def _english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", text)]


@pytest.fixture
def published(demo):
    """Two cut-offs of the demo accord (the second supersedes nothing, follows the first); its
    first point has no Spanish title, so Spanish pages must mark it [EN]."""
    db.session.scalar(select(Section).where(Section.accord_id == demo.id, Section.code == "1",
                                            Section.parent_id.is_(None))).title_translated = None
    cutoff_services.publish(demo, "Informe 1", date(2019, 12, 31), "primero")
    cutoff_services.publish(demo, "Informe 2", date(2023, 12, 31), "segundo")
    return demo


def _point_titles(accord: Accord) -> list[str]:
    """The titles of the accord's points held in English only."""
    return list(db.session.scalars(select(Section.title).where(
        Section.accord_id == accord.id, Section.parent_id.is_(None),
        Section.title_translated.is_(None)).order_by(Section.code)))


# --- reasons -----------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "spanish"), [
    (lambda: create_user("not-an-email", PASSWORD, role="viewer"),
     "no es una dirección de correo electrónico"),
    (lambda: create_user("x@example.org", "short", role="viewer"), "al menos 10 caracteres"),
    (lambda: create_user("x@example.org", PASSWORD, role="owner"), "rol desconocido"),
    (lambda: create_user("x@example.org", PASSWORD, role="viewer", accord_slug="nope"),
     "no hay ningún acuerdo con el identificador"),
    (lambda: create_user("x@example.org", PASSWORD, role="viewer", section_code="1"),
     "un alcance de sección necesita un acuerdo"),
    (lambda: create_user("x@example.org", PASSWORD, role="admin", accord_slug=SLUG),
     "la administración tiene su rol sobre todo"),
    (lambda: grant_role("nobody@example.org", "viewer"), "no hay ningún usuario con el correo"),
])
def test_every_account_refusal_reads_in_spanish_and_english(app, demo, call, spanish):
    with pytest.raises(AccountError) as refused:
        call()
    english = str(refused.value)
    assert english and english.isascii() and spanish not in english  # the command line
    with app.test_request_context("/"), force_locale("es"):
        shown = i18n.translate(refused.value.reason)
    assert spanish in shown and shown != english


def test_a_duplicate_account_and_a_repeated_grant_read_in_spanish(app, demo):
    create_user("ana@example.org", PASSWORD, role="viewer")
    for call in (lambda: create_user("ana@example.org", PASSWORD, role="viewer"),
                 lambda: grant_role("ana@example.org", "viewer")):
        with pytest.raises(AccountError) as refused:
            call()
        with app.test_request_context("/"), force_locale("es"):
            shown = i18n.translate(refused.value.reason)
        assert re.search(r"ya existe|ya está otorgado", shown), shown


def test_a_weaker_role_beside_a_stronger_one_reads_in_spanish(app, demo):
    create_user("ana@example.org", PASSWORD, role="coordinator", accord_slug=SLUG)
    with pytest.raises(AccountError) as refused:
        grant_role("ana@example.org", "viewer", accord_slug=SLUG)
    with app.test_request_context("/"), force_locale("es"):
        shown = i18n.translate(refused.value.reason)
    assert shown == (f"ana@example.org ya tiene el rol de coordinación sobre {SLUG}, que "
                     "incluye este: revóquelo primero para darle un rol menor"), shown


@pytest.mark.parametrize("path, spanish", [
    (f"/accords/{SLUG}/charts/status.svg?size=huge", "debe ser uno de estos valores"),
    (f"/api/v1/accords/{SLUG}/provisions/9.9/events", "No existe la disposición '9.9'"),
    (f"/api/v1/accords/{SLUG}/events/99999999999999999999999", "No hay nada en esta"),
    ("/api/v1/accords/nope/events", "No hay ningún acuerdo 'nope'"),
])
def test_refusals_of_charts_and_the_api_read_in_spanish(client, demo, path, spanish):
    """They answered in English whatever the reader's language."""
    answer = client.get(path, headers=ES)
    assert answer.status_code in (400, 404)
    text = answer.get_json()["message"] if answer.is_json else html.unescape(
        answer.get_data(as_text=True))
    assert spanish in text, text[:300]


def test_the_accounts_page_refuses_in_spanish(client, make_user, login):
    login(make_user("admin"))
    client.post("/language/es")
    form = {"email": "ana@example.org", "password": PASSWORD, "role": "viewer"}
    assert client.post("/admin/users", data=form).status_code == 303
    again = client.post("/admin/users", data=form)
    assert again.status_code == 409  # a conflict with the account stored
    text = visible_text(again.get_data(as_text=True))
    assert "ya existe un usuario con el correo ana@example.org" in text
    assert _english_in(text) == []


def test_permission_refusals_read_in_spanish(app, client, make_user, login):
    from werkzeug.exceptions import Forbidden

    from tracker.permissions import require

    with app.test_request_context("/"), force_locale("es"):
        with pytest.raises(Forbidden) as refused:
            require(False)
    assert refused.value.description == "No tiene permiso para hacer esto."
    login(make_user("viewer"))
    page = client.get("/admin/users", headers=ES)
    assert page.status_code == 403
    text = visible_text(page.get_data(as_text=True))
    assert "Solo la administración puede hacer esto." in text and _english_in(text) == []
    api = client.get("/api/v1/accords/nope/summary", headers=ES)
    assert api.status_code == 404 and "no hay ningún acuerdo 'nope'" in api.get_json()["message"]
    missing = client.get("/accords/nope", headers=ES)
    assert missing.status_code == 404 and "No hay ningún acuerdo 'nope' aquí." in visible_text(
        missing.get_data(as_text=True))


# --- the page walker ---------------------------------------------------------------------

def _walked(slug: str, reference: str) -> list[str]:
    base = f"/accords/{slug}"
    return [f"{base}/dashboard", f"{base}/dashboard?section=1", f"{base}/cutoffs",
            f"{base}/cutoffs/Informe 2", f"{base}/cutoffs/Informe 2/changes", f"{base}/changes",
            f"{base}/cutoffs/Informe 2/brief", f"{base}/brief", "/admin/audit", "/admin/users",
            f"/reference/{reference}", "/reference"]


def test_spanish_pages_hold_no_english_and_mark_point_titles(client, published, make_user,
                                                             login):
    admin = login(make_user("admin"))
    create_user("ana@example.org", PASSWORD, role="coordinator", org_name="Misión",
                accord_slug=SLUG)
    cutoff_services.publish(published, "Informe 3", date(2024, 6, 30),
                            supersedes="Informe 2")
    reference = db.session.scalar(select(Accord.slug).where(Accord.kind == "reference")
                                  .order_by(Accord.slug))
    titles = _point_titles(published)
    assert titles and published.original_language == "en"
    for url in _walked(SLUG, reference):
        response = client.get(url, headers=ES)
        assert response.status_code == 200, url
        text = visible_text(response.get_data(as_text=True))
        assert _english_in(text) == [], url
        assert not ONE_WITH_PLURAL.search(text), (url, ONE_WITH_PLURAL.search(text))
        for title in titles:  # an English title on a Spanish page says so, everywhere
            for found in re.finditer(re.escape(title), text):
                # the marker follows (on a page, after its title: "Solo en inglés: ...")
                after = re.sub(r"^\s*(Solo en inglés[^.]*\.)?\s*", "", text[found.end():])
                assert after.startswith("[EN]"), (
                    url, title, text[found.start() - 20:found.end() + 60])
    audit = visible_text(client.get("/admin/audit", headers=ES).get_data(as_text=True))
    for spanish in ("Organización", "Publicado el", "Reemplaza a", "coordinación", "Misión"):
        assert spanish in audit, spanish
    assert admin.email in visible_text(client.get("/admin/users", headers=ES)
                                       .get_data(as_text=True))


def test_point_titles_carry_the_marker_in_the_pdf_and_the_workbook(client, published):
    title = _point_titles(published)[0]
    pdf = client.get(f"/accords/{SLUG}/cutoffs/Informe 2/brief.pdf", headers=ES).data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"{title} [EN]" in text
    book = load_workbook(io.BytesIO(client.get(f"/accords/{SLUG}/cutoffs/Informe 2/report.xlsx",
                                               headers=ES).data))
    names = [row[1] for sheet in ("Resumen", "Cambios")
             for row in book[sheet].iter_rows(values_only=True) if row[1]]
    marked = [n for n in names if title in n]
    assert len(marked) >= 2 and all(n.endswith(f"{title} [EN]") for n in marked), marked


def test_a_title_held_in_the_readers_language_has_no_marker(app, demo):
    section = db.session.scalar(select(Section).where(Section.accord_id == demo.id,
                                                      Section.code == "1"))
    section.title_translated = "Reforma Rural Integral"
    with app.test_request_context("/"), force_locale("es"):
        assert i18n.point_title(demo, "1") == "1 Reforma Rural Integral"
        # a title as a cut-off recorded it, no longer the section's: in its own language
        assert i18n.point_title(demo, "1", "Old title") == "1 Old title [EN]"
        assert "[EN]" in str(i18n.point_title_html(demo, "1", "Old title"))
    with app.test_request_context("/"), force_locale("en"):
        assert i18n.point_title(demo, "1") == f"1 {section.title}"


# --- counts and figures ------------------------------------------------------------------

def test_the_pace_table_writes_scores_with_two_decimals(client):
    html = client.get(f"/accords/{SLUG}/dashboard?as_of=2024-11-30", headers=ES).get_data(
        as_text=True)
    pace = re.search(r'id="table-pace".*?</table>', html, re.S).group(0)
    cells = dict(re.findall(r'data-key="(\w+)".*?<td[^>]*>([^<]*)</td>', pace, re.S))
    for key in ("score", "change_since_previous", "monthly_change_12m",
                "required_monthly_change"):
        assert re.fullmatch(r"[−+-]?\d+,\d\d|—", cells[key]), (key, cells[key])
    assert re.fullmatch(r"\d+,\d|—", cells["months_to_target"]), cells["months_to_target"]
    ratio = re.search(r'data-key="ratio".*?<td class="num"[^>]*>([^<]*)</td>', html, re.S)
    assert re.fullmatch(r"\d+,\d\d|—", ratio.group(1)), ratio.group(1)


def test_an_empty_selection_shows_a_dash_for_every_score(client):
    html = client.get(f"/accords/{SLUG}/dashboard?section=4.2&tag=ethnic",
                      headers=ES).get_data(as_text=True)
    headline = re.search(r'id="table-headline".*?</table>', html, re.S).group(0)
    score = re.search(r'data-key="score">.*?<strong>([^<]*)</strong>', headline, re.S)
    assert score.group(1) == "—"
    assert re.search(r'class="big">—</span>', html)


def test_reference_scores_from_the_file_are_rounded_and_said_so(client):
    slug = db.session.scalar(select(Accord.slug).where(Accord.kind == "reference")
                             .order_by(Accord.slug))
    html = client.get(f"/reference/{slug}", headers=ES).get_data(as_text=True)
    row = re.search(r'data-key="published">.*?</tr>', html, re.S)
    if row is None:
        pytest.skip("this reference accord's file gives no scores")
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row.group(0))
    assert cells and all(re.fullmatch(r"\d+,\d\d|—", c) for c in cells), cells
    assert "redondeados a dos decimales" in html


def test_the_briefs_change_column_is_aligned_like_its_numbers(client, published):
    html = client.get(f"/accords/{SLUG}/cutoffs/Informe 2/brief", headers=ES).get_data(
        as_text=True)
    assert re.search(r'<th scope="col" class="num">Cambio en el puntaje</th>', html)


def test_the_score_has_one_spanish_name():
    from babel.messages.pofile import read_po

    from tracker import __file__ as root

    path = f"{root.rsplit('/', 1)[0]}/translations/es/LC_MESSAGES/messages.po"
    with open(path, "rb") as handle:
        strings = [m.string if isinstance(m.string, str) else " ".join(m.string)
                   for m in read_po(handle) if m.id and m.string]
    assert not [s for s in strings if re.search(r"puntuaci[oó]n", s, re.I)]
    assert any("Puntaje" in s for s in strings)


def test_the_changes_sheet_writes_each_figure_in_its_format(client, published):
    book = load_workbook(io.BytesIO(client.get(
        f"/accords/{SLUG}/cutoffs/Informe 2/report.xlsx", headers=ES).data))
    sheet = book["Cambios"]
    header = [c.value for c in sheet[1]]
    formats = {"Antes": C.SCORE_FORMAT, "Después": C.SCORE_FORMAT,
               "Cambio": C.SIGNED_SCORE_FORMAT,
               "Cambio en completas (puntos)": C.SIGNED_POINTS_FORMAT}
    checked = 0
    for row in sheet.iter_rows(min_row=2):
        for name, wanted in formats.items():
            cell = row[header.index(name)]
            if isinstance(cell.value, (int, float)):
                assert cell.number_format == wanted, (name, cell.number_format)
                checked += 1
        assert not re.search(r"\d{4}-\d\d-\d\d", str(row[1].value or "")), row[1].value
    assert checked > 8


# --- the changes page --------------------------------------------------------------------

def test_changes_without_a_cut_off_stay_on_the_page_with_the_reason(client, demo):
    page = client.get(f"/accords/{SLUG}/changes", headers=ES)
    assert page.status_code == 200  # an ordinary state: a note, not an error
    html = page.get_data(as_text=True)
    assert 'class="error-summary"' not in html and 'class="note"' in html and "<h1>" in html
    assert "todavía" in visible_text(html) or "aún" in visible_text(html)


def test_a_since_naming_no_cut_off_stays_on_the_page_with_the_reason(client, published):
    page = client.get(f"/accords/{SLUG}/changes?since=Nope", headers=ES)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "«Desde»: Nope" in summary and 'href="#since"' in summary
    assert '<select id="since" name="since">' in html
    assert html.index('class="error-summary"') < html.index('<select id="since"')
    assert 'form method="get" class="filters"' in html  # styled as the other filter forms


def test_the_cutoffs_error_summary_is_at_the_top(client, published, make_user, login):
    login(make_user("coordinator", accord=published))
    page = client.post(f"/accords/{SLUG}/cutoffs", data={"label": "", "as_of": ""},
                       headers=ES)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert html.index('class="error-summary"') < html.index("<table")  # above the list
    assert html.index('class="error-summary"') < html.index('id="publish"')


def test_the_audit_of_events_and_sources_reads_in_spanish(client, demo, make_user, login):
    from event_helpers import event_input
    from tracker.events.services import submit_event

    login(make_user("coordinator", demo))
    submit_event(event_input(demo), verified=True)
    login(make_user("admin"))
    audit = visible_text(client.get("/admin/audit", headers=ES).get_data(as_text=True))
    english = [word for word in ("occurred on", "ended on", "place", "sources", "kind",
                                 "review reason", "recorded by a reviewer", "advances",
                                 "sets back", "report", "origin", "publisher")
               if re.search(rf"\b{word}\b", audit)]
    assert english == []
    assert "avanza" in audit and "54810" in audit and "formulario web" in audit


def test_stored_words_of_uploads_and_reference_sets_read_in_spanish(app):
    from tracker.excel.sheets import app_version

    with app.test_request_context("/"), force_locale("es"):
        assert i18n.upload_state("committed") == "registrada"
        assert i18n.source_format("long") == "formato largo"
        assert app_version().startswith("Seguimiento de acuerdos ")


def test_a_refused_comparison_year_names_its_option_in_spanish(client, demo):
    response = client.get(f"/accords/{SLUG}/dashboard?year=99", headers=ES)
    assert response.status_code == 400
    text = visible_text(response.get_data(as_text=True))
    assert "o «Ahora (el año en curso)»" in text, text[-400:]
    assert not re.search(r"\bnow\b", text)


def test_a_chosen_tag_is_named_in_the_readers_language(client):
    """The selection's phrase (the heading and every chart's source line) names a known tag
    by its label, never by its stored key."""
    page = client.get(f"/accords/{SLUG}/dashboard?tag=gender", headers=ES).get_data(
        as_text=True)
    assert "etiqueta género" in page and "etiqueta gender" not in page
    chart = client.get(f"/accords/{SLUG}/charts/status.svg?tag=gender", headers=ES)
    assert "etiqueta género" in chart.get_data(as_text=True)


def test_the_events_workbook_names_a_chosen_tag_in_the_readers_language(client):
    from openpyxl import load_workbook

    response = client.get(f"/accords/{SLUG}/events.xlsx?tag=gender", headers=ES)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    filters = dict(book["Acerca de"].iter_rows(values_only=True))["Filtros"]
    assert filters == "«Etiqueta»: género"
