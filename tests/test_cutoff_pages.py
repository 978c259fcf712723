"""Cut-off pages, the publish form and its permissions, the brief (page and PDF, English and
Spanish), the data package and the workbook as published."""
from __future__ import annotations

import csv
import io
import re
import tracemalloc
import zipfile
from pathlib import Path
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from tracker import services
from tracker.cutoffs.models import Cutoff
from tracker.cutoffs.services import publish
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.models import Provision

from cutoff_helpers import small_accord

PAGES = "/accords/hand-worked"
DEMO = "/accords/colombia-2016-demo"
YEAR_END = date(2020, 12, 31)


def _post(client, path=f"{PAGES}/cutoffs", **values):
    data = {"label": "Report 1", "as_of": "2020-12-31", "note": "first"} | values
    return client.post(path, data=data)


def test_a_coordinator_publishes_from_the_web(client, make_user, login):
    accord = small_accord()
    coordinator = login(make_user("coordinator", accord))
    page = client.get(PAGES)
    assert page.status_code == 200 and 'action="/accords/hand-worked/cutoffs"' in page.text
    done = _post(client)
    assert done.status_code == 302 and done.headers["Location"].endswith("/cutoffs/Report%201")
    shown = client.get(done.headers["Location"])
    assert shown.status_code == 200 and "Report 1" in shown.text and "first" in shown.text
    assert coordinator.email in shown.text  # the accord's people see who published
    client.post("/logout")
    assert coordinator.email not in client.get(done.headers["Location"]).text
    assert "Report 1" in client.get(PAGES).text


@pytest.mark.parametrize("values, needle", [
    ({"label": "R2", "as_of": "2019-12-31"}, "before the accord was signed"),
    ({"label": "R2", "as_of": (date.today() + timedelta(days=1)).isoformat()}, "future"),
    ({"label": "R2", "as_of": "not a date"}, "Not a valid date"),
    ({"label": ""}, "This field is required"),
    ({"label": "R2", "supersedes": "Nope"}, "no cut-off labelled Nope"),
    ({"label": "."}, "only dots"),
    ({"label": ".."}, "only dots"),
    ({"label": "Report 2."}, "end with a dot"),
    ({"label": "a\\b"}, "backslash"),
])
def test_bad_publications_get_a_400_with_the_reason(client, make_user, login, row_counts,
                                                      values, needle):
    accord = small_accord()
    login(make_user("coordinator", accord))
    assert _post(client).status_code == 302
    before = row_counts()
    refused = _post(client, **values)
    assert refused.status_code == 400 and needle in refused.text
    assert row_counts() == before


@pytest.mark.parametrize("values", [
    {"note": "another note"},  # the same label again, for another cut-off
    {"label": "report 1"},  # differs only in case
    {"label": "REPORT 1 "},
])
def test_a_label_already_held_is_a_conflict_409(client, make_user, login, row_counts, values):
    accord = small_accord()
    login(make_user("coordinator", accord))
    assert _post(client).status_code == 302
    before = row_counts()
    refused = _post(client, **values)
    assert refused.status_code == 409 and "already exists" in refused.text
    assert row_counts() == before


def test_the_form_sent_again_publishes_nothing_twice(client, make_user, login, row_counts):
    accord = small_accord()
    login(make_user("coordinator", accord))
    assert _post(client).status_code == 302
    before = row_counts()
    again = _post(client)
    assert again.status_code == 302 and again.headers["Location"].endswith("/cutoffs/Report%201")
    assert "Nothing changed: cut-off Report 1 is already published" in client.get(
        again.headers["Location"]).text
    assert row_counts() == before
    login(make_user("coordinator", accord))  # another coordinator: the label is taken
    before = row_counts()
    assert _post(client).status_code == 409
    assert row_counts() == before


def test_superseding_a_superseded_cutoff_says_why(client, make_user, login):
    accord = small_accord()
    login(make_user("coordinator", accord))
    assert _post(client).status_code == 302
    assert _post(client, label="Report 1b", supersedes="Report 1").status_code == 302
    refused = _post(client, label="Report 1c", supersedes="Report 1")
    assert refused.status_code == 400
    assert "already superseded by Report 1b" in refused.text
    assert "Not a valid choice" not in refused.text


