"""What the workbooks' sheets share beyond `tracker.excel`'s writer: filling a sheet up to
the worksheet's row limit, a fixed vocabulary shown in the reader's language, chart colours
and the app's name and version as a workbook states it."""
from __future__ import annotations

from flask_babel import gettext

from .. import __version__, i18n
from . import Sheet


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



def fill(sheet: Sheet, rows) -> Sheet:
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



def rgb(colour: str) -> str:
    """"#0072B2" -> "0072B2": a palette colour as openpyxl's charts take it."""
    return colour.lstrip("#").upper()



def app_version() -> str:
    """The product's name, as the pages name it in the reader's language, and its version."""
    return f"{gettext('Accord tracker')} {__version__}"
