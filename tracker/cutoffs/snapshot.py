"""A published cut-off's snapshot: the figures it showed and the structure they used, taken
in the publication's transaction (`take`) and read back for every later answer (`load`).

Status records are append-only and entered the official figures at a recorded moment, and
priority changes are dated history with their recording time, so both are read "as known at
the publication". The rest of the accord's structure is not versioned (deadlines, tags,
sections and their titles, provision types, the reference set loaded now): the snapshot
freezes it as the publication used it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..domain.metrics import ProvisionInfo
from ..extensions import db
from .models import Cutoff, CutoffSnapshot


@dataclass(frozen=True)
class Snapshot:
    """A cut-off's snapshot read back: `figures` (`report.figures_json` as published),
    `provisions` (the structure the figures used), `titles` (point code -> title, in the
    points' order) and `sections` (every section's code -> title)."""

    figures: dict
    provisions: tuple[ProvisionInfo, ...]
    titles: dict[str, str]
    sections: dict[str, str]


def provision_json(p: ProvisionInfo) -> dict:
    """One provision's structure as stored (dates ISO, tags sorted)."""
    return {"id": p.id, "code": p.code, "section": list(p.section_path),
            "tags": sorted(p.tags), "priority": p.priority, "type": p.type_code,
            "responsible_actor": p.responsible_actor, "time_frame": p.time_frame,
            "deadline": p.deadline.isoformat() if p.deadline else None}


def _provision(d: dict) -> ProvisionInfo:
    return ProvisionInfo(id=d["id"], code=d["code"], section_path=tuple(d["section"]),
                         tags=frozenset(d["tags"]), priority=bool(d["priority"]),
                         type_code=d["type"], responsible_actor=d["responsible_actor"],
                         time_frame=d["time_frame"],
                         deadline=date.fromisoformat(d["deadline"]) if d["deadline"] else None)


def take(cutoff: Cutoff) -> CutoffSnapshot:
    """Compute the cut-off's figures as known now (the moment of publication) and add its
    snapshot to the session (the caller commits it with the cut-off)."""
    from . import report

    accord = cutoff.accord
    moment = report.Moment(cutoff.as_of, cutoff.published_at, cutoff.label)
    figures = moment.figures(accord)
    titles = report.point_titles(accord)
    data = report.figures_json(accord, moment)
    row = CutoffSnapshot(
        cutoff_id=cutoff.id, figures=json.dumps(data, sort_keys=True),
        structure=json.dumps({"provisions": [provision_json(p) for p in figures.provisions],
                              "titles": list(titles.items()),
                              "sections": _section_titles(accord.id)}))
    db.session.add(row)
    return row


def load(cutoff: Cutoff) -> Snapshot | None:
    """The cut-off's snapshot, or None for one published before snapshots were kept."""
    row = db.session.get(CutoffSnapshot, cutoff.id)
    if row is None:
        return None
    structure = json.loads(row.structure)
    return Snapshot(json.loads(row.figures),
                    tuple(_provision(d) for d in structure["provisions"]),
                    {code: title for code, title in structure["titles"]},
                    dict(structure.get("sections", {})))


def _section_titles(accord_id: int) -> dict[str, str]:
    from sqlalchemy import select

    from ..models import Section

    return dict(db.session.execute(select(Section.code, Section.title)
                                   .where(Section.accord_id == accord_id)).all())
