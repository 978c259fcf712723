"""Loading the seed data in seed_data/: reference facts and the illustrative demo accord.

Idempotent: every step inserts only what is missing, so a second run changes nothing.
"""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from .extensions import db
from .importers import free_slug, import_accord, import_reference, import_statuses, slugify
from .models import Accord, ProvisionType

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
REFERENCE_SET = "PAM 2015"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_provision_types(seed_dir: Path) -> int:
    known = set(db.session.scalars(select(ProvisionType.code)))
    added = 0
    for row in _csv(seed_dir / "provision_types.csv"):
        if row["code"] in known:
            continue
        db.session.add(ProvisionType(code=row["code"], name=row["name"], group=row["group"],
                                     description=row["description"],
                                     verified=row["verified"] == "yes"))
        added += 1
    db.session.commit()
    return added


def load_reference_accords(seed_dir: Path) -> int:
    """The reference accords with their published facts (real data, with sources)."""
    known = set(db.session.scalars(select(Accord.name)))
    added = 0
    for row in _csv(seed_dir / "reference_accords.csv"):
        if row["accord"] in known:
            continue
        db.session.add(Accord(
            slug=free_slug(slugify(row["accord"])), name=row["accord"], country=row["country"],
            signed_on=date.fromisoformat(row["signed_on"]),
            signed_on_verified=row["signed_on_verified"] == "yes", kind="reference",
            reference_set=REFERENCE_SET,
            horizon_years=int(row["horizon_years"]) if row["horizon_years"] else None,
            published_score=float(row["published_score"]) if row["published_score"] else None,
            score_precision=row["score_precision"] or None,
            source_url=row["source"] or None, public=True, illustrative=False,
            description=_reference_description(row),
        ))
        db.session.flush()
        added += 1
    db.session.commit()
    return added


def _reference_description(row: dict[str, str]) -> str:
    text = (f"Comprehensive peace agreement of the {REFERENCE_SET} reference set "
            "(Peace Accords Matrix).")
    if row["published_score"]:
        text += (" The provision-by-year levels loaded here are an illustrative stand-in calibrated"
                 " to the published implementation score, not PAM's own matrix.")
    else:
        text += " PAM publishes no aggregate score for it here; no levels are loaded."
    return text


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
        )
        messages.append(f"structure: {result}")
    result = import_statuses(slug, (folder / "statuses.csv").read_bytes(), "statuses.csv",
                             source="seed")
    messages.append(f"statuses: {result}")
    return "; ".join(messages)


def run(seed_dir: Path = SEED_DIR) -> list[str]:
    """Load everything; return one line per step for the command's output."""
    lines = [f"provision types: {load_provision_types(seed_dir)} added",
             f"reference accords: {load_reference_accords(seed_dir)} added"]
    matrix = seed_dir / "reference_matrix.csv"
    result = import_reference(matrix.read_bytes(), matrix.name, REFERENCE_SET)
    lines.append(f"reference matrix: {result}")
    lines.append(f"demo accord: {load_demo_accord(seed_dir)}")
    return lines
