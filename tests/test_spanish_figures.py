"""Spanish pages write every figure with the decimal comma; pages in either language write
every date in one format (Babel's medium)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tracker import __version__
from tracker.extensions import db
from tracker.models import Provision, Section

SLUG = "colombia-2016-demo"
#: A figure written with the dot: a digit, a dot, a digit.
DOTTED = re.compile(r"\d\.\d")
#: Text that holds a dot between digits without being a figure: reference-set labels and
#: versions (PAM_ID v1.5), ISO dates are written with hyphens and never match.
NOT_FIGURES = re.compile(
    r"\bdoi:\S+|\bv\d+(?:\.\d+)+|\bV\.\d+(?:\.\d+)*|PAM_ID[- ]V?\.?\d+(?:\.\d+)*")

#: A percentage written otherwise than by `web.percent` ("36,9\u00a0%"): no space, or a plain one.
UNSPACED_PERCENT = re.compile(r"\d(?:%| %)")
ISO_DATE = re.compile(r"(?<![\w/=-])\d{4}-\d\d-\d\d(?![\w-])")


class _Text(HTMLParser):
    """The text a reader sees or hears: text and the attributes read out (alt, title,
    aria-label), no other attribute, no scripts or styles, no code elements."""

    SKIPPED = {"script", "style", "code", "kbd", "samp"}
    READ = {"alt", "title", "aria-label", "aria-description", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        if not self._skipping:
            self.parts.extend(value for name, value in attrs if name in self.READ and value)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _codes(accord_id: int) -> list[str]:
    """Provision and section codes (1.1.2, 3.4) are names, not figures: longest first."""
    codes = set(db.session.scalars(select(Provision.code).where(Provision.accord_id == accord_id)))
    codes |= set(db.session.scalars(select(Section.code).where(Section.accord_id == accord_id)))
    return sorted((c for c in codes if DOTTED.search(c)), key=len, reverse=True)


def dotted_figures(html: str, codes: list[str]) -> list[str]:
    """Each place the page writes a figure with a dot, with some text around it."""
    text = NOT_FIGURES.sub(" ", visible_text(html)).replace(f" {__version__} ", " ")
    if codes:
        text = re.sub(r"(?<![\d.])(?:" + "|".join(map(re.escape, codes)) + r")(?![\d.]*\d)",
                      " ", text)
    return [text[max(0, m.start() - 40):m.end() + 40] for m in DOTTED.finditer(text)]


def iso_dates(html: str, written: tuple[str, ...] = ()) -> list[str]:
    """Dates a page shows as 2016-11-24 where the rest of the page writes 24 nov 2016;
    `written`: texts people wrote (an accord's description), shown as written."""
    text = visible_text(html)
    for content in written:
        text = text.replace(content, " ")
    return [text[max(0, m.start() - 30):m.end() + 30] for m in ISO_DATE.finditer(text)]


def _pages(demo) -> list[str]:
    provision = min(demo.provisions, key=lambda p: p.code)
    return [
        "/", f"/accords/{SLUG}", f"/accords/{SLUG}/dashboard", f"/accords/{SLUG}/provisions",
        f"/accords/{SLUG}/sections", f"/accords/{SLUG}/provisions/{provision.code}",
        "/methodology", "/reference", f"/accords/{SLUG}/cutoffs", f"/accords/{SLUG}/brief",
        "/review", "/my/submissions", "/admin/audit",
    ]


def test_the_scan_finds_a_dotted_figure():
    assert dotted_figures("<td>0.82 ▲</td>", [])
    assert not dotted_figures('<td data-value="0.82">0,82 ▲</td><code>1.5</code>', [])
    assert not dotted_figures("<p>PAM_ID v1.5 · 1.1.2</p>", ["1.1.2"])
    assert dotted_figures("<p>1.1.25</p>", ["1.1.2"])


@pytest.mark.parametrize("page", range(13))
def test_every_figure_on_a_spanish_page_uses_the_comma(client, demo, make_user, login, page):
    login(make_user("admin"))
    url = _pages(demo)[page]
    response = client.get(url, headers={"Accept-Language": "es"})
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert dotted_figures(html, _codes(demo.id)) == [], url
    assert iso_dates(html, (demo.description,)) == [], url
    text = visible_text(html)  # alt texts included: one percent format everywhere
    assert [text[max(0, m.start() - 40):m.end() + 20]
            for m in UNSPACED_PERCENT.finditer(text)] == [], url


def test_every_figure_on_a_spanish_reference_page_uses_the_comma(client, make_user, login):
    from tracker.models import Accord

    login(make_user("admin"))
    slug = db.session.scalar(select(Accord.slug).where(Accord.kind == "reference")
                             .order_by(Accord.slug))
    response = client.get(f"/reference/{slug}", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert dotted_figures(response.get_data(as_text=True), []) == []
    assert iso_dates(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("page", range(13))
def test_english_pages_write_dates_in_the_same_one_format(client, demo, make_user, login,
                                                          page):
    login(make_user("admin"))
    url = _pages(demo)[page]
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200, url
    assert iso_dates(response.get_data(as_text=True), (demo.description,)) == [], url


# --- the accord's name in the reader's language, one date format on every output -------------

SPANISH_NAME = "Acuerdo trabajado a mano"


def _named_accord_with_cutoffs():
    """The hand-worked accord with a Spanish name, two published cut-offs, a late record for
    the first one's date and a deadline edited after publication (a structure revision)."""
    from datetime import date, datetime, timezone

    from cutoff_helpers import small_accord
    from tracker.cutoffs.services import publish
    from tracker.models import StatusRecord

    accord = small_accord()
    accord.name_translated = SPANISH_NAME
    accord.original_language = "en"
    db.session.commit()
    publish(accord, "Informe 1", date(2020, 6, 30))
    b = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                  Provision.code == "B"))
    db.session.add(StatusRecord(accord_id=accord.id, provision_id=b.id, level=2,
                                effective_on=date(2020, 6, 1), review_state="verified",
                                reviewed_at=datetime.now(timezone.utc), source="import"))
    publish(accord, "Informe 2", date(2020, 12, 31))
    c = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                  Provision.code == "C"))
    db.session.add(StatusRecord(accord_id=accord.id, provision_id=c.id, level=2,
                                effective_on=date(2020, 9, 1), review_state="pending",
                                source="import"))  # on the review queue
    d = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                  Provision.code == "D"))
    d.deadline = date(2020, 8, 31)
    db.session.commit()
    return accord


