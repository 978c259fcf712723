"""Importers for real data: reference matrices, accord structures, status histories.

Each one reads the whole file, checks every row against the database, and then writes all
rows in one transaction, or raises `TableError` with every problem and writes nothing.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from .domain.scale import LevelError, parse_level
from .extensions import db
from .models import (
    Accord,
    PriorityChange,
    Provision,
    ProvisionTag,
    ProvisionType,
    Section,
    StatusRecord,
    utcnow,
)
from .services import audit, touch
from .tables import RowError, TableError, parse_bool, parse_date, parse_tags, read_table

REFERENCE_COLUMNS = ("accord", "country", "signed_on", "provision_type", "year", "level")
ACCORD_COLUMNS = ("code", "section", "text", "provision_type", "priority", "tags", "deadline")
ACCORD_OPTIONAL = ("responsible_actor", "time_frame")
STATUS_COLUMNS = ("provision_code", "level", "effective_on", "evidence", "note")
SECTION_SEPARATOR = ">"


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    def __str__(self) -> str:
        parts = [f"{n} {what}" for what, n in self.created.items()]
        text = "created " + (", ".join(parts) if parts else "nothing")
        return text + (f"; {self.skipped} row(s) already recorded, skipped" if self.skipped else "")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:120].rstrip("-") or "accord"


def provision_type_lookup() -> dict[str, ProvisionType]:
    """PAM provision types by lower-cased code and by lower-cased name."""
    lookup = {}
    for ptype in db.session.scalars(select(ProvisionType)):
        lookup[ptype.code.lower()] = ptype
        lookup[ptype.name.lower()] = ptype
    return lookup


def _fail_if(errors: list[RowError]) -> None:
    if errors:
        raise TableError(errors)


def _commit_or_rollback(write) -> ImportResult:
    try:
        result = write()
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        raise


# --- reference matrix ------------------------------------------------------------------------

@dataclass
class _RefAccord:
    name: str
    country: str
    signed_on: date
    illustrative: bool
    cells: dict[tuple[str, int], int | None] = field(default_factory=dict)  # (type, year) -> level


def import_reference(data: bytes, filename: str, set_label: str = "PAM 2015",
                     today: date | None = None) -> ImportResult:
    """One row per accord x provision type x calendar year with a level (blank: not coded)."""
    table = read_table(data, filename, REFERENCE_COLUMNS, ("illustrative",))
    accords = _parse_reference_rows(table.rows, today or date.today())
    existing = {a.name: a for a in db.session.scalars(select(Accord))}
    errors = []
    for ref in accords.values():
        accord = existing.get(ref.name)
        same_facts = accord is not None and (accord.country, accord.signed_on) == (
            ref.country, ref.signed_on)
        if accord is not None and not same_facts:
            errors.append(RowError(None, f"accord {ref.name!r} exists with another country or "
                                         "signing date"))
        elif accord is not None and accord.kind != "reference":
            errors.append(RowError(None, f"accord {ref.name!r} exists and is not a reference "
                                         "accord"))
    _fail_if(errors)
    return _commit_or_rollback(lambda: _write_reference(accords, existing, set_label))


def _parse_reference_rows(rows, today: date) -> dict[str, _RefAccord]:
    types = provision_type_lookup()
    accords: dict[str, _RefAccord] = {}
    errors: list[RowError] = []
    for number, row in rows:
        try:
            ref = _reference_accord_of(row, accords)
            ptype = types.get(row["provision_type"].lower())
            if ptype is None:
                raise ValueError(f"unknown provision type {row['provision_type']!r}")
            year = _parse_year(row["year"], ref.signed_on, today)
            level = parse_level(row["level"]) if row["level"] else None
            if (ptype.code, year) in ref.cells:
                raise ValueError(f"duplicate row for {ptype.code} in {year}")
            ref.cells[(ptype.code, year)] = level
        except (ValueError, LevelError) as exc:
            errors.append(RowError(number, str(exc)))
    _fail_if(errors)
    return accords


def _reference_accord_of(row: dict, accords: dict[str, _RefAccord]) -> _RefAccord:
    name = row["accord"]
    if not name:
        raise ValueError("accord name is empty")
    signed_on = parse_date(row["signed_on"])
    illustrative = parse_bool(row.get("illustrative", ""))
    ref = accords.setdefault(name, _RefAccord(name, row["country"], signed_on, illustrative))
    if (ref.country, ref.signed_on) != (row["country"], signed_on):
        raise ValueError(f"country or signing date differ from an earlier row of {name!r}")
    if ref.illustrative != illustrative:
        raise ValueError(f"rows of {name!r} disagree on being illustrative")
    return ref


def _parse_year(text: str, signed_on: date, today: date) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"year {text!r} is not a calendar year")
    year = int(text)
    if year < signed_on.year:
        raise ValueError(f"year {year} is before the signing year {signed_on.year}")
    if date(year, 12, 31) > today:
        raise ValueError(f"year {year} has not ended yet")
    return year


def _write_reference(accords, existing, set_label) -> ImportResult:
    result = ImportResult(created={"accords": 0, "provisions": 0, "status records": 0})
    types = {t.code: t for t in db.session.scalars(select(ProvisionType))}
    for ref in accords.values():
        accord = existing.get(ref.name) or _new_reference_accord(ref, set_label, result)
        accord.illustrative = accord.illustrative or ref.illustrative
        last_year = max(year for _code, year in ref.cells)
        horizon = last_year - ref.signed_on.year
        accord.horizon_years = max(accord.horizon_years or 0, horizon)
        by_type = {p.provision_type.code: p for p in accord.provisions if p.provision_type}
        for code in sorted({c for c, _y in ref.cells}):
            if code not in by_type:
                by_type[code] = Provision(accord=accord, code=code, text=types[code].name,
                                          provision_type=types[code], version=1)
                db.session.add(by_type[code])
                result.created["provisions"] += 1
        db.session.flush()
        _write_reference_records(accord, ref, by_type, result)
    if any(result.created.values()):
        audit("import.reference", "accord_set", None, after={"set": set_label, **result.created})
    return result


def _new_reference_accord(ref: _RefAccord, set_label: str, result: ImportResult) -> Accord:
    accord = Accord(slug=free_slug(slugify(ref.name)), name=ref.name, country=ref.country,
                    signed_on=ref.signed_on, kind="reference", reference_set=set_label,
                    illustrative=ref.illustrative, public=True)
    db.session.add(accord)
    result.created["accords"] += 1
    return accord


def free_slug(base: str) -> str:
    taken = set(db.session.scalars(select(Accord.slug).where(Accord.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _write_reference_records(accord, ref, by_type, result) -> None:
    held = {
        (r.provision_id, r.effective_on): r.level
        for r in db.session.scalars(select(StatusRecord).where(StatusRecord.accord_id == accord.id))
    }
    now = utcnow()
    rows = []
    for (code, year), level in sorted(ref.cells.items()):
        provision = by_type[code]
        when = date(year, 12, 31)
        if level is None or held.get((provision.id, when)) == level:
            result.skipped += level is not None
            continue
        rows.append(_record_row(accord.id, provision.id, level, when, now, source="import",
                                evidence_text=f"Coded for {year}"))
    _insert_records(rows)
    result.created["status records"] += len(rows)


def _record_row(accord_id, provision_id, level, effective_on, recorded_at, **extra) -> dict:
    return {"accord_id": accord_id, "provision_id": provision_id, "level": level,
            "effective_on": effective_on, "recorded_at": recorded_at,
            "review_state": extra.pop("review_state", "verified"), **extra}


def _insert_records(rows: list[dict]) -> None:
    """Bulk-insert status records and bump the version of every provision they concern."""
    if not rows:
        return
    db.session.execute(insert(StatusRecord), rows)
    for accord_id in sorted({r["accord_id"] for r in rows}):
        touch(accord_id)
    touched = sorted({r["provision_id"] for r in rows})
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        db.session.execute(
            update(Provision).where(Provision.id.in_(chunk)).values(version=Provision.version + 1),
            execution_options={"synchronize_session": False},
        )


# --- accord structure ------------------------------------------------------------------------

@dataclass
class _ProvisionRow:
    code: str
    section_path: list[tuple[str, str]]
    text: str
    type_id: int | None
    priority: bool
    tags: list[str]
    deadline: date | None
    responsible_actor: str | None
    time_frame: str | None


def import_accord(data: bytes, filename: str, *, name: str, country: str, signed_on: date,
                  slug: str | None = None, **attributes) -> ImportResult:
    """Create a monitored accord with its sections and provisions from a structure file.

    `attributes` may set description, target_date, source_url, illustrative, public and
    priority_since (the date recorded for the initial priority flags; default: signing date).
    """
    slug = slug or slugify(name)
    try:
        for value, column, what in ((name, Accord.name, "the name"),
                                    (country, Accord.country, "the country"),
                                    (slug, Accord.slug, "the slug")):
            _fits(value, column, what)
    except ValueError as exc:
        raise TableError([RowError(None, str(exc))]) from None
    if db.session.scalar(select(Accord.id).where(Accord.slug == slug)) is not None:
        raise TableError([RowError(None, f"an accord with slug {slug!r} already exists")])
    table = read_table(data, filename, ACCORD_COLUMNS, ACCORD_OPTIONAL)
    rows = _parse_structure_rows(table.rows)
    return _commit_or_rollback(
        lambda: _write_accord(rows, name=name, country=country, signed_on=signed_on, slug=slug,
                              **attributes))


def _parse_structure_rows(rows) -> list[_ProvisionRow]:
    types = provision_type_lookup()
    parsed, seen, errors = [], set(), []
    for number, row in rows:
        try:
            parsed.append(_structure_row(row, types, seen))
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
    _fail_if(errors)
    return parsed


def _fits(value: str | None, column, what: str) -> None:
    """ValueError when `value` is longer than the column holds (PostgreSQL would refuse it
    at commit, SQLite would keep it)."""
    limit = getattr(column.type, "length", None)
    if value and limit and len(value) > limit:
        raise ValueError(f"{what} has {len(value)} characters; at most {limit} fit")


def _structure_row(row: dict, types: dict, seen: set) -> _ProvisionRow:
    code = row["code"]
    if not code:
        raise ValueError("provision code is empty")
    _fits(code, Provision.code, "the provision code")
    _fits(row.get("responsible_actor"), Provision.responsible_actor, "the responsible actor")
    for tag in parse_tags(row["tags"]):
        _fits(tag, ProvisionTag.tag, "a tag")
    if code in seen:
        raise ValueError(f"duplicate provision code {code!r}")
    seen.add(code)
    type_name = row["provision_type"]
    ptype = types.get(type_name.lower()) if type_name else None
    if type_name and ptype is None:
        raise ValueError(f"unknown provision type {type_name!r}")
    time_frame = row.get("time_frame", "").lower() or None
    if time_frame not in (None, "short", "medium", "long"):
        raise ValueError(f"time frame {time_frame!r} is not short, medium or long")
    return _ProvisionRow(
        code=code, section_path=_parse_section_path(row["section"]), text=row["text"],
        type_id=ptype.id if ptype else None, priority=parse_bool(row["priority"]),
        tags=parse_tags(row["tags"]),
        deadline=parse_date(row["deadline"]) if row["deadline"] else None,
        responsible_actor=row.get("responsible_actor") or None, time_frame=time_frame,
    )


def _parse_section_path(text: str) -> list[tuple[str, str]]:
    """'1 Rural Reform > 1.1 Land' -> [('1', 'Rural Reform'), ('1.1', 'Land')]."""
    path = []
    for segment in (s.strip() for s in text.split(SECTION_SEPARATOR)) if text else ():
        if not segment:
            raise ValueError(f"section path {text!r} has an empty segment")
        code, _, title = segment.partition(" ")
        _fits(code, Section.code, "a section code")
        _fits(title.strip(), Section.title, "a section title")
        path.append((code, title.strip() or code))
    return path


def _write_accord(rows: list[_ProvisionRow], *, name, country, signed_on, slug,
                  priority_since: date | None = None, **attributes) -> ImportResult:
    accord = Accord(slug=slug, name=name, country=country, signed_on=signed_on,
                    kind="monitored", **attributes)
    db.session.add(accord)
    sections: dict[str, Section] = {}
    for row in rows:
        section = _ensure_sections(accord, row.section_path, sections)
        provision = Provision(
            accord=accord, section=section, code=row.code, text=row.text,
            provision_type_id=row.type_id, priority=row.priority, deadline=row.deadline,
            responsible_actor=row.responsible_actor, time_frame=row.time_frame, version=1,
            tags=[ProvisionTag(tag=t) for t in row.tags],
        )
        db.session.add(provision)
        if row.priority:
            db.session.add(PriorityChange(
                provision=provision, priority=True, effective_on=priority_since or signed_on,
                reason="Initial priority flag from the imported structure"))
    db.session.flush()
    created = {"accords": 1, "sections": len(sections), "provisions": len(rows)}
    audit("import.accord", "accord", accord.id, accord_id=accord.id, after=created)
    return ImportResult(created=created)


def _ensure_sections(accord, path, sections: dict[str, Section]) -> Section | None:
    parent = None
    for code, title in path:
        section = sections.get(code)
        if section is None:
            section = Section(accord=accord, parent=parent, code=code, title=title,
                              position=len(sections))
            sections[code] = section
            db.session.add(section)
        parent = section
    return parent


# --- status records --------------------------------------------------------------------------

def import_statuses(slug: str, data: bytes, filename: str, *, today: date | None = None,
                    review_state: str = "verified", source: str = "import",
                    recorded_by_id: int | None = None) -> ImportResult:
    """Status records for a monitored accord; rows already recorded identically are skipped."""
    accord = db.session.scalar(select(Accord).where(Accord.slug == slug))
    if accord is None:
        raise TableError([RowError(None, f"no accord with slug {slug!r}")])
    table = read_table(data, filename, STATUS_COLUMNS)
    provisions = {p.code: p.id for p in accord.provisions}
    rows = _parse_status_rows(table.rows, provisions, accord.signed_on, today or date.today())
    return _commit_or_rollback(
        lambda: _write_statuses(accord, rows, review_state, source, recorded_by_id))


def _parse_status_rows(rows, provisions: dict[str, int], signed_on: date, today: date):
    parsed, seen, errors = [], set(), []
    for number, row in rows:
        try:
            pid = provisions.get(row["provision_code"])
            if pid is None:
                raise ValueError(f"unknown provision code {row['provision_code']!r}")
            level = parse_level(row["level"])
            effective_on = parse_date(row["effective_on"])
            if effective_on > today:
                raise ValueError(f"effective date {effective_on} is in the future")
            if effective_on < signed_on:
                raise ValueError(f"effective date {effective_on} is before the signing date")
            if (pid, effective_on) in seen:
                raise ValueError(f"duplicate row for {row['provision_code']} on {effective_on}")
            seen.add((pid, effective_on))
            parsed.append((pid, level, effective_on, row["evidence"] or None, row["note"] or None))
        except (ValueError, LevelError) as exc:
            errors.append(RowError(number, str(exc)))
    _fail_if(errors)
    return parsed


def _write_statuses(accord, rows, review_state, source, recorded_by_id) -> ImportResult:
    held = set(db.session.execute(
        select(StatusRecord.provision_id, StatusRecord.effective_on, StatusRecord.level)
        .where(StatusRecord.accord_id == accord.id, StatusRecord.review_state != "rejected")
    ))
    now = utcnow()
    fresh = [
        _record_row(accord.id, pid, level, when, now, evidence_text=evidence, note=note,
                    source=source, review_state=review_state, recorded_by_id=recorded_by_id)
        for pid, level, when, evidence, note in rows if (pid, when, level) not in held
    ]
    _insert_records(fresh)
    result = ImportResult(created={"status records": len(fresh)}, skipped=len(rows) - len(fresh))
    if fresh:
        audit("import.statuses", "accord", accord.id, accord_id=accord.id,
              after={"records": len(fresh), "skipped": result.skipped, "state": review_state})
    return result
