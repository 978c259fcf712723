"""Files built from the figures: the report workbook, CSV variants of its Provisions and
History sheets, the reference set in `import-reference`'s long format, and the offline
update workbook. Each function returns bytes; a view only checks access and sends them.

Every number comes from `AccordFigures`. Sheets are written row by row as `tracker.excel`
describes (memory stays flat however long the history grows; text is never evaluated).
Workbooks speak the current language (the reader's, on the web): sheet titles, headers,
labels and notes. CSV files and the reference set's import format never change with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from flask_babel import format_decimal, get_locale, gettext, ngettext
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import aliased

from .. import __version__, i18n, palette, queries
from ..domain import bilingual, metrics, scale
from ..domain.metrics import Filters
from ..domain.messages import N_
from ..domain.scale import LEVEL_KEYS
from ..extensions import db
from ..figures import AccordFigures, alignment_rule, default_reference_set
from ..models import Accord, Provision, ProvisionType, Section, StatusRecord, User
from . import XLSX_MIMETYPE, Book, Sheet, csv_bytes, naive_utc, yes_no  # noqa: F401
from . import columns as C
from .validation import dates_since_signing
from .events import add_events_sheet, events_about

# --- what the sheets show --------------------------------------------------------------------

@dataclass
class ReportData:
    """The accord's figures and the few labels the sheets add to them."""

    accord: Accord
    figures: AccordFigures
    as_of: date

    def __post_init__(self):
        rows = db.session.execute(select(Section.id, Section.code, Section.title, Section.position,
                                         Section.title_translated)
                                  .where(Section.accord_id == self.accord.id)).all()
        self.section_titles = {code: title for _id, code, title, _pos, _other in rows}
        self.section_order = {code: pos for _id, code, _title, pos, _other in rows}
        #: Section code -> title in the other content language (bilingual.other), if entered.
        self.section_translations = {code: other for _id, code, _t, _p, other in rows if other}
        self.extras = {pid: (text, version) for pid, text, version in db.session.execute(
            select(Provision.id, Provision.text, Provision.version)
            .where(Provision.accord_id == self.accord.id))}
        self.translations = dict(db.session.execute(
            select(Provision.id, Provision.text_translated)
            .where(Provision.accord_id == self.accord.id, Provision.text_translated.is_not(None))
        ).all())

    def section_label(self, path: tuple[str, ...]) -> str:
        return " > ".join(f"{code} {self.section_titles.get(code, '')}".strip() for code in path)

    def shown_section_label(self, path: tuple[str, ...]) -> str:
        """The section path as the reader reads it (a workbook's Section column): each title
        in the reader's language where held, else marked "[EN]" / "[ES]" (`i18n.marked_text`)."""
        language, reader = self.accord.original_language or "en", str(get_locale())
        return " > ".join(f"{code} " + i18n.marked_text(bilingual.for_reader(
            self.section_titles.get(code, ""), self.section_translations.get(code), language,
            reader)) for code in path).strip()

    def translated_section_label(self, path: tuple[str, ...]) -> str:
        """The section path in the other content language; "" when a title is missing."""
        if not all(code in self.section_translations for code in path):
            return ""
        return " > ".join(f"{code} {self.section_translations[code]}" for code in path)

    def both_languages(self, provision) -> dict[str, str]:
        """text_en, text_es, section_en, section_es of a provision (`metrics` info)."""
        language = self.accord.original_language or "en"
        texts = bilingual.by_language(self.extras[provision.id][0],
                                      self.translations.get(provision.id), language)
        sections = bilingual.by_language(self.section_label(provision.section_path),
                                         self.translated_section_label(provision.section_path),
                                         language)
        return {**{f"text_{k}": v for k, v in texts.items()},
                **{f"section_{k}": v for k, v in sections.items()}}

    def deciding_records(self, on: date) -> dict[int, metrics.Record]:
        """Provision id -> the counted record that sets its level on `on` (the same rule as
        `metrics.levels_as_of`: the latest in effect order)."""
        deciding = {}
        for record in metrics.ordered(self.figures.records, self.figures.include_pending):
            if record.effective_on > on:
                break
            deciding[record.provision_id] = record
        return deciding


