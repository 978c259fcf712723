"""The update workbook's Events sheet: written empty, with validation lists and an
explanation of its columns on the About sheet (`add_events_sheet`, `events_about`), and read
back row by row (`read_events_sheet`) through the row rules of `flask import-events`
(`tracker.events.importer.RowReader`), so both ways in refuse the same rows in the same
words. Headers, effects, source kinds and languages are written in the reader's language and
read back in any of the app's. A row's title and description are taken to be in the
workbook's language (that of its sheet titles) unless its language column says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.bilingual import LANGUAGES
from ..domain.events import LANGUAGE_NAMES
from ..domain.messages import Message, N_, as_reason
from ..domain.text import parse_iso_date
from ..events.services import EventInput
from ..i18n import typing_language
from ..permissions import can_edit
from ..tabular import workbook
from ..tabular.cells import Cell
from ..tabular.errors import RowError, TableError
from . import Book, Sheet
from . import columns as C
from .validation import dates_since_signing

#: Rows beyond this are refused before they are read (events are entered a few at a time).
MAX_EVENT_ROWS = 5_000
#: Effects and source kinds as the workbook's lists name them (translated when written).
EFFECT_LABELS = {"advances": N_("advances"), "sets_back": N_("sets back"),
                 "no_effect": N_("no effect on the level"), "context": N_("context")}
KIND_LABELS = {"official_document": N_("official document"), "gazette": N_("gazette"),
               "news": N_("news"), "field_observation": N_("field observation"),
               "interview": N_("interview"), "report": N_("report")}


# --- writing ---------------------------------------------------------------------------------

def add_events_sheet(book: Book, signed_on: date, header: str) -> Sheet:
    """The empty Events sheet: headers, widths, lists of effects, languages and source
    kinds and date
    checks over its first `C.UPDATE_EVENTS_ROWS` rows; printed landscape with `header` (the
    accord) at the top of each page."""
    sheet = book.sheet(C.EVENTS_SHEET, C.UPDATE_EVENTS, freeze="A2")
    sheet.finish()
    sheet.print_setup(header)
    last = C.UPDATE_EVENTS_ROWS + 1

    def column(key: str) -> str:
        letter = get_column_letter(sheet.column_index(key))
        return f"{letter}2:{letter}{last}"

    def listed(key: str, labels: dict[str, str], title: str) -> DataValidation:
        names = [gettext(label) for label in labels.values()]
        check = DataValidation(type="list", formula1='"' + ",".join(names) + '"',
                               allow_blank=True, showErrorMessage=True, errorTitle=title,
                               error=gettext("Choose one of: %(names)s.",
                                             names=", ".join(names)))
        check.add(column(key))
        return check

    sheet.ws.data_validations.append(listed("effect", EFFECT_LABELS, gettext("Effect")))
    sheet.ws.data_validations.append(listed("source_kind", KIND_LABELS,
                                            gettext("Source kind")))
    sheet.ws.data_validations.append(listed("language", LANGUAGE_NAMES, gettext("Language")))
    dates = dates_since_signing(signed_on, gettext("Date"))
    for key in ("date", "end_date"):
        dates.add(column(key))
    sheet.ws.data_validations.append(dates)
    return sheet


def events_about() -> list[tuple[str, str]]:
    """The About sheet's items explaining the Events sheet, in the reader's language."""
    header = {c.key: gettext(c.header) for c in C.UPDATE_EVENTS}
    effects = ", ".join(gettext(label) for label in EFFECT_LABELS.values())
    return [
        (gettext("Events sheet"), gettext(
            "One implementation event a row, recorded with the status changes (all or "
            "nothing) and reviewed as they are: an editor's wait for a coordinator, a "
            "coordinator's count as verified at once. Leave the sheet empty when there is "
            "none.")),
        (gettext("Event columns"), gettext(
            "'%(date)s' (YYYY-MM-DD, on or after the signing date, not in the future) and "
            "'%(title)s' are required; '%(end_date)s' for an event that lasted; "
            "'%(place_code)s' is an official place code (e.g. DIVIPOLA 19050).",
            **header)),
        (gettext("Event language"), gettext(
            "'%(language)s': %(languages)s; leave it empty when the title and description "
            "are written in this workbook's language (%(this)s).",
            languages=", ".join(gettext(name) for name in LANGUAGE_NAMES.values()),
            this=gettext(LANGUAGE_NAMES.get(str(get_locale()), LANGUAGE_NAMES["en"])),
            **header)),
        (gettext("Event provisions"), gettext(
            "'%(provision_codes)s': the codes of this accord's provisions it bears on, "
            "separated by ';', each with its effect after ':', e.g. 1.1.2:advances; "
            "1.3.1:context. Effects: %(effects)s. A code without one takes '%(effect)s' "
            "(default: context).", effects=effects, **header)),
        (gettext("Event sources"), gettext(
            "Give a new source ('%(source_title)s', '%(source_url)s', '%(source_date)s', "
            "'%(publisher)s', '%(source_kind)s'), or cite a source already recorded by its "
            "number in '%(source_id)s' (or both). Rows naming the same source cite one.",
            **header)),
    ]


# --- reading ---------------------------------------------------------------------------------

@dataclass
class PlannedEvent:
    """One row of the Events sheet: its values as typed (by column key), its problems and,
    when it has none, the event to record; `held` when the accord holds it already."""

    row: int
    values: dict[str, str]
    problems: list[str | Message] = field(default_factory=list)
    item: EventInput | None = None
    held: bool = False

    @property
    def to_record(self) -> bool:
        return self.item is not None and not self.problems and not self.held

    def day(self, key: str) -> date | str:
        """The date typed in column `key` ("date", "end_date", "source_date"): a date when
        it reads as one (the preview shows it in the reader's format), else the text as
        typed ("" for a blank cell), which the row's problems name."""
        text = self.values.get(key) or ""
        try:
            return parse_iso_date(text)
        except ValueError:
            return text


def events_sheet(sheets: dict, titles: set[str]):
    """The Events sheet (its title in any of the app's languages, `titles`), or None: an
    older workbook has none."""
    return next((s for title, s in sheets.items() if title in titles), None)


def read_events_sheet(sheet, accord, user, in_every_language) -> list[PlannedEvent]:
    """Every row of the Events sheet that holds a value, checked by the events importer's
    row rules (the user must be allowed to edit every provision a row links). Raises
    TableError naming the sheet for a header it does not know or repeats."""
    from ..events.importer import RowReader

    rows = _rows(sheet, _header_lookup(in_every_language), in_every_language)
    planned = {number: PlannedEvent(number, values, problems) for number, values, problems
               in rows}
    labels = {c.key: Message(c.header) for c in C.UPDATE_EVENTS}
    reader = RowReader(
        accord, label=lambda key: labels.get(key, key),
        may_link=lambda provision: can_edit(user, provision),
        effect_names=_names(EFFECT_LABELS, in_every_language),
        kind_names=_names(KIND_LABELS, in_every_language),
        kinds_shown=", ".join(gettext(label) for label in KIND_LABELS.values()),
        language=sheet_language(sheet.title) or typing_language(accord),
        language_names=_names(LANGUAGE_NAMES, in_every_language))
    readable = [(n, values) for n, values, problems in rows if not problems]
    for number, item in reader.read_all(readable):
        planned[number].item = item
    for error in reader.errors:
        planned[error.row].problems.append(error.message)
    for event in planned.values():
        if event.item is not None and not event.problems:
            event.held = reader.held(event.item)
    return list(planned.values())


def sheet_language(title: str) -> str | None:
    """The content language (ISO 639-1) whose translation of the Events sheet's title is
    `title`: the language the workbook was made in; None when no single one is."""
    found = set()
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            if gettext(C.EVENTS_SHEET) == title:
                found.add(str(locale))
    found &= set(LANGUAGES)
    return found.pop() if len(found) == 1 else None


def _names(labels: dict[str, str], in_every_language) -> dict[str, str]:
    """Each label (in any of the app's languages, lower-cased) -> its stored value."""
    return {name.lower(): value for value, label in labels.items()
            for name in in_every_language(label)}


def _header_lookup(in_every_language) -> dict[str, C.Column]:
    lookup = C.header_lookup(C.UPDATE_EVENTS)
    for column in C.UPDATE_EVENTS:
        for header in in_every_language(column.header):
            lookup.setdefault(header.strip().lower(), column)
    return lookup


def _rows(sheet, lookup: dict, in_every_language) -> list[tuple[int, dict, list]]:
    """(row number, {key: text}, problems of cells that could not be read) of each data
    row; a column the sheet lacks reads as blank."""
    title = sheet.title
    found = workbook.sheet_rows(sheet)
    header_number, header = next(found, (0, []))
    while header and header[-1].empty:
        header.pop()
    names = [c.text.strip() for c in header]
    layout = [lookup.get(name.lower()) if name else None for name in names]
    unknown = [name for name, column in zip(names, layout) if name and column is None]
    keys = [c.key for c in layout if c is not None]
    repeated = sorted({gettext(c.header) for c in layout if c and keys.count(c.key) > 1})
    errors = []
    if unknown:
        errors.append(Message(N_("unknown column(s): %(columns)s"), columns=", ".join(unknown)))
    if repeated:
        errors.append(Message(N_("repeated column(s): %(columns)s"),
                              columns=", ".join(repeated)))
    if errors:
        raise TableError([RowError(1, Message(N_("sheet %(sheet)s: %(reason)s"),
                                              sheet=title, reason=e)) for e in errors])
    rows = []
    for number, cells in workbook.sheet_rows(sheet, max_col=len(header) or None):
        if number <= header_number:
            continue
        if len(rows) >= MAX_EVENT_ROWS:
            raise TableError([RowError(None, Message(
                N_("sheet %(sheet)s has more than %(rows)s rows"), sheet=title,
                rows=MAX_EVENT_ROWS))])
        rows.append(_values(number, layout, cells))
    return rows


def _values(number: int, layout: list, cells: list[Cell]) -> tuple[int, dict, list]:
    values, problems = {}, []
    for column, cell in zip(layout, cells):
        if column is None:
            continue
        if cell.formula or cell.error:
            problems.append(Message(N_("%(column)s: formulas and error cells are not "
                                       "accepted; type the value"),
                                    column=Message(column.header)))
            continue
        try:
            values[column.key] = column.parse(cell.text) or ""
        except ValueError as exc:
            problems.append(Message(N_("%(column)s: %(reason)s"),
                                    column=Message(column.header),
                                    reason=as_reason(exc.args[0])))
    return number, values, problems
