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
    return lines
