"""The report workbook: About, Summary (with its chart), Provisions, History, Timeline (with
its chart) and Comparison sheets of an accord as of a date, then its Events and Sources
sheets (`events.export`) and the Changes since a cut-off (`cutoffs.sheets`), printed fit to
the page width. It speaks the current language (the reader's, on the web): sheet titles,
headers, labels and notes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_babel import format_decimal, gettext, ngettext
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from .. import i18n, palette
from ..domain.messages import N_
from ..extensions import db
from ..figures import AccordFigures, default_reference_set
from ..models import Accord
from . import Book, naive_utc
from . import columns as C
from .report_rows import (ReportData, comparison_rows, history_rows, provision_rows,
                          reference_citation, summary_rows, timeline_rows)
from .sheets import app_version, fill, readable, rgb


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
    fill(book.sheet(N_("Provisions"), C.PROVISIONS, freeze="B2"),
          readable(provision_rows(data, i18n.level_label, for_reader=True)))
    history = fill(book.sheet(N_("History"), C.HISTORY, freeze="C2"),
                    readable(history_rows(accord, as_of, include_unverified=include_unverified,
                                          show_authors=show_authors, known_at=known_at)))
    if history.cut:
        about.append((gettext("HISTORY SHEET CUT"), gettext(
            "The History sheet holds the first %(n)s records, as many as a worksheet holds; "
            "the history CSV export holds every record.", n=format_decimal(history.count))))
    _timeline_sheet(book, data)
    fill(book.sheet(N_("Comparison"), C.COMPARISON, freeze="B2"), readable(comparison_table))
    if known_at is None and accord.kind == "monitored":  # events as known now only
        from ..events.export import add_sheets

        add_sheets(book, accord, as_of, include_unverified)
    if since is not None:
        from ..cutoffs.sheets import changes_rows

        fill(book.sheet(N_("Changes"), C.CHANGES, freeze="C2"),
              changes_rows(accord, since, cutoff_label, data, snapshot))
    _print_setup(book, data, cutoff_label)
    return book.save(fixed_at)


#: Columns holding a word of a fixed vocabulary, and how a reader's workbook shows it: the
#: stored word in English, its translation otherwise (the CSV exports keep the stored word:


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
    sheet = fill(book.sheet(N_("Summary"), C.SUMMARY, freeze="C2"), rows)
    ws, first_share = sheet.ws, sheet.column_index("share_not_initiated")
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
    from ..web import local_date

    chart.title = gettext("Priority split, as of %(date)s", date=local_date(data.as_of))
    for offset, label in enumerate(i18n.level_labels()):
        values = Reference(ws, min_col=first_share + offset, min_row=3, max_row=4)
        series = Series(values, title=label)
        series.graphicalProperties.solidFill = rgb(palette.LEVEL_COLOURS[offset])
        series.graphicalProperties.line.solidFill = rgb(palette.LEVEL_COLOURS[offset])
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=4))
    chart.y_axis.number_format = "0%"
    chart.legend.position = "b"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 18, 7
    ws.add_chart(chart, f"B{sheet.count + 4}")



def _timeline_sheet(book: Book, data: ReportData) -> None:
    sheet = fill(book.sheet(N_("Timeline"), C.TIMELINE), timeline_rows(data))
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
        series.graphicalProperties.line.solidFill = rgb(colour)
        series.graphicalProperties.line.width = 25400  # EMU: 2 pt
    chart.legend.position = "b"
    chart.x_axis.number_format = "yyyy-mm"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.y_axis.title = gettext("Score (0-100)")
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"{get_column_letter(len(C.TIMELINE) + 2)}2")