def _evidence(record_ids) -> dict[int, tuple[str | None, str | None]]:
    ids, found = sorted(record_ids), {}
    for start in range(0, len(ids), 500):
        found.update({rid: (url, text) for rid, url, text in db.session.execute(
            select(StatusRecord.id, StatusRecord.evidence_url, StatusRecord.evidence_text)
            .where(StatusRecord.id.in_(ids[start:start + 500])))})
    return found


def provision_rows(data: ReportData, level_label: Callable[[int], str] = scale.level_label,
                   *, for_reader: bool = False):
    """One dict per provision (keys of columns.PROVISIONS), levels as of `data.as_of`; the
    level's label from `level_label` (English by default, as in the CSV). `for_reader`: the
    section path as the reader reads it (the workbook); else as stored (the CSV, which never
    follows the language)."""
    section = data.shown_section_label if for_reader else data.section_label
    levels = data.figures.levels(data.as_of)
    deciding = data.deciding_records(data.as_of)
    evidence = _evidence(r.id for r in deciding.values())
    for p in data.figures.provisions:
        record = deciding.get(p.id)
        level = levels.get(p.id, 0)
        url, text = evidence.get(record.id, (None, None)) if record else (None, None)
        yield {
            "code": p.code, "section": section(p.section_path),
            "text": data.extras[p.id][0], "provision_type": p.type_code,
            "priority": yes_no(p.priority), "tags": ";".join(sorted(p.tags)),
            "responsible_actor": p.responsible_actor, "time_frame": p.time_frame,
            "deadline": p.deadline, "level": level, "level_label": level_label(level),
            "last_change": record.effective_on if record else None,
            "evidence_url": url, "evidence_text": text, **data.both_languages(p),
        }


def history_rows(accord: Accord, as_of: date, *, include_unverified: bool = True,
                 show_authors: bool = True, known_at: datetime | None = None):
    """Every status record effective by `as_of`, in effect order, streamed from the database
    (the level's label is left to the Provisions sheet: one cell less on the largest sheet)."""
    author, reviewer = aliased(User), aliased(User)
    query = (
        select(StatusRecord.id, Provision.code, StatusRecord.level, StatusRecord.effective_on,
               StatusRecord.recorded_at, author.email, StatusRecord.review_state, reviewer.email,
               StatusRecord.reviewed_at, StatusRecord.source, StatusRecord.corrects_id,
               StatusRecord.evidence_url, StatusRecord.evidence_text, StatusRecord.note)
        .join(Provision, Provision.id == StatusRecord.provision_id)
        .outerjoin(author, author.id == StatusRecord.recorded_by_id)
        .outerjoin(reviewer, reviewer.id == StatusRecord.reviewed_by_id)
        .where(StatusRecord.accord_id == accord.id, StatusRecord.effective_on <= as_of)
        .order_by(StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)
    )
    if not include_unverified:
        query = query.where(StatusRecord.review_state == "verified")
    if known_at is not None:  # only what was known then (verified by that moment)
        query = query.where(queries.known_clause(known_at))
    keys = [c.key for c in C.HISTORY]  # the SELECT lists the columns in this order
    result = db.session.execute(query.execution_options(yield_per=2000))
    try:
        for row in result:
            values = dict(zip(keys, row))
            if not show_authors:
                values["author"] = values["reviewed_by"] = None
            yield values
    finally:
        result.close()  # a reader that stops early (a full sheet) ends the server-side cursor


def _summary_values(group: str, name: str, part: dict) -> dict:
    values = {"group": group, "name": name, "provisions": part["provisions"],
              "score": part["score"]}
    for key in LEVEL_KEYS:
        values[f"count_{key}"] = part["counts"][key]
        share = part["shares"][key]
        values[f"share_{key}"] = None if share is None else share / 100
    return values


def summary_rows(data: ReportData) -> list[dict]:
    whole = data.figures.summary(data.as_of)
    rows = [_summary_values("all", gettext("All provisions"), whole),
            _summary_values("priority", gettext("Priority"), whole["priority"]),
            _summary_values("non_priority", gettext("Non-priority"), whole["non_priority"])]
    points = data.figures.by_group(data.as_of, lambda p: p.section_path[:1])
    for code in sorted(points, key=lambda c: (data.section_order.get(c, 0), c)):
        name = i18n.point_title(data.accord, code, data.section_titles.get(code))
        rows.append(_summary_values("point", name, points[code].as_dict()))
    return rows


