"""The one column specification shared by the workbook and CSV exports and the update import.

Each sheet is a tuple of `Column`s: the key (CSV header and the name rows are built with),
the header shown in a workbook, the width, the number format, and for columns read back
from an update workbook, the parser that turns a cell value into a Python value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from ..domain.citing import parse_event_refs
from ..domain.messages import Message, N_
from ..domain.scale import parse_level
from ..domain.text import clean_text, parse_iso_date, unescape_ooxml

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
PERCENT_FORMAT = "0.0%"
SCORE_FORMAT = "0.00"
LEVEL_MEAN_FORMAT = "0.00"
#: Changes with their sign, a score's two decimals and a share's one (percentage points), as
#: pages write them (`web.signed`).
SIGNED_SCORE_FORMAT = "+0.00;\"\u2212\"0.00;0.00"
SIGNED_POINTS_FORMAT = "+0.0;\"\u2212\"0.0;0.0"


def parse_text(value: object) -> str | None:
    """A cell as stripped text through the input rule (`domain.text.clean_text`); None when
    empty. Raises ValueError(Message) for a control character."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(unescape_ooxml(str(value))).strip()
    return text or None


def parse_date_cell(value: object) -> date | None:
    """A date cell (a datetime from Excel or LibreOffice) or YYYY-MM-DD text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) > 10 and text[10] in "T ":  # a date-time written as text
        text = text[:10]
    return parse_iso_date(text)


def parse_level_cell(value: object) -> int | None:
    """0-3, or None for a blank cell ("no change")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_level(value)


def parse_version(value: object) -> int:
    try:
        number = float(str(value).strip()) if value is not None else None
    except ValueError:
        number = None
    if number is None or not number.is_integer() or number < 1:
        raise ValueError(Message(N_("the version %(value)s is not a version number: do not "
                                    "edit that column, download a fresh workbook"),
                                 value=repr(value)))
    return int(number)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float = 12
    kind: str = "text"  # text | int | number | percent | date | datetime
    number_format: str | None = None
    parse: Callable[[object], object] | None = None
    editable: bool = False  # update workbook: unlocked for the editor

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def cell_format(self) -> str | None:
        return self.number_format or {
            "date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "percent": PERCENT_FORMAT,
        }.get(self.kind)


ABOUT = (
    Column("item", N_("Item"), 34),
    Column("value", N_("Value"), 110),
)
ABOUT_SHEET = N_("About")
#: The update workbook's About item naming the accord it was made for (read back on upload;
#: older workbooks wrote the key "accord").
ABOUT_ACCORD = N_("Accord")


def _share_columns(prefix: str = "share_") -> tuple[Column, ...]:
    return (
        Column(f"{prefix}not_initiated", N_("Not initiated"), 13, "percent"),
        Column(f"{prefix}minimal", N_("Minimal"), 11, "percent"),
        Column(f"{prefix}intermediate", N_("Intermediate"), 13, "percent"),
        Column(f"{prefix}complete", N_("Complete"), 11, "percent"),
    )


#: Summary sheet: the whole accord, its priority split, then each point (top-level section).
SUMMARY = (
    Column("group", N_("Group"), 14),
    Column("name", N_("Name"), 48),
    Column("provisions", N_("Provisions"), 11, "int"),
    Column("count_not_initiated", N_("Not initiated (n)"), 16, "int"),
    Column("count_minimal", N_("Minimal (n)"), 12, "int"),
    Column("count_intermediate", N_("Intermediate (n)"), 15, "int"),
    Column("count_complete", N_("Complete (n)"), 12, "int"),
    *_share_columns(),
    Column("score", N_("Score (0-100)"), 13, "number", SCORE_FORMAT),
)

PROVISIONS = (
    Column("code", N_("Code"), 12),
    Column("section", N_("Section"), 40),
    Column("text", N_("Text"), 70),
    Column("provision_type", N_("Provision type"), 14),
    Column("priority", N_("Priority"), 9),
    Column("tags", N_("Tags"), 20),
    Column("responsible_actor", N_("Responsible actor"), 22),
    Column("time_frame", N_("Time frame"), 11),
    Column("deadline", N_("Deadline"), 12, "date"),
    Column("level", N_("Level"), 7, "int"),
    Column("level_label", N_("Level label"), 14),
    Column("last_change", N_("Last change"), 12, "date"),
    Column("evidence_url", N_("Evidence link"), 30),
    Column("evidence_text", N_("Evidence"), 50),
    # text and section above are in the accord's original language; these give both
    # languages (blank where that language's text has not been entered).
    Column("text_en", N_("Text in English"), 70),
    Column("text_es", N_("Text in Spanish"), 70),
    Column("section_en", N_("Section in English"), 40),
    Column("section_es", N_("Section in Spanish"), 40),
)