def test_labels_in_addresses_are_normalised(client):
    accord = small_accord()
    publish(accord, "R\u00e9sum\u00e9", YEAR_END)  # stored NFC
    decomposed = "Re\u0301sume\u0301"
    assert client.get(f"{PAGES}/cutoffs/{decomposed}").status_code == 200
    assert client.get(f"/api/v1/accords/hand-worked/cutoffs/{decomposed}").status_code == 200
    with pytest.raises(services.Invalid):
        publish(accord, decomposed, YEAR_END)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_coordinators_publish(client, make_user, login, row_counts, role):
    accord = small_accord()
    login(make_user(role, accord))
    before = row_counts()
    assert _post(client).status_code == 403
    assert row_counts() == before
    assert "Publish a cut-off" not in client.get(PAGES).text


def test_a_coordinator_of_another_accord_gets_403_and_private_accords_404(
        client, make_user, login, demo):
    small_accord()
    login(make_user("coordinator", demo))
    assert _post(client).status_code == 403
    small_accord("hidden", public=False)
    assert _post(client, "/accords/hidden/cutoffs").status_code == 404
    assert client.get("/accords/hidden/cutoffs").status_code == 404
    assert client.get("/api/v1/accords/hidden/cutoffs").status_code == 404
    assert db.session.scalar(select(Cutoff.id)) is None


def test_pages_show_revisions_and_changes(client):
    accord = small_accord()
    publish(accord, "Report 1", date(2020, 3, 31))
    publish(accord, "Report 2", YEAR_END)
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == "C"))
    late = services.submit([services.StatusChange(
        provision, Submission(2, date(2020, 3, 1), None, "late"), provision.version)],
        verified=True)[0]
    page = client.get(f"{PAGES}/cutoffs/Report 2")
    assert page.status_code == 200
    assert "Records verified after publication, or edits of the accord" in page.text
    assert re.search(rf"<td[^>]*>{late.id}</td>", page.text)
    changes = client.get(f"{PAGES}/cutoffs/Report 2/changes")
    assert changes.status_code == 200 and "Newly overdue" in changes.text
    assert client.get(f"{PAGES}/cutoffs/Report 2/changes?since=Nope").status_code == 400
    first = client.get(f"{PAGES}/cutoffs/Report 1/changes")
    assert first.status_code == 200 and "is the first report of this accord" in first.text
    assert "Report 2 (" not in first.text  # a later cut-off is no choice
    earlier = client.get(f"{PAGES}/cutoffs/Report 2/changes")
    assert '<select id="since" name="since">' in earlier.text
    assert '<option value="Report 1"' in earlier.text
    assert client.get(f"{PAGES}/changes").status_code == 200
    assert client.get(f"{PAGES}/cutoffs/Nope").status_code == 404


