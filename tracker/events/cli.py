"""`flask --app tracker import-events SLUG FILE [--verified]`."""
from __future__ import annotations

import click


@click.command("import-events")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--verified", is_flag=True,
              help="Record the events (and their new sources) as verified: a coordinator's "
                   "bulk load of reviewed events, audited as such. Default: pending review.")
def import_events_command(slug: str, file: str, verified: bool) -> None:
    """Import implementation events of accord SLUG from FILE (CSV or XLSX): columns date,
    title, description, place_code, provision_codes (`;`-separated), source_title,
    source_url, source_date, publisher, and optionally effect (advances, sets_back,
    no_effect, context; default context), end_date, actors, source_kind (default report),
    source_language, language (of title and description: en or es; default the accord's
    original language), title_translated, description_translated (in the other language).
    Every bad row is reported by number and nothing is written if any row is bad; events
    already held are skipped."""
    from ..clitools import cli_actor, fail, read
    from ..tabular import TableError
    from .importer import import_events

    try:
        click.echo(import_events(slug, read(file), file, verified=verified,
                                 actor=cli_actor()))
    except TableError as exc:
        fail(exc)