def timeline_rows(data: ReportData):
    series = data.figures.timeline(data.as_of, "month")
    for day, whole, priority, rest in zip(series["dates"], series["all"], series["priority"],
                                          series["non_priority"]):
        part = whole.as_dict()
        values = {"date": day, "provisions": part["provisions"], "score": part["score"],
                  "priority_score": priority.as_dict()["score"],
                  "non_priority_score": rest.as_dict()["score"]}
        for key in LEVEL_KEYS:
            share = part["shares"][key]
            values[f"share_{key}"] = None if share is None else share / 100
        yield values


def reference_citation(label: str) -> str:
    """The citation of reference set `label` ('' when it has none)."""
    from ..models import ReferenceSet

    return db.session.scalar(select(ReferenceSet.citation).where(ReferenceSet.label == label)) or ""


def comparison_rows(data: ReportData, references, label: str,
                    published: dict | None = None) -> tuple[dict, list[dict]]:
    """The comparison now against set `label` (or `published`: a cut-off's comparison as
    its snapshot stored it), and one sheet row per provision type."""
    result = published if published is not None else data.figures.comparison(
        None, references, data.as_of, alignment_rule(label)).as_dict()
    names = i18n.provision_type_names(
        dict(db.session.execute(select(ProvisionType.code, ProvisionType.name)).all()))
    rows = []
    for item in result["types"]:
        reference = item["reference"] or {}
        rows.append({"provision_type": item["provision_type"],
                     "type_name": names.get(item["provision_type"]),
                     "accord_level": item["accord_level"],
                     "stipulations": item["stipulations"], **reference,
                     "difference": item["difference"], "percentile": item["percentile"],
                     "above_mean": i18n.yes_no(item["above_mean"]) if item["reference"]
                     else None})
    return result, rows


# --- the report workbook ---------------------------------------------------------------------

def report_workbook(accord: Accord, as_of: date, *, include_unverified: bool = True,
                    show_authors: bool = True, generated_at: datetime | None = None,
                    known_at: datetime | None = None, cutoff_label: str | None = None,
                    since=None, snapshot=None, fixed_at: datetime | None = None) -> bytes:
    """About, Summary, Provisions, History, Timeline and Comparison sheets as of `as_of`,
    then (a monitored accord's figures as known now) Events and Sources sheets,
    as known at `known_at` (None: now; a cut-off's workbook passes its publication and
    `cutoff_label`), and a Changes sheet when `since` (a `cutoffs.report.Moment`) is given.
    `snapshot`: a cut-off's `cutoffs.snapshot.Snapshot`; its recorded structure (sections,
    tags, priority, deadlines) is used instead of the structure as loaded now.
    Every sheet prints fit to the page width with its header row repeated. `fixed_at`
    (a published cut-off's moment of publication): the workbook's generated-at, its
    created and modified properties and its zip entries' dates are that moment, so each
    download of it is byte for byte the same."""
    structure = snapshot.provisions if snapshot is not None else None
    data = ReportData(accord, AccordFigures(accord, known_at=known_at, structure=structure),
                      as_of)
    if snapshot is not None:  # sections' titles as published
        data.section_titles.update(snapshot.sections)
    label = default_reference_set()
    references = data.figures.references(label, include_illustrative=True)
    published = snapshot.figures.get("comparison") if snapshot is not None else None
    comparison, comparison_table = comparison_rows(data, references, label, published)
    book = Book(translate=gettext)
    about = book.sheet(C.ABOUT_SHEET, C.ABOUT)
    for item, value in about_items(data, comparison, references, include_unverified,
                                   generated_at or fixed_at or datetime.now(timezone.utc)):
        about.append((item, value))
    if known_at is not None:
        about.append((gettext("Cut-off"), cutoff_label or ""))
        about.append((gettext("Figures as known at (UTC)"),
                      naive_utc(known_at).isoformat(sep=" ", timespec="seconds")))
    _summary_sheet(book, data)
    _fill(book.sheet(N_("Provisions"), C.PROVISIONS, freeze="B2"),
          readable(provision_rows(data, i18n.level_label, for_reader=True)))
    history = _fill(book.sheet(N_("History"), C.HISTORY, freeze="C2"),
                    readable(history_rows(accord, as_of, include_unverified=include_unverified,
                                          show_authors=show_authors, known_at=known_at)))
    if history.cut:
        about.append((gettext("HISTORY SHEET CUT"), gettext(
            "The History sheet holds the first %(n)s records, as many as a worksheet holds; "
            "the history CSV export holds every record.", n=format_decimal(history.count))))
    _timeline_sheet(book, data)
    _fill(book.sheet(N_("Comparison"), C.COMPARISON, freeze="B2"), readable(comparison_table))
    if known_at is None and accord.kind == "monitored":  # events as known now only
        from ..events.export import add_sheets

        add_sheets(book, accord, as_of, include_unverified)
    if since is not None:
        from ..cutoffs.sheets import changes_rows

        _fill(book.sheet(N_("Changes"), C.CHANGES, freeze="C2"),
              changes_rows(accord, since, cutoff_label, data, snapshot))
    _print_setup(book, data, cutoff_label)
    return book.save(fixed_at)


