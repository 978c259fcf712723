"""Reading back an offline update workbook: every row checked, nothing written.

`read_update` refuses a file that is not a plain XLSX workbook of this accord with the
expected headers (`TableError`, HTTP 400). Otherwise it returns an `UpdatePlan`: one
`PlannedRow` per row with a new level, each with its problems (tied to the spreadsheet row
number) and, when it has none, the `StatusChange` that `services.submit` will record; and
one `events.PlannedEvent` per row of its Events sheet (an older workbook has none).
A blank new level is "no change" and produces nothing; so is the level already in force typed
again without evidence or note (the row is kept, marked `unchanged`, to say so).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from ..domain.citing import EventRefs
from ..domain.messages import Message, N_, as_reason
from ..domain.rules import Submission, changes_nothing, problems
from ..domain.scale import LEVEL_LABELS, LevelError
from ..extensions import db
from ..figures import AccordFigures
from ..models import Accord, Provision, Section
from ..permissions import can_edit
from ..services import StatusChange
from ..services.status import same_as_latest
from ..tabular import workbook
from ..tabular.cells import Cell
from ..tabular.errors import RowError, TableError
from . import columns as C
from .citing import Citations
from .events import PlannedEvent, events_sheet, read_events_sheet

#: Rows beyond this are refused before they are parsed (a section or accord has far fewer).
MAX_UPDATE_ROWS = 50_000


@dataclass
class PlannedRow:
    row: int  # spreadsheet row number (the header is row 1)
    code: str | None
    current_level: int | None = None
    new_level: int | None = None
    effective_on: date | None = None
    evidence_url: str | None = None
    evidence_text: str | None = None
    note: str | None = None
    version: int | None = None
    events: EventRefs | None = None  # the events cited, as typed
    cited: list[str] = field(default_factory=list)  # each reference, as the preview shows it
    problems: list[str | Message] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # keys of the columns that did not parse
    conflict: bool = False
    already_recorded: bool = False  # a re-upload of the user's own latest values
    unchanged: bool = False  # the level already in force, no evidence, no note: nothing to do
    change: StatusChange | None = None

    @property
    def current_label(self) -> str:
        return "" if self.current_level is None else LEVEL_LABELS[self.current_level]

    @property
    def confirms(self) -> bool:
        """A record of the level already in force, with evidence or a note."""
        return self.change is not None and self.new_level == self.current_level

    @property
    def new_label(self) -> str:
        return "" if self.new_level is None else LEVEL_LABELS[self.new_level]


@dataclass
class UpdatePlan:
    accord: Accord
    rows: list[PlannedRow]
    rows_read: int  # data rows in the sheet, blank new level included
    events: list[PlannedEvent] = field(default_factory=list)  # the Events sheet's rows
    events_sheet: str | None = None  # its title, as the workbook names it

    @property
    def event_inputs(self) -> list:
        """The events to record (`tracker.events.services.EventInput`), in row order."""
        return [e.item for e in self.events if e.to_record]

    @property
    def event_problems(self) -> list[PlannedEvent]:
        return [e for e in self.events if e.problems]

    @property
    def writes_something(self) -> bool:
        return bool(self.changes or self.event_inputs)

    @property
    def changes(self) -> list[StatusChange]:
        return [r.change for r in self.rows if r.change is not None]

    @property
    def problem_rows(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.problems]

    @property
    def conflicts(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.conflict]

    @property
    def ok(self) -> bool:
        return not self.problem_rows and not self.event_problems

    def row_of_change(self, index: int) -> int | None:
        changes = [r for r in self.rows if r.change is not None]
        return changes[index].row if 0 <= index < len(changes) else None


def read_update(accord: Accord, data: bytes, user, *, today: date | None = None) -> UpdatePlan:
    """Check an uploaded update workbook against the accord as it is now. Its cells are read
    by the app's one tabular reader (`tracker.tabular.workbook`), as the importers read theirs."""
    book = workbook.open_workbook(data)
    try:
        sheets = {sheet.title: sheet for sheet in book.worksheets}  # chartsheets left out
        if not sheets:
            raise TableError([RowError(None, workbook.NO_WORKSHEET)])
        _check_about(sheets, accord)
        update_sheet = _update_sheet(sheets)
        raw_rows, rows_read = _raw_rows(update_sheet)
        plan = UpdatePlan(accord, [], rows_read)
        found = events_sheet({t: s for t, s in sheets.items() if s is not update_sheet},
                             in_every_language(C.EVENTS_SHEET))
        if found is not None:  # read first: the status rows may cite its rows
            plan.events_sheet = found.title
            plan.events = read_events_sheet(found, accord, user, in_every_language)
        if raw_rows:
            _plan_rows(plan, raw_rows, user, today or date.today())
    finally:
        book.close()
    return plan


