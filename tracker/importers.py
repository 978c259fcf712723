"""Importers for real data: accord structures and status histories (reference data sets:
tracker.reference).

Each one reads the whole file, checks every row against the database, and then writes all
rows in one transaction, or raises `TableError` with every problem and writes nothing.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from . import summary
from .domain import bilingual
from .domain.rules import Submission, changes_nothing, deadline_problem, target_date_problem
from .domain.scale import LevelError, parse_level
from .extensions import db
from .i18n import IMPORTED_PRIORITY_REASON
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
from .tables import RowError, TableError, parse_bool, parse_date, read_table
from .tagging import vocabulary

ACCORD_COLUMNS = ("code", "section", "text", "provision_type", "priority", "tags", "deadline")
#: text_en/text_es and section_en/section_es give a provision's text and its section path in
#: each content language; `text` and `section` are in the accord's original language.
ACCORD_OPTIONAL = ("responsible_actor", "time_frame", "text_en", "text_es", "section_en",
                   "section_es")
STATUS_COLUMNS = ("provision_code", "level", "effective_on", "evidence", "note")
SECTION_SEPARATOR = ">"


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # rows identical to a record already held
    unchanged: int = 0  # rows giving the level already in force, without evidence or note

    def __str__(self) -> str:
        parts = [f"{n} {what}" for what, n in self.created.items()]
        text = "created " + (", ".join(parts) if parts else "nothing")
        if self.skipped:
            text += f"; {self.skipped} row(s) already recorded, skipped"
        if self.unchanged:
            text += (f"; {self.unchanged} row(s) give the level already in force without "
                     "evidence or a note: nothing to record, skipped")
        return text


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


def free_slug(base: str) -> str:
    taken = set(db.session.scalars(select(Accord.slug).where(Accord.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _record_row(accord_id, provision_id, level, effective_on, recorded_at, **extra) -> dict:
    return {"accord_id": accord_id, "provision_id": provision_id, "level": level,
            "effective_on": effective_on, "recorded_at": recorded_at,
            "review_state": extra.pop("review_state", "verified"), **extra}


def _insert_records(rows: list[dict]) -> None:
    """Bulk-insert status records and bump the version of every provision they concern."""
    if not rows:
        return
    db.session.execute(insert(StatusRecord), rows)
    summary.note_provisions(db.session, {r["provision_id"] for r in rows})
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
    text_translated: str | None
    section_translated: dict[str, str]  # section code -> title in the other language
    type_id: int | None
    priority: bool
    tags: list[str]
    deadline: date | None
    responsible_actor: str | None
    time_frame: str | None


def import_accord(data: bytes, filename: str, *, name: str, country: str, signed_on: date,
                  slug: str | None = None, **attributes) -> ImportResult:
    """Create a monitored accord with its sections and provisions from a structure file.

    `attributes` may set description, target_date, source_url, illustrative, public,
    original_language ("en" default, or "es": the language of `name`, `description` and the
    file's `text` and `section` columns), name_translated and description_translated (the
    same in the other language) and priority_since (the date recorded for the initial
    priority flags; default: signing date). The file's text_en/text_es and
    section_en/section_es columns give each language's text (`domain.bilingual`).
    """
    slug = slug or slugify(name)
    language = attributes.get("original_language") or "en"
    if language not in bilingual.LANGUAGES:
        raise TableError([RowError(None, f"original language {language!r} is not one of "
                                         f"{', '.join(bilingual.LANGUAGES)}")])
    try:
        for value, column, what in ((name, Accord.name, "the name"),
                                    (country, Accord.country, "the country"),
                                    (slug, Accord.slug, "the slug"),
                                    (attributes.get("name_translated"), Accord.name_translated,
                                     "the translated name")):
            _fits(value, column, what)
    except ValueError as exc:
        raise TableError([RowError(None, str(exc))]) from None
    if db.session.scalar(select(Accord.id).where(Accord.slug == slug)) is not None:
        raise TableError([RowError(None, f"an accord with slug {slug!r} already exists")])
    problem = target_date_problem(attributes.get("target_date"), signed_on)
    if problem:
        raise TableError([RowError(None, f"{problem} ({attributes['target_date'].isoformat()}; "
                                         f"signed {signed_on.isoformat()})")])
    table = read_table(data, filename, ACCORD_COLUMNS, ACCORD_OPTIONAL)
    rows = _parse_structure_rows(table.rows, signed_on, language)
    return _commit_or_rollback(
        lambda: _write_accord(rows, name=name, country=country, signed_on=signed_on, slug=slug,
                              **attributes))


def _parse_structure_rows(rows, signed_on: date,
                          language: str = "en") -> list[_ProvisionRow]:
    types = provision_type_lookup()
    tags = vocabulary()  # one for the whole file: a tag gets one key in every row
    parsed, seen, errors = [], set(), []
    for number, row in rows:
        try:
            parsed.append(_structure_row(row, types, seen, tags, language))
            problem = deadline_problem(parsed[-1].deadline, signed_on)
            if problem:
                raise ValueError(f"{problem} ({parsed[-1].deadline.isoformat()}; signed "
                                 f"{signed_on.isoformat()})")
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


def _structure_row(row: dict, types: dict, seen: set, tag_vocabulary,
                   language: str = "en") -> _ProvisionRow:
    code = row["code"]
    text, text_translated = bilingual.from_languages(
        {lang: row.get(f"text_{lang}") for lang in bilingual.LANGUAGES}, language, row["text"])
    section, section_other = bilingual.from_languages(
        {lang: row.get(f"section_{lang}") for lang in bilingual.LANGUAGES}, language,
        row["section"])
    path = _parse_section_path(section)
    translated_path = _parse_section_path(section_other or "")
    if translated_path and [c for c, _t in translated_path] != [c for c, _t in path]:
        raise ValueError(f"the section path in {bilingual.other(language)} names other "
                         "sections than the section path")
    if not code:
        raise ValueError("provision code is empty")
    _fits(code, Provision.code, "the provision code")
    _fits(row.get("responsible_actor"), Provision.responsible_actor, "the responsible actor")
    tags = tag_vocabulary.resolve_text(row["tags"])  # English keys or labels (domain.tags)
    for tag in tags:
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
        code=code, section_path=path, text=text, text_translated=text_translated,
        section_translated=dict(translated_path),
        type_id=ptype.id if ptype else None, priority=parse_bool(row["priority"]),
        tags=tags,
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
        section = _ensure_sections(accord, row.section_path, sections,
                                   row.section_translated)
        provision = Provision(
            accord=accord, section=section, code=row.code, text=row.text,
            text_translated=row.text_translated,
            provision_type_id=row.type_id, priority=row.priority, deadline=row.deadline,
            responsible_actor=row.responsible_actor, time_frame=row.time_frame, version=1,
            tags=[ProvisionTag(tag=t) for t in row.tags],
        )
        db.session.add(provision)
        if row.priority:
            db.session.add(PriorityChange(
                provision=provision, priority=True, effective_on=priority_since or signed_on,
                reason=IMPORTED_PRIORITY_REASON))
    db.session.flush()
    created = {"accords": 1, "sections": len(sections), "provisions": len(rows)}
    audit("import.accord", "accord", accord.id, accord_id=accord.id, after=created)
    return ImportResult(created=created)


def _ensure_sections(accord, path, sections: dict[str, Section],
                     translated: dict[str, str] | None = None) -> Section | None:
    parent = None
    for code, title in path:
        section = sections.get(code)
        if section is None:
            section = Section(accord=accord, parent=parent, code=code, title=title,
                              position=len(sections))
            sections[code] = section
            db.session.add(section)
        if translated and translated.get(code) not in (None, code):
            section.title_translated = section.title_translated or translated[code]
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
    kept = [row for row in rows if (row[0], row[2], row[1]) not in held]
    unchanged = _changing_nothing(accord, kept)
    now = utcnow()
    fresh = [
        _record_row(accord.id, pid, level, when, now, evidence_text=evidence, note=note,
                    source=source, review_state=review_state, recorded_by_id=recorded_by_id)
        for index, (pid, level, when, evidence, note) in enumerate(kept)
        if index not in unchanged
    ]
    _insert_records(fresh)
    result = ImportResult(created={"status records": len(fresh)},
                          skipped=len(rows) - len(kept), unchanged=len(unchanged))
    if fresh:
        audit("import.statuses", "accord", accord.id, accord_id=accord.id,
              after={"records": len(fresh), "skipped": result.skipped,
                     "unchanged": result.unchanged, "state": review_state})
    return result


def _changing_nothing(accord, rows) -> set[int]:
    """Indexes of `rows` (provision id, level, date, evidence, note) that change nothing:
    the level in force on their date (verified records, then the file's earlier-dated rows)
    is theirs and they carry no evidence or note (`domain.rules.changes_nothing`)."""
    timeline: dict[int, list[tuple[date, int]]] = {}
    for pid, when, level in db.session.execute(
            select(StatusRecord.provision_id, StatusRecord.effective_on, StatusRecord.level)
            .where(StatusRecord.accord_id == accord.id, StatusRecord.review_state == "verified")
            .order_by(StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)):
        timeline.setdefault(pid, []).append((when, level))
    unchanged = set()
    for index in sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][2])):
        pid, level, when, evidence, note = rows[index]
        events = timeline.setdefault(pid, [])
        position = bisect_right([day for day, _level in events], when)
        in_force = events[position - 1][1] if position else 0
        if changes_nothing(Submission(level, when, None, evidence, note), in_force):
            unchanged.add(index)
        else:
            events.insert(position, (when, level))
    return unchanged