#: Columns holding a word of a fixed vocabulary, and how a reader's workbook shows it: the
#: stored word in English, its translation otherwise (the CSV exports keep the stored word:
#: "yes", "long", "verified", "gender").
READABLE = {
    "priority": lambda v: i18n.yes_no(v == "yes") if v in ("yes", "no") else v,
    "above_mean": lambda v: i18n.yes_no(v == "yes") if v in ("yes", "no") else v,
    "time_frame": lambda v: i18n.time_frame(v) if v else v,
    "review_state": lambda v: i18n.stored_word(v),
    "tags": lambda v: ";".join(i18n.tag_label(t) for t in v.split(";")) if v else v,
}


def readable(rows):
    """`rows` (dicts) with the vocabulary columns of READABLE in the reader's language."""
    for row in rows:
        yield {key: READABLE[key](value) if key in READABLE else value
               for key, value in row.items()}


def _print_setup(book: Book, data: ReportData, cutoff_label: str | None) -> None:
    """Landscape where wide, fit to the width, header row on every page, a header naming
    the accord and the date; the Summary sheet (its chart whole) on one page."""
    from ..web import local_date

    header = f"{i18n.local(data.accord, 'name')} · {gettext('As of')} {local_date(data.as_of)}"
    if cutoff_label:
        header += f" · {cutoff_label}"
    for sheet in book.sheets:
        wide = sum(c.width for c in sheet.columns) > 100
        summary = sheet.ws.title == gettext("Summary")
        sheet.print_setup(header, landscape=wide or summary, pages_tall=1 if summary else 0)


def _fill(sheet: Sheet, rows) -> Sheet:
    """Every row, or as many as a worksheet holds (then `sheet.cut` is set)."""
    for row in rows:
        if sheet.full:
            sheet.cut = True
            if hasattr(rows, "close"):
                rows.close()  # a generator over a database cursor: end it now
            break
        sheet.append_dict(row)
    sheet.finish()
    return sheet