def test_changes_before_any_cut_off_is_an_informative_note(client, app):
    """Before the first cut-off, "changes to now" is an ordinary page (200) saying so in a
    note, not an error summary; a `since` naming no cut-off stays a 400."""
    small_accord()
    page = client.get(f"{PAGES}/changes")
    assert page.status_code == 200
    assert "This accord has no cut-off yet: nothing to compare with." in page.text
    assert 'class="error-summary"' not in page.text and 'class="note"' in page.text
    assert client.get(f"{PAGES}/changes?since=Nope").status_code == 400


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang, findings, stamp", [
    ("en", "of the 578 provisions were complete", "ILLUSTRATIVE DATA"),
    ("es", "de las 578 disposiciones estaban completas", "DATOS ILUSTRATIVOS"),
])
def test_the_brief_pdf_holds_the_key_findings(client, demo, lang, findings, stamp):
    publish(demo, "Report 1", date(2019, 2, 28))
    publish(demo, "Report 2", date(2020, 2, 29))
    client.set_cookie("lang", lang)
    client.post(f"/language/{lang}", data={"next": "/"})
    answer = client.get(f"{DEMO}/cutoffs/Report 2/brief.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(_pdf_text(answer.data).split())
    assert findings in text and stamp in text
    assert "Report 1" in text  # the change since the previous cut-off
    from tracker.i18n import point_title

    with client.application.test_request_context("/"), force_locale(lang):
        titles = [point_title(demo, s.code) for s in demo.sections if s.parent_id is None]
    assert titles and all(title in text for title in titles), titles  # whole, wrapped not cut
    summary = client.get("/api/v1/accords/colombia-2016-demo/cutoffs/Report 2").get_json()
    score = summary["figures"]["summary"]["score"]
    shown = f"{score:.2f}".rstrip("0").rstrip(".")
    assert (shown if lang == "en" else shown.replace(".", ",")) in text
    page = client.get(f"{DEMO}/cutoffs/Report 2/brief?paper=letter")
    assert page.status_code == 200 and stamp in page.text
    assert page.text.count('<img src="data:image/png;base64,') == 4
    assert "brief-letter.css" in page.text and 'class="site"' not in page.text  # no navigation
    assert client.get(f"{DEMO}/brief.pdf?paper=folio").status_code == 400
    assert client.get(f"{DEMO}/brief.pdf?as_of=2999-01-01").status_code == 400


def test_a_brief_of_a_date_keeps_its_date_in_every_link(client, demo):
    """The brief of a past date linked "Letter" and "PDF" without the date: both gave
    today's figures, the PDF under the same look. Every link keeps the date (a cut-off's
    brief, its label); Back goes to the dashboard of that date."""
    import html as markup

    publish(demo, "Report 1", date(2019, 2, 28))
    page = client.get(f"{DEMO}/brief?as_of=2020-06-30")
    assert page.status_code == 200 and "Jun 30, 2020" in page.text
    tools = page.text[page.text.index('class="screen-only tools"'):]
    tools = tools[:tools.index("</nav>")]
    links = [markup.unescape(h) for h in re.findall(r'href="([^"]+)"', tools)]
    back, letter, pdf = links
    assert back == f"{DEMO}/dashboard?as_of=2020-06-30"
    assert "Figures as of Jun 30, 2020" in client.get(letter).text and "paper=letter" in letter
    text = " ".join(_pdf_text(client.get(pdf).data).split())
    assert "as_of=2020-06-30" in pdf and "Figures as of Jun 30, 2020" in text
    labelled = client.get(f"{DEMO}/cutoffs/Report 1/brief").text
    labelled = labelled[labelled.index('class="screen-only tools"'):]
    assert "/cutoffs/Report%201/brief?paper=letter" in labelled
    assert "/cutoffs/Report%201/brief.pdf?paper=a4" in labelled and "as_of" not in labelled


def test_the_data_package_and_the_workbook_as_published(client):
    from openpyxl import load_workbook

    accord = small_accord()
    publish(accord, "Report 1", date(2020, 3, 31))
    publish(accord, "Report 2", YEAR_END)
    package = zipfile.ZipFile(io.BytesIO(client.get(f"{PAGES}/cutoffs/Report 2/data.zip").data))
    assert {"summary.csv", "points.csv", "tags.csv", "provisions.csv", "comparison.csv",
            "CODEBOOK.txt", "CITATION.txt"} <= set(package.namelist())
    rows = list(csv.DictReader(io.StringIO(package.read("summary.csv").decode("utf-8-sig"))))
    assert rows[0]["group"] == "all" and rows[0]["score"] == "50.0"
    assert "Report 2" in package.read("CITATION.txt").decode()
    book = load_workbook(io.BytesIO(client.get(f"{PAGES}/cutoffs/Report 2/report.xlsx").data))
    assert "Changes" in book.sheetnames
    changes = [[c.value for c in row] for row in book["Changes"].iter_rows(min_row=2)]
    assert ["Moved up", "A", None, None, None, None, 0, 2] in changes
    cell = next(row for row in book["Changes"].iter_rows(min_row=2)
                if row[0].value == "Moved up")[7]
    assert cell.number_format == "0"  # a level, never "2.00"
    summary = book["Summary"]
    assert summary.page_setup.orientation == "landscape"
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.print_title_rows == "$1:$1"
    assert "Hand-worked accord" in summary.oddHeader.right.text


@pytest.mark.slow
def test_brief_pdf_memory(client, demo):
    """Python's peak allocation while the PDF is made stays far under the 200 MB target
    (bench/cutoffs.py prints the time and the process's memory on the colombia workload)."""
    publish(demo, "Report 1", date(2019, 2, 28))
    client.get(f"{DEMO}/cutoffs/Report 1/brief.pdf")  # fonts and imports loaded once
    tracemalloc.start()
    assert client.get(f"{DEMO}/cutoffs/Report 1/brief.pdf").status_code == 200
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * 2**20


def test_the_briefs_charts_name_the_moment_their_figures_are_known_at(app):
    from tracker.cutoffs import report
    from tracker.cutoffs.brief import Brief
    from tracker.dashboard.drawing import _chart_labels

    accord = small_accord()
    cutoff = publish(accord, "Report 1", YEAR_END, "first")
    with app.test_request_context("/"):
        brief = Brief(accord, report.Moment.of(cutoff))
        source = _chart_labels(brief.board, "status")["source"]
        moment = f"{cutoff.published_at:%b} {cutoff.published_at.day}, {cutoff.published_at:%Y %H:%M}"
        assert f"records verified by {moment} UTC" in source, source  # the one date format
        assert brief.board.timeline[-1]["counts"] == brief.figures["summary"]["counts"]
        dated = Brief(accord, report.Moment.now(YEAR_END))
        assert "verified records as of Dec 31, 2020" in _chart_labels(dated.board,
                                                                    "status")["source"]


@pytest.mark.parametrize("label", ["Informe nº 3 — diciembre", "Informe Łódź",
                                   "Informe \U0001F4CA", 'Informe "4"; x'])
def test_downloads_for_any_label(client, label):
    """Any label downloads: the name travels as RFC 5987 filename*, quotes and semicolons
    never break the header, and the citation's address is percent-encoded."""
    from urllib.parse import quote

    from werkzeug.http import parse_options_header

    accord = small_accord()
    publish(accord, label, YEAR_END)
    base = f"{PAGES}/cutoffs/{quote(label)}"
    for path, ending in (("data.zip", "-data.zip"), ("report.xlsx", "-report.xlsx")):
        answer = client.get(f"{base}/{path}")
        assert answer.status_code == 200, path
        kind, options = parse_options_header(answer.headers["Content-Disposition"])
        assert kind == "attachment" and set(options) <= {"filename", "filename*"}
        assert options["filename"].endswith(ending) and '"' not in options["filename"]
    package = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/data.zip").data))
    cited = package.read("CITATION.txt").decode()
    assert f"/cutoffs/{quote(label, safe='')}" in cited and f"/cutoffs/{label} " not in cited


def test_the_brief_pdf_downloads_for_a_non_latin_label(client):
    accord = small_accord()
    publish(accord, "Informe Łódź; \"x\"", YEAR_END)
    answer = client.get(f"{PAGES}/cutoffs/Informe Łódź; \"x\"/brief.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert "filename*=UTF-8''hand-worked-brief-Informe-%C5%81%C3%B3d%C5%BA---x--en.pdf" in \
        disposition


def test_page_api_and_brief_count_years_since_signing_by_one_rule(client, demo):
    publish(demo, "Report 3", date(2020, 11, 30))
    cmp = client.get("/api/v1/accords/colombia-2016-demo/cutoffs/Report 3").get_json()[
        "figures"]["comparison"]
    under_way, done = cmp["year"], cmp["years_completed"]
    assert done == under_way - 1 and cmp["score_at_year"]["year"] == done
    page = client.get(f"{DEMO}/cutoffs/Report 3").text
    assert f"in year {under_way} since signing (the year under way on Nov 30, 2020)" in page
    assert f"At the end of year {done}, the last completed" in page
    brief = " ".join(client.get(f"{DEMO}/cutoffs/Report 3/brief").text.split())
    assert (f"On Nov 30, 2020 the accord is in year {under_way} since signing. At the end of "
            f"year {done}, the last completed") in brief


def test_the_spanish_workbook_and_codebook_speak_spanish(client):
    from openpyxl import load_workbook

    accord = small_accord()
    d = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                  Provision.code == "D"))
    d.time_frame = "long"
    db.session.commit()
    publish(accord, "Informe 1", YEAR_END)
    client.set_cookie("lang", "es")
    client.post("/language/es", data={"next": "/"})
    book = load_workbook(io.BytesIO(client.get(f"{PAGES}/cutoffs/Informe 1/report.xlsx").data))
    groups = [row[0].value for row in book["Resumen"].iter_rows(min_row=2)]
    assert groups[:3] == ["todos", "prioritarias", "no prioritarias"] and "punto" in groups
    provisions = {row[0].value: [c.value for c in row]
                  for row in book["Disposiciones"].iter_rows(min_row=2)}
    header = [c.value for c in next(book["Disposiciones"].iter_rows())]
    a, d = provisions["A"], provisions["D"]
    assert a[header.index("Prioridad")] == "sí" and d[header.index("Prioridad")] == "no"
    assert a[header.index("Etiquetas")] == "género"
    assert d[header.index("Plazo")] == "largo plazo"
    package = zipfile.ZipFile(io.BytesIO(client.get(f"{PAGES}/cutoffs/Informe 1/data.zip").data))
    assert package.read("CODEBOOK.txt").decode().startswith("Libro de códigos")
    rows = list(csv.reader(io.StringIO(package.read("provisions.csv").decode("utf-8-sig"))))
    assert rows[1][3] in ("yes", "no")  # the files' values stay stable codes
    page = client.get(f"{PAGES}/cutoffs/Informe 1/brief").text
    assert "Carta" in page and ">Letter<" not in page
    import re

    shares = re.findall(r"(\d+(?:,\d+)?)\u00a0%", page)
    assert shares and all(re.fullmatch(r"\d+,\d", s) for s in shares), shares
    assert not re.search(r"\d %", page.replace("\u00a0%", ""))  # one way to write a share


