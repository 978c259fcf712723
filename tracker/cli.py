"""Command-line interface: thin wrappers over the importers, the seed and user management;
each feature with commands of its own keeps them in its `cli` module (reference, cutoffs,
excel, events, places), registered here."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .clitools import fail, read
from .domain.text import clean_text, parse_iso_date
from .tables import TableError


def _iso_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc.args[0])) from None


def _text(_ctx, _param, value: str | None) -> str | None:
    """Command-line text through the input rule (`domain.text`): NFC, one line, no control
    characters."""
    if value is None:
        return None
    try:
        return clean_text(value, multiline=False)
    except ValueError as exc:
        raise click.BadParameter(str(exc.args[0])) from None


@click.command("seed")
@click.option("--dir", "seed_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder with the seed files (default: the repository's seed_data/).")
def seed_command(seed_dir: str | None) -> None:
    """Load the provision types, reference accords and the demo accord. Safe to run twice."""
    from . import seed

    try:
        for line in seed.run(Path(seed_dir) if seed_dir else seed.SEED_DIR):
            click.echo(line)
    except TableError as exc:
        fail(exc)


@click.command("import-accord")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", required=True, callback=_text, help="The accord's full name.")
@click.option("--country", required=True, callback=_text)
@click.option("--signed-on", required=True, callback=_iso_date, help="Signing date, YYYY-MM-DD.")
@click.option("--slug", callback=_text,
              help="Short name used in addresses (default: derived from the name).")
@click.option("--target-date", callback=_iso_date,
              help="Date full implementation is due (from the signing date to 50 years after "
                   "it).")
@click.option("--private", is_flag=True, help="Visible only to users with a role on it.")
@click.option("--first-implementation-year", type=click.IntRange(1900, 2200), default=None,
              help="Calendar year of year 1 since signing, when the accord sets its own "
                   "(default: the reference set's rule, read off PAM's accords: the signing "
                   "year, or the next one for an accord signed late in the year).")
@click.option("--original-language", type=click.Choice(["en", "es"]), default="en",
              show_default=True,
              help="The language the accord was written in: that of --name and of the "
                   "file's text and section columns.")
@click.option("--translated-name", callback=_text,
              help="The name in the other language (English or Spanish).")
def import_accord_command(file, name, country, signed_on, slug, target_date, private,
                          first_implementation_year, original_language,
                          translated_name) -> None:
    """Create a monitored accord from its structure (CSV or XLSX).

    Columns code, section ('1 Rural Reform > 1.1 Land'), text, provision_type (PAM code or
    name, or blank), priority (yes/no), tags (separated by ';'; a known tag by its English
    key or its label, any case, with or without accents: gender, Género, genero), deadline
    (YYYY-MM-DD or blank, not before the signing date); optionally responsible_actor, time_frame (short/medium/long), and text_en,
    text_es, section_en, section_es (the text and section path in English and in Spanish;
    text and section are in the original language).
    """
    from .importers import import_accord

    if first_implementation_year is not None and not (
            signed_on.year <= first_implementation_year <= signed_on.year + 1):
        raise click.BadParameter("the first implementation year is the signing year or the "
                                 "next one", param_hint="--first-implementation-year")
    try:
        click.echo(import_accord(read(file), file, name=name, country=country,
                                 signed_on=signed_on, slug=slug, target_date=target_date,
                                 public=not private,
                                 first_implementation_year=first_implementation_year,
                                 original_language=original_language,
                                 name_translated=translated_name))
    except TableError as exc:
        fail(exc)


@click.command("import-statuses")
@click.argument("slug", callback=_text)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_statuses_command(slug: str, file: str) -> None:
    """Add status records to accord SLUG, recorded as verified.

    Columns provision_code, level (0-3), effective_on (YYYY-MM-DD), evidence, note; rows in
    any order. Rows identical to a record already held are skipped.
    """
    from .importers import import_statuses

    try:
        click.echo(import_statuses(slug, read(file), file))
    except TableError as exc:
        fail(exc)


users_group = AppGroup("users", help="Manage user accounts.")


@users_group.command("create")
@click.argument("email", callback=_text)
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "editor",
                                                          "viewer"]))
@click.option("--org", callback=_text, help="Organization name (created if new).")
@click.option("--accord", "accord_slug", callback=_text, help="Scope the role to this accord.")
@click.option("--name", default="", callback=_text, help="Display name.")
def create_user_command(email, role, org, accord_slug, name) -> None:
    """Create a user with a role. The password is prompted, or read from TRACKER_NEW_PASSWORD."""
    from .accounts import AccountError, create_user

    password = os.environ.get("TRACKER_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role=role, org_name=org, accord_slug=accord_slug,
                           name=name)
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"created {user.email} ({role}{' on ' + accord_slug if accord_slug else ''})")


@users_group.command("grant")
@click.argument("email", callback=_text)
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "editor",
                                                          "viewer"]))
@click.option("--accord", "accord_slug", callback=_text, help="Scope the role to this accord.")
@click.option("--section", "section_code", callback=_text,
              help="Scope it further to this section code.")
def grant_role_command(email, role, accord_slug, section_code) -> None:
    """Grant EMAIL another role, over everything, an accord, or a section of it (refused
    when a role as strong or stronger covers that scope already: revoke it first)."""
    from .accounts import AccountError, grant_role

    try:
        grant_role(email, role, accord_slug=accord_slug, section_code=section_code)
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    scope = " > ".join(x for x in (accord_slug, section_code) if x) or "everything"
    click.echo(f"granted {role} on {scope} to {email.lower()}")


@click.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--with-password-hashes", is_flag=True,
              help="Include users' password hashes (otherwise restored accounts need a new "
                   "password).")
def dump_command(file: str, with_password_hashes: bool) -> None:
    """Write the whole database to FILE (JSON Lines; gzip when FILE ends in .gz).

    Accords, structure, every status record with its history and review state, users and
    roles, audit log. The format is described in tracker/backup.py.
    """
    from .backup import dump

    counts = dump(Path(file), password_hashes=with_password_hashes)
    click.echo(f"wrote {sum(counts.values())} rows from {len(counts)} tables to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore_command(file: str) -> None:
    """Load a dump FILE into this database, which must be migrated and empty."""
    from .backup import BackupError, restore

    try:
        counts = restore(Path(file))
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(1)
    click.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables")


figures_group = AppGroup("figures", help="Derived figure data kept with every write.")


@figures_group.command("rebuild-summary")
@click.option("--accord", "accord_slug", help="Only this accord (default: every accord).")
def rebuild_summary_command(accord_slug: str | None) -> None:
    """Make the level-change summary again from the history (after a restore from an older
    dump, a bulk load that bypassed the tracker, or to check it): one transaction."""
    from . import queries, summary
    from .extensions import db

    accord_id = None
    if accord_slug:
        accord = queries.accord_by_slug(accord_slug)
        if accord is None:
            click.echo(f"error: no accord {accord_slug!r}", err=True)
            sys.exit(1)
        accord_id = accord.id
    count = summary.rebuild(accord_id)
    db.session.commit()
    click.echo(f"rebuilt the level-change summary of {count} accord(s)")


DEMO_ACCOUNTS = (("admin@tracker.test", "admin", None),
                 ("coordinator@tracker.test", "coordinator", "colombia-2016-demo"),
                 ("editor@tracker.test", "editor", "colombia-2016-demo"))


@users_group.command("demo")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="Address the app is served at, for the login line printed.")
def demo_users_command(url: str) -> None:
    """Create demo accounts (admin, coordinator, editor) once and print how to log in.

    The password is generated on first use and kept in instance/demo-credentials.txt.
    """
    import secrets

    from flask import current_app
    from sqlalchemy import select

    from .accounts import create_user
    from .extensions import db
    from .models import User

    path = Path(current_app.instance_path) / "demo-credentials.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    password = path.read_text().strip()
    for email, role, slug in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(email, password, role=role, accord_slug=slug,
                        org_name="Demo organization", name=f"Demo {role}")
    click.echo(f"Log in at {url.rstrip('/')}/login with one of these demo accounts:")
    for email, role, slug in DEMO_ACCOUNTS:
        click.echo(f"  {email:<28} ({role}{' of ' + slug if slug else ''})")
    click.echo(f"  password: {password}   (kept in {path})")


def _storage_errors(callback):
    """A command whose database is busy past the wait, or cannot take writes, says so in one
    line and exits 1 (its transaction was rolled back: nothing was written)."""
    import functools

    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from . import storage

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (DBAPIError, PoolTimeout, storage.Unavailable) as exc:
            found = exc if isinstance(exc, storage.Unavailable) else storage.unavailable(exc)
            if found is None:
                raise
            what = ("the database is busy (another writer held it past the wait); try again"
                    if found.kind == storage.BUSY else
                    "storage is unavailable (the database cannot take writes)")
            click.echo(f"error: {what}: {found.detail}", err=True)
            click.echo("Nothing was written.", err=True)
            sys.exit(1)

    run.storage_guarded = True
    return run


def _guarded(command: click.Command) -> click.Command:
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _guarded(sub)
    elif command.callback is not None and not getattr(command.callback, "storage_guarded", False):
        command.callback = _storage_errors(command.callback)
    return command


def init_app(app: Flask) -> None:
    from .cutoffs.cli import cutoff_group
    from .reference.cli import import_reference_command, reference_sets_group
    from .excel.cli import COMMANDS as EXCEL_COMMANDS
    from .events.cli import import_events_command
    from .places.cli import import_places_command

    for command in (seed_command, import_reference_command, reference_sets_group,
                    import_accord_command,
                    import_statuses_command, users_group, dump_command, restore_command,
                    figures_group,
                    cutoff_group, import_places_command, import_events_command,
                    *EXCEL_COMMANDS):
        app.cli.add_command(_guarded(command))
