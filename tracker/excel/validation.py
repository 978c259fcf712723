"""Data validations the workbooks share (openpyxl `DataValidation`), in the reader's
language: Excel and LibreOffice check what a partner types offline before it is uploaded."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from openpyxl.worksheet.datavalidation import DataValidation


def dates_since_signing(signed_on: date, title: str) -> DataValidation:
    """A check that a cell holds a date on or after `signed_on` (blank allowed), its error
    box titled `title` and naming the signing date. Add cell ranges with `.add("B2:B200")`
    and append it to the sheet's `data_validations`."""
    return DataValidation(
        type="date", operator="greaterThanOrEqual",
        formula1=f"DATE({signed_on.year},{signed_on.month},{signed_on.day})",
        allow_blank=True, showErrorMessage=True, errorTitle=title,
        error=gettext("A date on or after the signing date, %(date)s.",
                      date=signed_on.isoformat()))
