"""Dump the whole database to one portable file, and restore it into an empty database.

The file is JSON Lines (gzip-compressed when its name ends in .gz):
- line 1, a header: {"format": "accord-tracker-dump", "format_version": 1,
  "schema_revision": "...", "created_at": "...", "app_version": "...",
  "password_hashes": true|false};
- then, for each table in foreign-key order, a line {"table": NAME, "columns": [...],
  "rows": N} followed by N lines, each a JSON array of that row's values in column order.
Dates and times are ISO 8601 strings (times in UTC), binary values base64 strings, JSON
columns plain JSON. Users' password hashes are left out (replaced by an unusable marker)
unless asked for, so a restored account needs a new password.
"""
from __future__ import annotations

import base64
import gzip
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Iterator

from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, LargeBinary, TypeDecorator, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from . import __version__
from .domain.text import unstorable
from .extensions import db

FORMAT = "accord-tracker-dump"
FORMAT_VERSION = 1
NO_PASSWORD = "!restored-without-password"
BATCH = 5000


class BackupError(Exception):
    """The dump cannot be restored here; the message says why."""


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, mode + "b"), encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def _revision() -> str | None:
    heads = MigrationContext.configure(db.session.connection()).get_current_heads()
    return ",".join(sorted(heads)) or None


def _encode(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _tables():
    """The tables a dump holds, in foreign-key order: all but derived ones (`info["derived"]`,
    kept by database triggers from the others, so a restore fills them again)."""
    return [t for t in db.metadata.sorted_tables if not t.info.get("derived")]


def dump(path: Path, password_hashes: bool = False) -> dict[str, int]:
    """Write every table to `path`; return the row count per table."""
    counts = {}
    with _open(path, "w") as out:
        out.write(json.dumps({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "schema_revision": _revision(), "app_version": __version__,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "password_hashes": password_hashes}) + "\n")
        for table in _tables():
            columns = [c.name for c in table.columns]
            total = db.session.scalar(select(func.count()).select_from(table))
            out.write(json.dumps({"table": table.name, "columns": columns, "rows": total}) + "\n")
            order = list(table.primary_key.columns)
            for row in db.session.execute(select(table).order_by(*order)).yield_per(BATCH):
                values = dict(zip(columns, row))
                if table.name == "users" and not password_hashes:
                    values["password_hash"] = NO_PASSWORD
                out.write(json.dumps([_encode(values[c]) for c in columns]) + "\n")
            counts[table.name] = total
    return counts


def _decoder(column):
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def _sections(lines: Iterator[str]):
    """(table name, columns, rows) for each table section of the file."""
    for line in lines:
        head = json.loads(line)
        rows = [json.loads(next(lines)) for _ in range(head["rows"])]
        yield head["table"], head["columns"], rows


def _check_target(header: dict) -> None:
    if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
        raise BackupError("this file is not an accord tracker dump of a known format")
    here = _revision()
    if header.get("schema_revision") != here:
        raise BackupError(f"the dump's schema revision {header.get('schema_revision')} differs "
                          f"from this database's {here}: migrate both to the same revision")
    busy = [t.name for t in _tables()
            if db.session.scalar(select(func.count()).select_from(t))]
    if busy:
        raise BackupError("the database is not empty (tables with rows: "
                          + ", ".join(busy) + "); restore only into an empty database")


def restore(path: Path) -> dict[str, int]:
    """Load a dump into this (migrated, empty) database in one transaction; then forget the
    charts drawn from whatever database was here before (shared store and process caches)."""
    tables = {t.name: t for t in _tables()}
    counts = {}
    try:
        with _open(path, "r") as handle:
            lines = iter(handle)
            _check_target(json.loads(next(lines)))
            for name, columns, rows in _sections(lines):
                table = tables.get(name)
                if table is None:
                    raise BackupError(f"the dump has a table {name!r} this schema lacks")
                _check_storable(name, columns, rows)
                _insert(table, columns, rows)
                counts[name] = len(rows)
        _reset_sequences(tables.values())
        db.session.commit()
    except (ValueError, KeyError, StopIteration, json.JSONDecodeError) as exc:
        db.session.rollback()
        raise BackupError(f"the dump is damaged: {exc}") from None
    except Exception:
        db.session.rollback()
        raise
    _forget_drawn_charts()
    return counts


def _forget_drawn_charts() -> None:
    """Charts are keyed by accord id and revision: restored accords may repeat the ids and
    revisions of the database this one replaced, so none of its drawn charts may be served."""
    from flask import current_app

    from .cache import clear_process_caches

    clear_process_caches()
    store = current_app.extensions.get("chartstore")
    if store is not None:
        store.clear()


def _check_storable(name: str, columns: list[str], rows: list[list]) -> None:
    """Refuse rows holding what no database here can store (NUL, which an older SQLite
    database may have taken; a lone surrogate), naming the table, row and column."""
    for number, row in enumerate(rows, start=1):
        for column, value in zip(columns, row):
            found = unstorable(value)
            if found:
                key = dict(zip(columns, row)).get("id")
                where = f"row {number}" + (f" (id {key})" if key is not None else "")
                raise BackupError(
                    f"table {name}, {where}, column {column} holds the character {found}, "
                    f"which the database cannot store: remove it in the database the dump "
                    f"came from (or in the file), then dump and restore again")


def _parents_first(table, columns: list[str], rows: list[list]) -> list[list]:
    """The rows of a table that names its own rows (a place's parent, a section's parent, a
    cut-off it supersedes) ordered so that each comes after the row it names: the dump
    orders rows by key, and a row may name one with a greater key (a place moved under a
    place loaded later). Other tables' rows, and rows in a circle, keep their order."""
    links = [(columns.index(fk.parent.name), columns.index(fk.column.name))
             for fk in table.foreign_keys
             if fk.column.table is table and fk.parent.name in columns
             and fk.column.name in columns]
    if not links:
        return rows
    keys = {link: {row[link[1]]: index for index, row in enumerate(rows)} for link in links}
    ordered, placed, visiting = [], set(), set()

    def place(index: int) -> None:
        stack = [index]
        while stack:
            current = stack[-1]
            named = [keys[link].get(rows[current][link[0]]) for link in links]
            waiting = [n for n in named if n is not None and n not in placed
                       and n not in visiting and n != current]
            visiting.add(current)
            if waiting:
                stack.append(waiting[0])
                continue
            stack.pop()
            if current not in placed:
                placed.add(current)
                ordered.append(rows[current])

    for index in range(len(rows)):
        if index not in placed:
            place(index)
    return ordered


def _insert(table, columns: list[str], rows: list[list]) -> None:
    """Insert a table's rows in batches (parents first, `_parents_first`); a row the
    database refuses is a BackupError naming the table (the whole restore is then rolled
    back)."""
    decoders = [_decoder(table.columns[c]) for c in columns]
    rows = _parents_first(table, columns, rows)
    for start in range(0, len(rows), BATCH):
        chunk = [{c: d(v) for c, d, v in zip(columns, decoders, row)}
                 for row in rows[start:start + BATCH]]
        if not chunk:
            continue
        try:
            db.session.execute(insert(table), chunk)
        except DBAPIError as exc:
            raise BackupError(f"the database refused a row of table {table.name} (rows "
                              f"{start + 1}-{start + len(chunk)}): "
                              f"{str(exc.orig).strip().splitlines()[0]}") from None


def _reset_sequences(tables) -> None:
    """PostgreSQL: move each id sequence past the restored ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