def _update_sheet(sheets: dict):
    """The update sheet (its title in any of the app's languages), else the first one."""
    titles = in_every_language(C.UPDATE_SHEET)
    return next((s for title, s in sheets.items() if title in titles),
                next(iter(sheets.values())))


def _check_about(sheets: dict, accord: Accord) -> None:
    """A workbook made for another accord is refused as a whole. Only an update workbook's
    About sheet is read (a report workbook's names the accord too, and is refused later as
    not an update workbook)."""
    titles = in_every_language(C.ABOUT_SHEET)
    about = next((s for title, s in sheets.items() if title in titles), None)
    if about is None or not in_every_language(C.UPDATE_SHEET) & set(sheets):
        return
    names = {name.casefold() for name in in_every_language(C.ABOUT_ACCORD)} | {"accord"}
    for number, row in workbook.sheet_rows(about, max_col=2):
        if number > 30:
            return
        key, value = (row + [Cell(), Cell()])[:2]
        if key.text.strip().casefold() in names and value.text.strip() not in ("",
                                                                               accord.slug):
            raise TableError([RowError(None, Message(
                N_("this workbook was made for accord %(made_for)s, not %(accord)s"),
                made_for=repr(value.text.strip()), accord=repr(accord.slug)))])


def in_every_language(text: str) -> set[str]:
    """`text` and its translation in each of the app's languages."""
    found = {text}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            found.add(gettext(text))
    return found


def header_lookup() -> dict[str, C.Column]:
    """Lower-cased header (in any of the app's languages) or key -> column."""
    lookup = C.header_lookup(C.UPDATE)
    for column in C.UPDATE:
        for header in in_every_language(column.header):
            lookup.setdefault(header.strip().lower(), column)
    return lookup


def _header_columns(header_cells: list[Cell]) -> list[C.Column | None]:
    lookup = header_lookup()
    headers = [c.text.strip() for c in header_cells]
    found = [lookup.get(h.lower()) if h else None for h in headers]
    if not any(found):
        raise TableError([RowError(None, N_(
            "this is not an update workbook (none of its columns is one): download one from "
            "this page, fill it and upload it"))])
    errors = []
    keys = [c.key for c in found if c is not None]
    missing = [gettext(c.header) for c in C.UPDATE
               if c.key in C.UPDATE_REQUIRED and c.key not in keys]
    if missing:
        errors.append(RowError(1, Message(N_("missing column(s): %(columns)s"),
                                          columns=", ".join(missing))))
    unknown = [h for h, c in zip(headers, found) if h and c is None]
    if unknown:
        errors.append(RowError(1, Message(N_("unknown column(s): %(columns)s"),
                                          columns=", ".join(unknown))))
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        errors.append(RowError(1, Message(N_("repeated column(s): %(columns)s"),
                                          columns=", ".join(repeated))))
    if errors:
        expected = ", ".join(gettext(c.header) for c in C.UPDATE)
        raise TableError(errors + [RowError(1, Message(N_("expected columns: %(columns)s"),
                                                       columns=expected))])
    return found


