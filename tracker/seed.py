"""Loading the seed data in seed_data/: the PAM provision types, the real PAM_ID v1.5 reference
set, and the illustrative Colombian demo accord.

Idempotent: every step inserts only what is missing, so a second run changes nothing.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from .extensions import db
from .importers import import_accord, import_statuses
from .models import Accord, ReferenceSet
from .reference.sets import ensure_provision_types, import_set

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
#: The real reference set: an unmodified copy of the Kroc Institute's PAM_ID v1.5 file.
PAM_ID_FILE = Path("pam_id") / "PAM_ID-V.1.5-Updated-29JULY2015.csv"
REFERENCE_SET = "PAM_ID v1.5"
#: Real Colombian places (DANE's DIVIPOLA, the ART's PDET list), loaded in this order.
PLACE_FILES = (Path("places") / "divipola_con_tipo.csv", Path("places") / "pdet_detalle.csv")


def load_provision_types() -> int:
    """The 51 PAM provision types (tracker/reference/provision_types.csv); returns how many
    were added."""
    added = ensure_provision_types()
    db.session.commit()
    return added


def load_reference_set(seed_dir: Path) -> str:
    """PAM_ID v1.5 as the default reference set, unless a set of that label is loaded."""
    if db.session.scalar(select(ReferenceSet.id).where(ReferenceSet.label == REFERENCE_SET)):
        return f"{REFERENCE_SET}: already loaded"
    path = seed_dir / PAM_ID_FILE
    result = import_set(path.read_bytes(), path.name, REFERENCE_SET, actor="seed")
    return f"{result} (see `flask --app tracker reference-sets show '{REFERENCE_SET}'`)"


def load_demo_accord(seed_dir: Path) -> str:
    folder = seed_dir / "colombia_demo"
    meta = json.loads((folder / "accord.json").read_text(encoding="utf-8"))
    slug = meta["slug"]
    messages = []
    if db.session.scalar(select(Accord.id).where(Accord.slug == slug)) is None:
        result = import_accord(
            (folder / "structure.csv").read_bytes(), "structure.csv", name=meta["name"],
            country=meta["country"], signed_on=date.fromisoformat(meta["signed_on"]), slug=slug,
            description=meta["description"], target_date=date.fromisoformat(meta["target_date"]),
            source_url=meta.get("source"), illustrative=bool(meta["illustrative"]),
            public=bool(meta.get("public", True)),
            priority_since=date.fromisoformat(meta["priority_flags_set_on"]),
            original_language=meta.get("original_language", "en"),
            name_translated=meta.get("name_translated"),
            description_translated=meta.get("description_translated"),
        )
        messages.append(f"structure: {result}")
    result = import_statuses(slug, (folder / "statuses.csv").read_bytes(), "statuses.csv",
                             source="seed")
    messages.append(f"statuses: {result}")
    return "; ".join(messages)


def load_demo_events(seed_dir: Path) -> str:
    """The demo accord's illustrative events and sources (seed_data/colombia_demo/events.csv,
    written by generate.py: at least one verified event for every level change of its status
    histories, on real municipalities), verified as the demo's status records are; a second
    run changes nothing. Needs the places and the demo accord loaded."""
    from .events.importer import import_events

    folder = seed_dir / "colombia_demo"
    slug = json.loads((folder / "accord.json").read_text(encoding="utf-8"))["slug"]
    path = folder / "events.csv"
    return str(import_events(slug, path.read_bytes(), path.name, verified=True, actor="seed"))


def load_demo_citations(seed_dir: Path) -> str:
    """Each level change of the demo's status histories cites the event that shows it
    (seed_data/colombia_demo/record_events.csv, written by generate.py: the status record
    by stipulation and date, the event by date and title), with one audit event; a second
    run changes nothing. Needs the demo's records and events loaded; ValueError naming the
    first row whose record or event is not found, nothing written."""
    from .events.citations import cite
    from .events.models import Event, StatusRecordEvent
    from .models import Provision, StatusRecord
    from .services import audit
    from .tabular import read_table

    folder = seed_dir / "colombia_demo"
    slug = json.loads((folder / "accord.json").read_text(encoding="utf-8"))["slug"]
    accord_id = db.session.scalar(select(Accord.id).where(Accord.slug == slug))
    events = {(day.isoformat(), title.casefold()): id_  # case aside: a place name recased
              for id_, day, title in db.session.execute(
        select(Event.id, Event.occurred_on, Event.title).where(Event.accord_id == accord_id))}
    records: dict[tuple[str, str], int] = {}
    for id_, code, day in db.session.execute(
            select(StatusRecord.id, Provision.code, StatusRecord.effective_on)
            .join(Provision, Provision.id == StatusRecord.provision_id)
            .where(StatusRecord.accord_id == accord_id, StatusRecord.source == "seed")
            .order_by(StatusRecord.id.desc())):
        records[(code, day.isoformat())] = id_  # the first record of the day wins
    cited = set(tuple(row) for row in db.session.execute(
        select(StatusRecordEvent.status_record_id, StatusRecordEvent.event_id)
        .join(StatusRecord, StatusRecord.id == StatusRecordEvent.status_record_id)
        .where(StatusRecord.accord_id == accord_id)))
    added = []
    path = folder / "record_events.csv"
    table = read_table(path.read_bytes(), path.name,
                       ("provision_code", "effective_on", "event_date", "event_title"))
    for number, row in table.rows:
        record = records.get((row["provision_code"], row["effective_on"]))
        event = events.get((row["event_date"], row["event_title"].casefold()))
        if record is None or event is None:
            db.session.rollback()
            raise ValueError(f"record_events.csv row {number}: no seeded "
                             f"{'status record' if record is None else 'event'} for it")
        if (record, event) not in cited:
            cite(record, [event])
            added.append([record, event])
    if added:
        audit("seed.record_events", "accord", accord_id, accord_id=accord_id,
              after={"citations": len(added)})
    db.session.commit()
    return f"{len(added)} status record(s) now cite their event"


def load_places(seed_dir: Path) -> str:
    """Colombia's DIVIPOLA places and PDET subregions (seed_data/places/, unmodified copies);
    a second run changes nothing."""
    from .places.importer import import_places

    return "; ".join(str(import_places((seed_dir / name).read_bytes(), name.name, "CO"))
                     for name in PLACE_FILES)


def run(seed_dir: Path = SEED_DIR, events: bool = True) -> list[str]:
    """Load everything (the demo's illustrative events unless `events` is False: the test
    suite starts without them, so its event figures are computed by hand); return one line
    per step for the command's output."""
    lines = [f"provision types: {load_provision_types()} added",
             f"reference set: {load_reference_set(seed_dir)}",
             f"places: {load_places(seed_dir)}",
             f"demo accord: {load_demo_accord(seed_dir)}"]
    if events:
        lines.append(f"demo events: {load_demo_events(seed_dir)}")
        lines.append(f"demo citations: {load_demo_citations(seed_dir)}")
    return lines