HISTORY = (
    Column("record_id", N_("Record"), 9, "int"),
    Column("provision_code", N_("Provision"), 12),
    Column("level", N_("Level (0-3)"), 8, "int"),
    Column("effective_on", N_("Effective on"), 12, "date"),
    Column("recorded_at", N_("Recorded at (UTC)"), 17, "datetime"),
    Column("author", N_("Author"), 28),
    Column("review_state", N_("Review state"), 12),
    Column("reviewed_by", N_("Reviewed by"), 28),
    Column("reviewed_at", N_("Reviewed at (UTC)"), 17, "datetime"),
    Column("source", N_("Source"), 9),
    Column("corrects", N_("Corrects record"), 10, "int"),
    Column("evidence_url", N_("Evidence link"), 30),
    Column("evidence_text", N_("Evidence"), 50),
    Column("note", N_("Note"), 40),
)

TIMELINE = (
    Column("date", N_("Date"), 12, "date"),
    Column("provisions", N_("Provisions"), 11, "int"),
    *_share_columns(),
    Column("score", N_("Score"), 9, "number", SCORE_FORMAT),
    Column("priority_score", N_("Priority score"), 14, "number", SCORE_FORMAT),
    Column("non_priority_score", N_("Non-priority score"), 18, "number", SCORE_FORMAT),
)

COMPARISON = (
    Column("provision_type", N_("Provision type"), 14),
    Column("type_name", N_("Name"), 40),
    Column("accord_level", N_("This accord (mean level 0-3)"), 16, "number", LEVEL_MEAN_FORMAT),
    Column("stipulations", N_("Stipulations behind it"), 12, "int"),
    Column("n", N_("Reference accords"), 11, "int"),
    Column("mean", N_("Reference mean"), 11, "number", LEVEL_MEAN_FORMAT),
    Column("median", N_("Median"), 9, "number", LEVEL_MEAN_FORMAT),
    Column("q1", N_("Q1"), 8, "number", LEVEL_MEAN_FORMAT),
    Column("q3", N_("Q3"), 8, "number", LEVEL_MEAN_FORMAT),
    Column("min", N_("Min"), 8, "number", LEVEL_MEAN_FORMAT),
    Column("max", N_("Max"), 8, "number", LEVEL_MEAN_FORMAT),
    Column("difference", N_("Difference from mean"), 12, "number", LEVEL_MEAN_FORMAT),
    Column("percentile", N_("Percentile"), 11, "number", "0.0"),
    Column("above_mean", N_("Above mean"), 11),
)

#: The offline update workbook: informational columns (locked) then the editor's columns;
#: headers are written in the reader's language and read back in any of the app's.
UPDATE = (
    Column("code", N_("Code"), 12, parse=parse_text),
    Column("section", N_("Section"), 30),
    Column("text", N_("Text"), 60),
    Column("current_level", N_("Current level"), 9, "int"),
    Column("current_label", N_("Current label"), 14),
    Column("last_change", N_("Last change"), 12, "date"),
    Column("version", N_("Version (do not edit)"), 10, "int", parse=parse_version),
    Column("new_level", N_("New level (0-3)"), 11, "int", parse=parse_level_cell,
           editable=True),
    Column("effective_on", N_("Effective on"), 13, "date", parse=parse_date_cell,
           editable=True),
    Column("evidence_url", N_("Evidence link"), 30, parse=parse_text, editable=True),
    Column("evidence_text", N_("Evidence"), 45, parse=parse_text, editable=True),
    Column("note", N_("Note"), 35, parse=parse_text, editable=True),
    # the events the row's record cites: "12" (an event recorded already), "E5" (the event
    # on row 5 of the Events sheet), separated by ";" (`domain.citing`)
    Column("events", N_("Events cited"), 18, parse=parse_event_refs, editable=True),
)
#: Sheet titles of the update workbook; translated when written, any language read back.
UPDATE_SHEET = N_("Update")
#: Columns an uploaded update workbook must have (the others are informational; the events
#: cited are optional too: workbooks made before it had no such column).
UPDATE_REQUIRED = tuple(c.key for c in UPDATE if c.parse is not None and c.key != "events")

