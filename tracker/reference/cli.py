"""`flask import-reference FILE` and `flask reference-sets list|show|delete|default`: load
a reference data set and manage the sets held."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..clitools import cli_actor, fail, read
from ..tables import TableError


@click.command("import-reference")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--set", "set_label", default=None,
              help="Label of the reference set (default: 'PAM_ID v<version>' for a PAM_ID "
                   "file, else the file's name).")
@click.option("--replace", is_flag=True,
              help="Replace the existing set of that label with this file, in one transaction.")
@click.option("--accept-losses", is_flag=True,
              help="With --replace: replace even when the file lacks data the set holds (its "
                   "version, citation, source address, yearly totals, initiated/reversal "
                   "codes), which is otherwise refused.")
@click.option("--illustrative/--published", default=None,
              help="Mark the set's data as illustrative (default: as the file says).")
@click.option("--citation", default=None, help="How to cite the data (default for PAM_ID: "
                                                "Joshi, Quinn & Regan 2015).")
def import_reference_command(file: str, set_label: str | None, replace: bool,
                             accept_losses: bool, illustrative: bool | None,
                             citation: str | None) -> None:
    """Load a reference data set (CSV or XLSX) as a reference set.

    Two layouts are recognised from the headers. PAM_ID as the Kroc Institute publishes it
    (v1.5 header `accord name`, v2.0 `accordname`): one row per accord x calendar year, with
    `pam_caseid`, `year_count`, `year` and four columns per provision type (`<stem>_prov`,
    `_init`, `_implem`, `_rev`). The long layout: one row per accord x provision type x
    calendar year, columns accord, country, signed_on, provision_type (PAM code or name), year,
    level (0-3; blank: the type is not in the accord that year) and optionally year_count,
    in_accord, pam_caseid, cowcode, illustrative.

    Quirks of the data (a repeated calendar year, a row without year_count, points on a type
    not in the accord that year) are reported with their rows and do not block the file; a bad
    row blocks it whole. The same file twice, or an existing label without --replace, writes
    nothing and exits non-zero.
    """
    from .sets import import_set

    try:
        result = import_set(read(file), file, set_label, replace=replace,
                            illustrative=illustrative, citation=citation,
                            accept_losses=accept_losses, actor=cli_actor())
    except TableError as exc:
        fail(exc)
        return
    click.echo(str(result))
    for quirk in result.quirks:
        click.echo(f"  quirk: {quirk}")


reference_sets_group = AppGroup("reference-sets", help="List, show, delete reference sets and "
                                                       "choose the default.")


@reference_sets_group.command("list")
def reference_sets_list() -> None:
    """One line per set: label, accords, default and illustrative marks, source file."""
    from .sets import accord_counts, all_sets

    counts = accord_counts()
    sets = all_sets()
    if not sets:
        click.echo("no reference set (load one with import-reference)")
    for refset in sets:
        marks = "".join([" [default]" if refset.is_default else "",
                         " [illustrative]" if refset.illustrative else ""])
        click.echo(f"{refset.label}{marks}: {counts.get(refset.label, 0)} accords, "
                   f"{refset.source_filename or 'no file'} ({refset.source_sha256[:12] or '-'})")


@reference_sets_group.command("show")
@click.argument("label")
def reference_sets_show(label: str) -> None:
    """A set's provenance, alignment rule and the quirks reported when it was imported."""
    from .. import queries
    from .sets import accord_counts

    refset = queries.reference_set(label)
    if refset is None:
        click.echo(f"error: no reference set {label!r}", err=True)
        sys.exit(1)
    for key, value in (("label", refset.label), ("version", refset.version),
                       ("default", "yes" if refset.is_default else "no"),
                       ("illustrative", "yes" if refset.illustrative else "no"),
                       ("accords", accord_counts().get(label, 0)),
                       ("file", refset.source_filename), ("sha256", refset.source_sha256),
                       ("format", refset.source_format), ("rows read", refset.rows_read),
                       ("imported", refset.imported_at.isoformat()),
                       ("imported by", refset.imported_by), ("citation", refset.citation),
                       ("alignment", refset.alignment)):
        click.echo(f"{key}: {value}")
    for quirk in refset.quirks or []:
        click.echo(f"quirk: row {quirk['row']}: {quirk['message']}")


@reference_sets_group.command("delete")
@click.argument("label")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reference_sets_delete(label: str, yes: bool) -> None:
    """Delete a set and its accords (one transaction)."""
    from .sets import delete_set

    if not yes:
        click.confirm(f"Delete reference set {label!r} and its accords?", abort=True)
    try:
        click.echo(f"deleted reference set {label!r}: {delete_set(label, cli_actor())} accords")
    except TableError as exc:
        fail(exc)


@reference_sets_group.command("default")
@click.argument("label")
def reference_sets_default(label: str) -> None:
    """Make LABEL the set comparisons use by default (TRACKER_REFERENCE_SET overrides it)."""
    from .sets import set_default

    try:
        set_default(label)
    except TableError as exc:
        fail(exc)
    click.echo(f"default reference set: {label}")