def about_items(data: ReportData, comparison: dict, references, include_unverified: bool,
                generated_at: datetime) -> list[tuple[str, str]]:
    accord, summary = data.accord, data.figures.summary(data.as_of)
    flagged = set(db.session.scalars(select(Accord.slug).where(Accord.illustrative.is_(True))))
    illustrative_refs = sum(1 for r in references if r.slug in flagged)
    items = [
        (gettext("Accord"), i18n.local(accord, "name")), (gettext("Slug"), accord.slug),
        (gettext("Country"), i18n.country_name(accord.country)),
        (gettext("Signed on"), accord.signed_on),
        (gettext("Kind"), i18n.accord_kind(accord.kind) + (
            f" ({gettext('reference set')} {accord.reference_set})"
            if accord.reference_set else "")),
        (gettext("As of"), data.as_of),
        (gettext("Generated at (UTC)"),
         naive_utc(generated_at).isoformat(sep=" ", timespec="seconds")),
        (gettext("App version"), app_version()),
        (gettext("Method"), gettext(
            "Peace Accords Matrix (PAM) scale: 0 not initiated, 1 minimal, 2 intermediate, "
            "3 complete.")),
        (gettext("Level on a date"), gettext(
            "The level of a provision's latest verified status record effective on or before "
            "the date; none: 0 (not initiated).")),
        (gettext("Score"), gettext(
            "100 x sum of levels / (3 x provisions); shares are per level, in percent.")),
        (gettext("Priority score ratio"), "" if summary["priority_ratio"] is None
         else format_decimal(summary["priority_ratio"], format="0.##########")),
        (gettext("Figures count"), gettext("verified status records only")),
        (gettext("History sheet"), gettext(
            "every status record effective by the as-of date, with its review state")
         if include_unverified else
         gettext("verified status records effective by the as-of date")),
        (gettext("Comparison"), ngettext(
            "each provision type's mean level against the %(set)s reference accords in year "
            "%(year)s since signing (%(num)s reference accord coded that year)",
            "each provision type's mean level against the %(set)s reference accords in year "
            "%(year)s since signing (%(num)s reference accords coded that year)",
            comparison["reference_accords"], set=default_reference_set(),
            year=comparison["year"])),
        (gettext("Reference data"), reference_citation(default_reference_set())),
        (gettext("Provenance"), i18n.local(accord, "description")),
        (gettext("Source"), accord.source_url or ""),
    ]
    if accord.illustrative:
        items.append((gettext("ILLUSTRATIVE DATA"), gettext(
            "This accord's provision data is an illustrative stand-in calibrated to published "
            "aggregate figures, not published provision-level data.")))
    if illustrative_refs:
        items.append((gettext("ILLUSTRATIVE REFERENCES"), ngettext(
            "%(num)s of the %(total)s reference accords carries an illustrative stand-in "
            "matrix, not PAM's own provision-by-year data.",
            "%(num)s of the %(total)s reference accords carry an illustrative stand-in matrix, "
            "not PAM's own provision-by-year data.", illustrative_refs,
            total=len(references))))
    return items


def _summary_sheet(book: Book, data: ReportData) -> None:
    rows = [{**row, "group": i18n.summary_group(row["group"])} for row in summary_rows(data)]
    sheet = _fill(book.sheet(N_("Summary"), C.SUMMARY, freeze="C2"), rows)
    ws, first_share = sheet.ws, sheet.column_index("share_not_initiated")
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
    from ..web import local_date

    chart.title = gettext("Priority split, as of %(date)s", date=local_date(data.as_of))
    for offset, label in enumerate(i18n.level_labels()):
        values = Reference(ws, min_col=first_share + offset, min_row=3, max_row=4)
        series = Series(values, title=label)
        series.graphicalProperties.solidFill = _rgb(palette.LEVEL_COLOURS[offset])
        series.graphicalProperties.line.solidFill = _rgb(palette.LEVEL_COLOURS[offset])
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=4))
    chart.y_axis.number_format = "0%"
    chart.legend.position = "b"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 18, 7
    ws.add_chart(chart, f"B{sheet.count + 4}")


def _rgb(colour: str) -> str:
    return colour.lstrip("#").upper()


def _timeline_sheet(book: Book, data: ReportData) -> None:
    sheet = _fill(book.sheet(N_("Timeline"), C.TIMELINE), timeline_rows(data))
    if not sheet.count:
        return
    ws, score = sheet.ws, sheet.column_index("score")
    chart = LineChart()
    chart.title = gettext("Implementation score by month")
    chart.add_data(Reference(ws, min_col=score, max_col=score + 2, min_row=1,
                             max_row=sheet.count + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=sheet.count + 1))
    for series, colour in zip(chart.series, (palette.ACCORD, palette.PRIORITY,
                                             palette.NON_PRIORITY)):
        series.smooth = False  # a month's score is a point, not a curve between points
        series.graphicalProperties.line.solidFill = _rgb(colour)
        series.graphicalProperties.line.width = 25400  # EMU: 2 pt
    chart.legend.position = "b"
    chart.x_axis.number_format = "yyyy-mm"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.y_axis.title = gettext("Score (0-100)")
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"{get_column_letter(len(C.TIMELINE) + 2)}2")