#: The update workbook's Events sheet: one implementation event a row, filled by the editor
#: (every column editable, the sheet starts empty). Keys are those of `flask import-events`
#: (`tracker.events.importer`), whose row rules read the sheet.
UPDATE_EVENTS = (
    Column("date", N_("Date"), 12, "date", parse=parse_text, editable=True),
    Column("end_date", N_("End date"), 12, "date", parse=parse_text, editable=True),
    Column("title", N_("Title"), 30, parse=parse_text, editable=True),
    Column("description", N_("Description"), 36, parse=parse_text, editable=True),
    Column("language", N_("Language of the title and description"), 16, parse=parse_text,
           editable=True),
    Column("place_code", N_("Place code"), 11, parse=parse_text, editable=True),
    Column("provision_codes", N_("Provisions (code:effect; ...)"), 32, parse=parse_text,
           editable=True),
    Column("effect", N_("Effect (for codes without one)"), 32, parse=parse_text,
           editable=True),
    Column("actors", N_("Actors"), 20, parse=parse_text, editable=True),
    Column("source_id", N_("Existing source (id)"), 24, parse=parse_text, editable=True),
    Column("source_title", N_("Source title"), 30, parse=parse_text, editable=True),
    Column("source_url", N_("Source link"), 30, parse=parse_text, editable=True),
    Column("source_date", N_("Source date"), 12, "date", parse=parse_text, editable=True),
    Column("publisher", N_("Publisher"), 22, parse=parse_text, editable=True),
    Column("source_kind", N_("Source kind"), 18, parse=parse_text, editable=True),
)
#: The rows an Events sheet offers for filling (unlocked, with their validation lists).
UPDATE_EVENTS_ROWS = 200

#: The long format `flask import-reference` reads (headers are the keys).
REFERENCE = (
    Column("accord", "accord", 40),
    Column("country", "country", 16),
    Column("signed_on", "signed_on", 12),
    Column("provision_type", "provision_type", 14),
    Column("year", "year", 7, "int"),
    Column("level", "level", 7, "int"),
    Column("year_count", "year_count", 10, "int"),
    Column("in_accord", "in_accord", 9),
    Column("pam_caseid", "pam_caseid", 10, "int"),
    Column("cowcode", "cowcode", 8, "int"),
    Column("illustrative", "illustrative", 11),
)


def header_lookup(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Lower-cased header and key -> column, for matching an uploaded header row."""
    lookup = {}
    for column in columns:
        lookup[column.header.strip().lower()] = column
        lookup[column.key] = column
    return lookup

#: Changes sheet of a cut-off's workbook: what changed since the previous cut-off.
CHANGES = (
    Column("part", N_("Part"), 24),
    Column("name", N_("Name"), 48),
    Column("before", N_("Before"), 11, "number", SCORE_FORMAT),
    Column("after", N_("After"), 11, "number", SCORE_FORMAT),
    Column("change", N_("Change"), 11, "number", SIGNED_SCORE_FORMAT),
    Column("complete_change", N_("Change in complete (points)"), 16, "number",
           SIGNED_POINTS_FORMAT),
    Column("level_before", N_("Level before"), 11, "int", "0"),
    Column("level_after", N_("Level after"), 11, "int", "0"),
)

#: Events: the events feed's CSV/XLSX export and the report workbook's Events sheet. Title
#: and description as stored, in `language` (ISO 639-1), then in each language;
#: provisions as "code:effect" and sources as ids, joined with "; ".
EVENTS = (
    Column("event_id", N_("Event"), 8, "int"),
    Column("date", N_("Date"), 12, "date"),
    Column("end_date", N_("End date"), 12, "date"),
    Column("title", N_("Title"), 40),
    Column("description", N_("Description"), 60),
    Column("language", N_("Language"), 9),
    Column("place_code", N_("Place code"), 10),
    Column("place", N_("Place"), 24),
    Column("place_parent", N_("Department"), 22),
    Column("actors", N_("Actors"), 28),
    Column("provisions", N_("Provisions (code:effect)"), 30),
    Column("source_ids", N_("Sources"), 12),
    Column("source_titles", N_("Source titles"), 40),
    Column("source_urls", N_("Source links"), 40),
    Column("review_state", N_("Review state"), 12),
    Column("title_en", N_("Title in English"), 40),
    Column("title_es", N_("Title in Spanish"), 40),
    Column("description_en", N_("Description in English"), 60),
    Column("description_es", N_("Description in Spanish"), 60),
)
EVENTS_SHEET = N_("Events")

#: Sources cited by an accord's events (the report workbook's Sources sheet).
SOURCES = (
    Column("source_id", N_("Source"), 8, "int"),
    Column("title", N_("Title"), 40),
    Column("kind", N_("Kind"), 16),
    Column("publisher", N_("Publisher"), 24),
    Column("published_on", N_("Date"), 12, "date"),
    Column("url", N_("Link"), 40),
    Column("language", N_("Language"), 9),
    Column("shared", N_("Shared by every accord"), 10),
    Column("attachment_name", N_("Attached file"), 24),
    Column("attachment_type", N_("File type"), 18),
    Column("attachment_sha256", N_("File SHA-256"), 30),
    Column("events", N_("Events citing it"), 10, "int"),
    Column("review_state", N_("Review state"), 12),
)
SOURCES_SHEET = N_("Sources")
