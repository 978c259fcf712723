"""`flask --app tracker import-places FILE [--country CO]`."""
from __future__ import annotations

import click


@click.command("import-places")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--country", default="CO", show_default=True,
              help="ISO 3166-1 alpha-2 code of the places' country.")
def import_places_command(file: str, country: str) -> None:
    """Load places and groups of places from FILE (CSV or XLSX): the generic layout (code,
    name, kind, [parent_code], [groups], [longitude], [latitude]) or DANE's DIVIPOLA and the
    PDET list as published (recognised by their headers). All rows or none; running it
    again with the same file changes nothing."""
    from ..clitools import fail, read
    from ..tabular import TableError
    from .importer import import_places

    try:
        click.echo(import_places(read(file), file, country))
    except TableError as exc:
        fail(exc)
