"""What every command of the app's command line shares: reading a file named on the command
line, reporting a refused table, naming who ran a command. Commands live beside what they
drive (tracker/cli.py, tracker/places/cli.py, tracker/events/cli.py, ...)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .tables import TableError


def fail(exc: TableError) -> None:
    """Print every error of a refused table, say nothing was written, exit with status 1."""
    for error in exc.errors:
        click.echo(f"error: {error}", err=True)
    click.echo("Nothing was written.", err=True)
    sys.exit(1)


def read(path: str) -> bytes:
    """The bytes of the file at `path`; click.BadParameter naming it if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}") from None


def cli_actor() -> str:
    """Who ran a command, for provenance: the operating-system account."""
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"