def _named_pages(accord) -> list[str]:
    base = f"/accords/{accord.slug}"
    return [f"{base}/cutoffs", f"{base}/cutoffs/Informe 1", f"{base}/cutoffs/Informe 2",
            f"{base}/cutoffs/Informe 2/changes", f"{base}/cutoffs/Informe 2/brief",
            f"{base}/update", "/review", "/admin/users",
            f"{base}/dashboard?known_at=2024-03-10T09:00:00"]


def test_spanish_pages_name_the_accord_in_spanish_and_write_one_date_format(
        client, make_user, login):
    accord = _named_accord_with_cutoffs()
    login(make_user("admin"))
    for url in _named_pages(accord):
        response = client.get(url, headers={"Accept-Language": "es"})
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "Hand-worked accord" not in html, url
        assert SPANISH_NAME in html, url
        assert iso_dates(html) == [], url
        assert not re.search(r"\d\d:\d\d:\d\d|GMT", visible_text(html)), url


def test_spanish_downloads_name_the_accord_in_spanish_and_write_one_date_format(
        client, make_user, login):
    import io
    import zipfile

    from openpyxl import load_workbook

    accord = _named_accord_with_cutoffs()
    login(make_user("admin"))
    base = f"/accords/{accord.slug}/cutoffs/Informe 2"
    package = zipfile.ZipFile(io.BytesIO(client.get(
        f"{base}/data.zip", headers={"Accept-Language": "es"}).data))
    for name in ("CODEBOOK.txt", "CITATION.txt"):
        text = package.read(name).decode()
        assert SPANISH_NAME in text and "Hand-worked accord" not in text, name
        assert iso_dates(f"<p>{text}</p>") == [], name
    assert "cifras de implementación" in package.read("CITATION.txt").decode()
    book = load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx",
                                               headers={"Accept-Language": "es"}).data))
    header = book.worksheets[0].oddHeader.right.text
    assert SPANISH_NAME in header and "Hand-worked" not in header, header
    assert iso_dates(f"<p>{header}</p>") == [] and "31 dic 2020" in header, header


def test_the_spanish_audit_log_names_actions_fields_values_and_provisions(
        client, make_user, login):
    from tracker.models import AuditEvent, StatusRecord

    accord = _named_accord_with_cutoffs()
    record = db.session.scalar(select(StatusRecord).where(StatusRecord.accord_id == accord.id)
                               .order_by(StatusRecord.id))
    provision = db.session.get(Provision, record.provision_id)
    stored = {"provision": provision.id, "level": 1, "effective_on": "2020-06-01"}
    db.session.add_all([
        AuditEvent(actor="ana@example.org", action="status.verified",
                   object_type="status_record", object_id=record.id, accord_id=accord.id,
                   before=stored | {"review_state": "pending"},
                   after=stored | {"review_state": "verified"}),
        AuditEvent(actor="ana@example.org", action="provision.edit", object_type="provision",
                   object_id=provision.id, accord_id=accord.id,
                   before={"time_frame": "medium", "deadline": None},
                   after={"time_frame": "long", "deadline": "2020-08-31"})])
    db.session.commit()
    login(make_user("admin"))
    html = client.get("/admin/audit", headers={"Accept-Language": "es"}).get_data(as_text=True)
    text = visible_text(html)
    for english in ("status.verified", "provision.edit", "review state", "effective on",
                    "time frame", f"provision {provision.id}", f"status record {record.id}",
                    ">pending<", ">medium<", "GMT"):
        assert english not in html, english
    for spanish in ("Estado verificado", "Disposición editada", f"disposición {provision.code}",
                    f"registro de estado {provision.code}", "Estado de revisión",
                    "pendiente de revisión", "verificado", "mediano plazo", "largo plazo",
                    "31 ago 2020", "1 jun 2020", "Mínimo"):
        assert spanish in text, spanish
    assert iso_dates(html) == []
