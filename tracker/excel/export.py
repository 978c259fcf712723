"""Raw data as files: CSV variants of the report workbook's Provisions and History sheets
(`report_rows`), and a reference set in `import-reference`'s long format (CSV, or a workbook
with its provenance). Each function returns bytes; a view only checks access and sends them.
These files never change with the reader's language. The workbooks themselves are built by
`report` (the report workbook) and `update` (the offline update workbook).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import __version__, queries
from ..extensions import db
from ..figures import AccordFigures
from ..models import Accord
from . import Book, csv_bytes, yes_no
from . import columns as C
from .report_rows import ReportData, history_rows, provision_rows
from .sheets import fill


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
    fill(book.sheet("Reference", C.REFERENCE),
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