def test_a_logged_out_publication_returns_to_the_cutoffs_page(client):
    small_accord()
    refused = _post(client)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(
        "/login?next=/accords/hand-worked/cutoffs"), refused.headers["Location"]


def test_the_review_queue_warns_of_a_record_dated_before_a_published_cutoff(
        client, make_user, login):
    accord = small_accord()
    publish(accord, "Report 1", date(2020, 6, 30))
    publish(accord, "Report 2", YEAR_END)
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == "C"))
    services.submit([services.StatusChange(
        provision, Submission(2, date(2020, 9, 1), None, "late"), provision.version)],
        verified=False)
    login(make_user("coordinator", accord))
    queue = client.get("/review").text
    assert "Effective before a published cut-off." in queue
    assert "changes the figures of cut-off Report 2, already published" in queue
    assert "Report 1, " not in queue and "cut-offs Report" not in queue


def test_the_dashboard_links_to_the_cutoffs_and_the_brief(client):
    small_accord()
    page = client.get(f"{PAGES}/dashboard?as_of=2020-12-31").text
    assert 'href="/accords/hand-worked/cutoffs"' in page
    assert 'href="/accords/hand-worked/brief?as_of=2020-12-31"' in page


def test_score_changes_keep_two_decimals_as_scores_do(app):
    """A change of a score is written as scores are (two decimals): "+1.60", never "+1.6"
    beside "61.48"; percentage points beside shares keep one."""
    from flask_babel import force_locale

    from tracker.web import signed

    with app.test_request_context("/"):
        with force_locale("es"):
            assert (signed(1.6), signed(-0.41), signed(0), signed(3.04, 1), signed(None)) == (
                "+1,60", "−0,41", "0,00", "+3,0", "—")
        with force_locale("en"):
            # templates use the same formatter, as a global and as a filter
            shown = app.jinja_env.from_string(
                "{{ signed(1.6) }} {{ -0.41 | signed }} {{ 3.04 | signed(1) }}").render()
            assert shown == "+1.60 −0.41 +3.0"
    assert "macro signed" not in (Path(app.root_path) / "templates/cutoffs/_macros.html"
                                  ).read_text()


def test_the_publish_form_is_one_form_labelled_alike_on_both_pages(client, make_user, login):
    import re as _re

    accord = small_accord()
    login(make_user("coordinator", accord))
    assert _post(client).status_code == 302  # a cut-off to supersede: the select is shown

    def publish_form(path):
        html = client.get(path).get_data(as_text=True)
        form = _re.search(r'<form method="post" action="/accords/hand-worked/cutoffs".*?</form>',
                          html, _re.S).group(0)
        labels = dict(_re.findall(r'<label for="([^"]+)">([^<]+)</label>', form))
        controls = _re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', form)
        assert controls and all(c in labels for c in controls), (path, controls, labels)
        return [(c, labels[c]) for c in controls]

    on_accord, on_cutoffs = publish_form(PAGES), publish_form(f"{PAGES}/cutoffs")
    assert ("supersedes", "Supersedes") in on_accord
    assert on_accord == on_cutoffs