# --- CSV and raw data ------------------------------------------------------------------------

def provisions_csv(accord: Accord, as_of: date) -> bytes:
    return csv_bytes(C.PROVISIONS, provision_rows(ReportData(accord, AccordFigures(accord),
                                                             as_of)))


def history_csv(accord: Accord, as_of: date, *, include_unverified: bool = True,
                show_authors: bool = True) -> bytes:
    return csv_bytes(C.HISTORY, history_rows(accord, as_of, include_unverified=include_unverified,
                                             show_authors=show_authors))


def reference_rows(label: str, *, include_private: bool = False) -> list[dict]:
    """The reference set `label` in the long format `import-reference` reads, losslessly: one
    row per accord x provision type x coded year, with the year since signing (PAM
    `year_count`), whether the type is in the accord that year (a level kept for a type not
    in the accord is written with in_accord "no") and the accord's external identifiers."""
    query = select(Accord).where(Accord.kind == "reference", Accord.reference_set == label)
    if not include_private:
        query = query.where(Accord.public.is_(True))
    accords = list(db.session.scalars(query.order_by(Accord.signed_on, Accord.name, Accord.id)))
    coded = queries.reference_years([a.id for a in accords])
    rows = []
    for accord in accords:
        ids = accord.external_ids or {}
        for year in coded.get(accord.id, []):
            levels = {**{c: (v, False) for c, v in year.outside.items()},
                      **{c: (v, True) for c, v in year.levels.items()}}
            for code, (level, member) in sorted(levels.items()):
                rows.append({"accord": accord.name, "country": accord.country,
                             "signed_on": accord.signed_on.isoformat(), "provision_type": code,
                             "year": year.calendar_year, "level": level,
                             "year_count": year.year_count, "in_accord": yes_no(member),
                             "pam_caseid": ids.get("pam_caseid"), "cowcode": ids.get("cowcode"),
                             "illustrative": yes_no(accord.illustrative)})
    return rows


def reference_csv(label: str, *, include_private: bool = False) -> bytes:
    return csv_bytes(C.REFERENCE, reference_rows(label, include_private=include_private))


def reference_xlsx(label: str, *, include_private: bool = False) -> bytes:
    """The set in the long format (first sheet, what import-reference reads) and an About
    sheet with its provenance: label, version, citation, source file and SHA-256."""
    book = Book()
    _fill(book.sheet("Reference", C.REFERENCE),
          reference_rows(label, include_private=include_private))
    refset = queries.reference_set(label)
    about = book.sheet("About", C.ABOUT)
    for item, value in (("Reference set", label), ("Version", refset.version),
                        ("Cite", refset.citation), ("Source file", refset.source_filename),
                        ("Source SHA-256", refset.source_sha256),
                        ("Rows read", str(refset.rows_read)),
                        ("Imported", refset.imported_at.isoformat()),
                        ("Illustrative", yes_no(refset.illustrative)),
                        ("Exported by", f"Accord tracker {__version__}")):
        about.append((item, value))
    return book.save()


def app_version() -> str:
    """The product's name, as the pages name it in the reader's language, and its version."""
    return f"{gettext('Accord tracker')} {__version__}"


# --- the offline update workbook -------------------------------------------------------------

def update_workbook(accord: Accord, section: Section | None = None, *,
                    today: date | None = None) -> bytes:
    """Provisions (of a section, or all) with their current level and version, and unlocked
    columns for a new level (0-3 list), its effective date, evidence and a note; an empty
    Events sheet for the events to record with them (`excel.events`). Titles,
    headers, labels and instructions are in the current language (the reader's, on the web);
    `importer.read_update` reads a workbook made in any of the app's languages."""
    today = today or date.today()
    data = ReportData(accord, AccordFigures(accord), today)
    levels = data.figures.levels(today)
    deciding = data.deciding_records(today)
    chosen = data.figures.subset(Filters(section=section.code if section else None))
    book = Book(translate=gettext)
    sheet = book.sheet(C.UPDATE_SHEET, C.UPDATE, freeze="B2", unlock_editable=True)
    reader = str(get_locale())
    for p in chosen:
        level, record = levels.get(p.id, 0), deciding.get(p.id)
        text, version = data.extras[p.id]
        text = bilingual.for_reader(text, data.translations.get(p.id),
                                    accord.original_language or "en", reader).text
        sheet.append_dict({
            "code": p.code, "section": data.shown_section_label(p.section_path), "text": text,
            "current_level": level, "current_label": i18n.level_label(level),
            "last_change": record.effective_on if record else None, "version": version})
    sheet.finish()
    _protect(sheet, accord.signed_on)
    add_events_sheet(book, accord.signed_on, accord.slug)
    about = book.sheet(C.ABOUT_SHEET, C.ABOUT)
    for item in update_about(accord, section, today) + events_about():
        about.append(item)
    return book.save()