def _raw_rows(sheet) -> tuple[list[tuple[int, dict[str, Cell]]], int]:
    """(row number, {key: cell}) for each row with a new level; and the data rows read
    (rows that hold a value: formatted empty rows below the data count for nothing)."""
    header_number, header = next(workbook.sheet_rows(sheet), (0, []))
    while header and header[-1].empty:
        header.pop()
    if not header:
        raise TableError([RowError(None, N_("the update sheet is empty"))])
    layout = _header_columns(header)
    # Data rows no wider than the header: a stray cell far to the right costs nothing.
    rows = workbook.sheet_rows(sheet, max_col=len(header))
    level_at = next(i for i, c in enumerate(layout) if c is not None and c.key == "new_level")
    kept, read = [], 0
    for number, cells in rows:
        if number <= header_number:
            continue
        read += 1
        if read > MAX_UPDATE_ROWS:
            raise TableError([RowError(None, Message(
                N_("the workbook has more than %(rows)s rows; upload one section at a time"),
                rows=MAX_UPDATE_ROWS))])
        level_cell = cells[level_at] if level_at < len(cells) else Cell()
        if level_cell.empty:
            continue  # no change
        kept.append((number, {c.key: cell for c, cell in zip(layout, cells) if c is not None}))
    return kept, read


def level_names() -> dict[str, int]:
    """A level typed by its name, in any of the app's languages ("intermedio" -> 2)."""
    return {name.lower(): level for level, label in enumerate(LEVEL_LABELS)
            for name in in_every_language(label)}


