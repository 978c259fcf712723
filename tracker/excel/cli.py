"""Command-line exports: an accord's report workbook and a reference set's raw data."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..config import LANGUAGES


def _as_of(_ctx, _param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


@click.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--as-of", callback=_as_of, help="Figures as of this date, YYYY-MM-DD "
              "(default: today).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True,
              help="Language of sheet titles, headers, labels and notes.")
def export_command(slug: str, file: str, as_of: date, lang: str) -> None:
    """Write accord SLUG's report workbook (.xlsx) to FILE.

    Sheets About, Summary, Provisions, History (every status record, with its author and
    review state), Timeline (monthly) and Comparison (with the default reference set).
    """
    from flask_babel import force_locale

    from .. import queries
    from .report import report_workbook

    if not file.lower().endswith(".xlsx"):
        raise click.BadParameter("the report is a workbook: give a FILE ending in .xlsx")
    accord = queries.accord_by_slug(slug)
    if accord is None:
        click.echo(f"error: no accord with slug {slug!r}", err=True)
        sys.exit(1)
    if not accord.signed_on <= as_of <= date.today():
        raise click.BadParameter(f"--as-of must lie between the signing date "
                                 f"({accord.signed_on}) and today")
    with force_locale(lang):
        data = report_workbook(accord, as_of)
    _write(file, data)
    click.echo(f"wrote {file}: {accord.slug} as of {as_of.isoformat()}")


@click.command("export-reference")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--set", "set_label", default=None,
              help="Reference-set label to export (default: the default set).")
def export_reference_command(file: str, set_label: str | None) -> None:
    """Write a reference set to FILE (.csv or .xlsx) in the long format import-reference
    reads: accord, country, signed_on, provision_type, year, level, year_count, in_accord,
    pam_caseid, cowcode, illustrative.

    One row per accord x provision type x coded year (types not in the accord that year are
    left out unless the data set gives them a level), so importing the file again as a new
    set gives the same figures.
    """
    from .. import queries
    from ..figures import default_reference_set
    from .export import reference_csv, reference_xlsx

    set_label = set_label or default_reference_set()
    if set_label not in queries.reference_sets():
        click.echo(f"error: no reference set {set_label!r}", err=True)
        sys.exit(1)
    suffix = Path(file).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise click.BadParameter("give a FILE ending in .csv or .xlsx")
    build = reference_csv if suffix == ".csv" else reference_xlsx
    _write(file, build(set_label, include_private=True))
    click.echo(f"wrote {file}: reference set {set_label}")


COMMANDS = (export_command, export_reference_command)
