"""The offline update workbook: an accord's provisions (of a section, or all) with their
current level and version, unlocked and validated columns for a new level, its date, its
evidence and the events it cites, an Events sheet (`excel.events`) and an About sheet on how
to fill it. `importer.read_update` reads it back."""
from __future__ import annotations

from datetime import date

from flask_babel import get_locale, gettext
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from ..domain import bilingual
from ..domain.metrics import Filters
from ..figures import AccordFigures
from ..models import Accord, Section
from . import Book, Sheet
from . import columns as C
from .events import add_events_sheet, events_about
from .report_rows import ReportData
from .sheets import app_version
from .validation import dates_since_signing


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