def _level_value(value, names: dict[str, int]):
    """A new level as typed: 2, "2", "Intermedio", "2 - Intermedio" all mean 2."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in names:
        return names[text]
    numbered = re.match(r"([0-3])\s*[-–:.(]\s*(.+?)\)?$", text)
    if numbered and names.get(numbered.group(2).strip()) == int(numbered.group(1)):
        return int(numbered.group(1))
    return value


def _parse_row(number: int, cells: dict, names: dict[str, int]) -> PlannedRow:
    row = PlannedRow(number, None)
    for column in C.UPDATE:
        cell = cells.get(column.key)
        if column.parse is None or cell is None:
            continue
        if cell.formula or cell.error:
            row.problems.append(_not_a_value(column, cell))
            row.unreadable.add(column.key)
            continue
        value = cell.text if column.is_text else cell.value
        value = _level_value(value, names) if column.key == "new_level" else value
        try:
            setattr(row, column.key, column.parse(value))
        except (ValueError, LevelError) as exc:
            reason = as_reason(exc.args[0] if exc.args else str(exc))
            row.problems.append(Message(N_("%(column)s: %(reason)s"),
                                        column=Message(column.header), reason=reason))
            row.unreadable.add(column.key)
    return row


def _not_a_value(column: C.Column, cell: Cell) -> Message:
    """Why a formula cell or a cell showing an error (#N/A...) is refused."""
    if cell.formula:
        return Message(N_("%(column)s: formulas are not accepted; type the value"),
                       column=Message(column.header))
    return Message(N_("%(column)s: the cell shows the error %(error)s; type the value"),
                   column=Message(column.header), error=cell.text)


def _plan_rows(plan: UpdatePlan, raw_rows, user, today: date) -> None:
    accord = plan.accord
    codes = {_code(cells) for _n, cells in raw_rows}
    provisions = _provisions(accord, codes)
    levels = AccordFigures(accord).levels(today)
    seen: set[str] = set()
    names = level_names()
    rows = [_parse_row(number, cells, names) for number, cells in raw_rows]
    citations = Citations(accord, plan.events,
                          {n for row in rows if row.events for n in row.events.numbers})
    for row in rows:
        plan.rows.append(row)
        provision = provisions.get(row.code)
        if provision is None:
            row.problems.append(Message(N_("unknown provision code %(code)s"),
                                        code=repr(row.code)) if row.code
                                else N_("the provision code is empty"))
            continue
        if row.code in seen:
            row.problems.append(Message(N_("provision %(code)s appears on more than one row"),
                                        code=row.code))
            continue
        seen.add(row.code)
        row.current_level = levels.get(provision.id, 0)
        if not can_edit(user, provision):
            row.problems.append(Message(N_("you may not edit provision %(code)s"),
                                        code=row.code))
            continue
        _check_row(row, provision, user, today, citations)


def _code(cells: dict) -> str | None:
    cell = cells.get("code")
    return C.parse_text(cell.text) if cell is not None else None


def _provisions(accord: Accord, codes: set) -> dict[str, Provision]:
    """The accord's provisions named in the workbook, with their sections loaded (so
    permission checks walk the section tree without one query per row)."""
    list(db.session.scalars(select(Section).where(Section.accord_id == accord.id)))
    wanted, found = sorted(c for c in codes if c), {}
    for start in range(0, len(wanted), 500):
        for provision in db.session.scalars(select(Provision).where(
                Provision.accord_id == accord.id, Provision.code.in_(wanted[start:start + 500]))):
            found[provision.code] = provision
    return found


#: The update workbook's column behind each field of a submission (domain.rules names).
_COLUMN_OF_FIELD = {"level": "new_level", "effective_on": "effective_on",
                    "evidence_url": "evidence_url", "evidence_text": "evidence_text",
                    "note": "note", "events": "events"}


def _at_column(name: str, reason) -> Message:
    """A rule's `reason` about field `name` (`domain.rules` names), as the problem of the
    update sheet's column behind it ("Events cited: ...")."""
    key = _COLUMN_OF_FIELD.get(name, name)
    header = next(c.header for c in C.UPDATE if c.key == key)
    return Message(N_("%(column)s: %(reason)s"), column=Message(header),
                   reason=as_reason(reason))


def _check_row(row: PlannedRow, provision: Provision, user, today: date,
               citations: Citations) -> None:
    """The rules every way in applies (domain.rules: a cited event counts as evidence),
    then the version: a provision changed since the workbook was made is a conflict, never
    an overwrite. Every problem of the row is reported together: the rules run on the cells
    that were read even when another cell could not be (a level 7 and a date before signing
    are two problems), a cell that could not be read is reported once, by the reader, not
    again by the rules, and each bad reference to an event once, by `citing`."""
    cited = citations.resolve(row.events, provision)
    row.cited = cited.shown
    submission = Submission(row.new_level, row.effective_on, row.evidence_url,
                            row.evidence_text, row.note, events=cited.ids,
                            new_events=cited.positions)
    if not row.unreadable and not row.events and changes_nothing(submission,
                                                                 row.current_level):
        row.unchanged = True  # the level typed again: no change, like a blank new level
        return
    change = StatusChange(provision, submission, expected_version=row.version)
    if not row.unreadable and row.version != provision.version:
        again = replace(submission, events=cited.ids + cited.held_refused)
        if same_as_latest(replace(change, submission=again),
                          getattr(user, "id", None)) is not None:
            row.already_recorded = True  # a re-upload of the user's own latest values
            return
    found = problems(submission, current_level=row.current_level,
                     signed_on=provision.accord.signed_on, today=today,
                     citable=frozenset(cited.ids), cited=cited.dated,
                     refused=bool(cited.problems) or "events" in row.unreadable)
    row.problems.extend(_at_column("events", problem) for problem in cited.problems)
    row.problems.extend(_at_column(name, reason) if name == "events" else reason
                        for name, reason in found.items()
                        if _COLUMN_OF_FIELD.get(name) not in row.unreadable)
    if row.problems:
        return
    if row.version != provision.version:
        row.conflict = True
        row.problems.append(Message(
            N_("provision %(code)s changed since this workbook was made (version %(seen)s, "
               "now %(now)s): download a fresh workbook"),
            code=row.code, seen=row.version, now=provision.version))
        return
    row.change = change