def _protect(sheet: Sheet, signed_on: date) -> None:
    ws, last = sheet.ws, max(sheet.count + 1, 2)  # a range needs one row, even with no data
    ws.protection.sheet = True
    ws.protection.autoFilter = ws.protection.formatColumns = False
    level_col = get_column_letter(sheet.column_index("new_level"))
    labels = i18n.level_labels()
    levels = DataValidation(
        type="list", formula1='"0,1,2,3"', allow_blank=True, showErrorMessage=True,
        errorTitle=gettext("Level 0-3"),
        error=gettext("Choose 0 (%(l0)s), 1 (%(l1)s), 2 (%(l2)s) or 3 (%(l3)s); leave blank "
                      "for no change.", l0=labels[0], l1=labels[1], l2=labels[2], l3=labels[3]))
    levels.add(f"{level_col}2:{level_col}{last}")
    date_col = get_column_letter(sheet.column_index("effective_on"))
    dates = dates_since_signing(signed_on, gettext("Effective date"))
    dates.add(f"{date_col}2:{date_col}{last}")
    ws.data_validations.append(levels)  # write-only sheets lack add_data_validation
    ws.data_validations.append(dates)
    events_col = get_column_letter(sheet.column_index("events"))
    cited = DataValidation(  # no check: a note shown when the cell is selected
        allow_blank=True, showInputMessage=True, promptTitle=gettext("Events cited"),
        prompt=gettext("Event numbers already recorded (e.g. 12) or rows of the Events sheet "
                       "(E5 = its row 5), separated by ';'. A cited event counts as "
                       "evidence."))
    cited.add(f"{events_col}2:{events_col}{last}")
    ws.data_validations.append(cited)


def update_about(accord: Accord, section: Section | None, today: date) -> list[tuple[str, str]]:
    """The items of the update workbook's About sheet, named in the reader's language; the
    importer reads the accord back by its name in any of the app's languages, or by the key
    "accord" of older workbooks (`importer.ABOUT_ACCORD`)."""
    header = {c.key: gettext(c.header) for c in C.UPDATE}
    return [
        (gettext(C.ABOUT_ACCORD), accord.slug),
        (gettext("Section"), section.code if section else ""),
        (gettext("Generated on"), today),
        (gettext("App version"), app_version()),
        (gettext("How to use"), gettext(
            "Fill '%(new_level)s' only for provisions whose level changed; a blank new level "
            "means no change. Give the effective date and evidence (a link, a description or "
            "a cited event), needed whether the level rises or falls.",
            new_level=header["new_level"])),
        (gettext("Events cited"), gettext(
            "'%(events)s': the implementation events the new level rests on, separated by "
            "';'. Either the number of an event already recorded and verified that bears on "
            "the row's provision (e.g. 12, as its page shows it), or E followed by a row "
            "number of the Events sheet (E5: the event typed on its row 5), which must list "
            "the row's provision among its provisions. A cited event counts as the evidence "
            "a rise or a fall needs. An event of the Events sheet is reviewed with the "
            "record that cites it: a coordinator verifies the event first.",
            events=header["events"])),
        (gettext("Version column"), gettext(
            "Do not edit '%(version)s': it tells the tracker which state you saw. If a "
            "provision changed since this workbook was made, its row is refused as a "
            "conflict; download a fresh workbook.", version=header["version"])),
        (gettext("Upload"), gettext(
            "Upload the saved .xlsx file on the accord's offline update page; you see every "
            "row's problems before anything is recorded.")),
    ]
