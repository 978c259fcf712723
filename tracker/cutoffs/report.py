"""A cut-off's figures, revisions and changes, assembled from `AccordFigures` (as known at
the moment of publication) and `domain.changes`: what the cut-off's page, the API, the data
package, the workbook and the brief all show. No figure is computed here, only gathered.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, not_, select, type_coerce

from .. import queries
from ..domain import changes as domain_changes
from ..domain.metrics import Summary
from ..extensions import db
from ..figures import AccordFigures, alignment_rule, default_reference_set
from ..models import Accord, Provision, Section, StatusRecord, UTCDateTime
from .models import Cutoff


@dataclass(frozen=True)
class Moment:
    """What a report shows: figures as of `as_of` as known at `known_at` (None: now), and
    its name (a cut-off's label, or None for "now")."""

    as_of: date
    known_at: datetime | None
    label: str | None = None
    #: A published cut-off's snapshot (`snapshot.Snapshot`): its figures and structure as
    #: published; None for "now" and for cut-offs published before snapshots were kept.
    snapshot: object | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, cutoff: Cutoff) -> Moment:
        """A cut-off's moment: its date, as known at its publication, over the structure
        its publication recorded."""
        from .snapshot import load

        return cls(cutoff.as_of, cutoff.published_at, cutoff.label, load(cutoff))

    @classmethod
    def now(cls, today: date | None = None) -> Moment:
        """`today` (default: today's date) as known now."""
        return cls(today or date.today(), None, None)

    def figures(self, accord: Accord) -> AccordFigures:
        """The accord's figures as known at this moment (over a cut-off's recorded
        structure when it has one)."""
        structure = self.snapshot.provisions if self.snapshot is not None else None
        return AccordFigures(accord, known_at=self.known_at, structure=structure)

    def titles(self, accord: Accord) -> dict[str, str]:
        """Point code -> title, as published for a cut-off with a snapshot, else now."""
        if self.snapshot is not None:
            return dict(self.snapshot.titles)
        return point_titles(accord)


def point_titles(accord: Accord) -> dict[str, str]:
    """Top-level section code -> title (the accord's points), in their order."""
    rows = db.session.execute(select(Section.code, Section.title).where(
        Section.accord_id == accord.id, Section.parent_id.is_(None))
        .order_by(Section.position, Section.code)).all()
    return dict(rows)


def _group_rows(groups: dict, name: str) -> list[dict]:
    return [{name: key, **summary.as_dict()} for key, summary in
            sorted(groups.items(), key=lambda item: str(item[0]))]


def figures_json(accord: Accord, moment: Moment, reference_label: str | None = None) -> dict:
    """Summary (with the priority split), per point, per tag, and the comparison with the
    reference set in the year since signing under way on the date. A cut-off's moment with a
    snapshot answers the figures as published (a copy), whatever changed since."""
    if moment.snapshot is not None and reference_label is None:
        return copy.deepcopy(moment.snapshot.figures)
    figures = moment.figures(accord)
    label = reference_label if reference_label is not None else default_reference_set()
    titles = moment.titles(accord)
    points = figures.by_group(moment.as_of, lambda p: p.section_path[:1])
    data = {
        "summary": figures.summary(moment.as_of),
        "by_point": [{"point": code, "title": titles.get(code, ""), **points[code].as_dict()}
                     for code in sorted(points, key=lambda c: (list(titles).index(c)
                                                               if c in titles else 999, c))],
        "by_tag": _group_rows(figures.by_group(moment.as_of, lambda p: sorted(p.tags)), "tag"),
        "overdue": [{"code": p.code, "deadline": p.deadline.isoformat()}
                    for p in figures.overdue(moment.as_of)],
    }
    data["comparison"] = comparison_json(figures, moment.as_of, label) if label else None
    return data


def comparison_json(figures: AccordFigures, as_of: date, label: str) -> dict:
    """The comparison now (the year since signing under way on `as_of`, "year") and the
    accord's score beside the reference accords' at the end of the latest completed year
    ("score_at_year", year "years_completed"), both under the set's alignment rule.
    Reference data is not versioned in time: it is the set as loaded now (a cut-off keeps
    the comparison its publication computed in its snapshot)."""
    references = figures.references(label, include_illustrative=True)
    rule = alignment_rule(label)
    result = figures.comparison(None, references, as_of, rule).as_dict()
    curve = [p for p in figures.score_curve(references, as_of, rule)
             if p.accord_score is not None and p.reference is not None]
    accord = figures.accord
    return {"reference_set": label,
            "reference_citation": getattr(queries.reference_set(label), "citation", ""),
            "reference_data_versioned": False,
            **result,
            # one rule (`domain.alignment`) for both: the year under way on the date
            # ("year") and the years since signing completed by then (the score's year)
            "years_completed": rule.years_completed(accord.signed_on, as_of,
                                                    accord.first_implementation_year),
            "score_at_year": curve[-1].as_dict() if curve else None}


def cutoff_json(cutoff: Cutoff) -> dict:
    """A cut-off's own facts (no figures; who published it is in the audit log, not here:
    the answer is public for public accords)."""
    from .services import superseded_by

    newer = superseded_by(cutoff)
    return {"accord": cutoff.accord.slug, "label": cutoff.label,
            "as_of": cutoff.as_of.isoformat(), "note": cutoff.note,
            "published_at": cutoff.published_at.isoformat(),
            "supersedes": cutoff.supersedes.label if cutoff.supersedes else None,
            "superseded_by": newer.label if newer else None}


def revisions(cutoff: Cutoff) -> dict:
    """The cut-off's figures as published against the same date's figures as known now,
    with the provisions whose level differs, the records, verified after publication, that
    make the difference, and the structure changes since (`structure_changes`): priority
    flags, deadlines, tags, sections, points' titles, provisions added or removed, and the
    edits the audit log recorded after publication (provision edits, priority changes,
    reference sets imported, replaced or deleted)."""
    accord = cutoff.accord
    moment = Moment.of(cutoff)
    published = moment.figures(accord)
    now = AccordFigures(accord)
    old, new = published.levels(cutoff.as_of), now.levels(cutoff.as_of)
    old_ids = [p.id for p in published.provisions]
    ids = [p.id for p in now.provisions]
    differ = {pid for pid in set(ids) | set(old_ids) if old.get(pid, 0) != new.get(pid, 0)}
    before = domain_changes.Side(cutoff.as_of, old)
    after = domain_changes.Side(cutoff.as_of, new)
    whole = (Summary(_tally(old_ids, old)), Summary(_tally(ids, new)))
    codes = {p.id: p.code for p in published.provisions} | {p.id: p.code for p in now.provisions}
    structure = structure_changes(cutoff, published.provisions, now.provisions,
                                  moment.titles(accord), point_titles(accord))
    shown, live = figures_json(accord, moment), figures_json(accord, Moment(cutoff.as_of, None))
    for side in (shown, live):
        side["summary"].pop("known_at", None)
    order = ids + [pid for pid in old_ids if pid not in set(ids)]
    return {
        "revised": bool(differ or structure["provisions"] or structure["points"]
                        or shown != live),
        "figures_now": live,
        "published": whole[0].as_dict(), "now": whole[1].as_dict(),
        "change": domain_changes.delta(*whole),
        "provisions": [{"code": codes[pid], "published": old.get(pid, 0),
                        "now": new.get(pid, 0)} for pid in order if pid in differ],
        "records": later_records(cutoff, differ),
        "structure": structure,
        "by_point": [{"point": k, "published": b.as_dict()["score"],
                      "now": a.as_dict()["score"]} for k, (b, a) in domain_changes.compare(
                          now.provisions, before, after).by_point.items()],
    }


#: The provision fields a structure change names, as (key in the answer, attribute).
_STRUCTURE_FIELDS = (("priority", "priority"), ("deadline", "deadline"), ("tags", "tags"),
                     ("section", "section_path"), ("provision_type", "type_code"),
                     ("time_frame", "time_frame"))
#: Audit actions that change what a cut-off's figures would be if computed now.
STRUCTURE_ACTIONS = ("provision.edit", "priority.set", "priority.clear", "import.accord",
                     "reference_set.import", "reference_set.replace", "reference_set.delete",
                     "reference_set.default")


def _plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def structure_changes(cutoff: Cutoff, published, now, published_titles: dict,
                      now_titles: dict) -> dict:
    """What differs between the structure the cut-off's figures used and the structure now:
    {"provisions": [{"code", "field", "published", "now"}] (field one of priority, deadline,
    tags, section, provision_type, time_frame, or "provision" for one added (published None)
    or removed (now None)), "points": [{"point", "published", "now"}] (titles),
    "events": [{"action", "at", "object": code or label}] (audit events after publication,
    oldest first)}."""
    from ..models import AuditEvent

    old = {p.id: p for p in published}
    new = {p.id: p for p in now}
    rows = []
    for pid in list(old) + [pid for pid in new if pid not in old]:
        a, b = old.get(pid), new.get(pid)
        if a is None or b is None:
            rows.append({"code": (a or b).code, "field": "provision",
                         "published": a.code if a else None, "now": b.code if b else None})
            continue
        for key, attr in _STRUCTURE_FIELDS:
            was, is_ = _plain(getattr(a, attr)), _plain(getattr(b, attr))
            if was != is_:
                rows.append({"code": b.code, "field": key, "published": was, "now": is_})
    points = [{"point": code, "published": published_titles.get(code),
               "now": now_titles.get(code)}
              for code in list(published_titles) + [c for c in now_titles
                                                    if c not in published_titles]
              if published_titles.get(code) != now_titles.get(code)]
    names = {p.id: p.code for p in published} | {p.id: p.code for p in now}
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.at, AuditEvent.object_type, AuditEvent.object_id,
               AuditEvent.after)
        .where(AuditEvent.action.in_(STRUCTURE_ACTIONS),
               AuditEvent.at > type_coerce(cutoff.published_at, UTCDateTime()),
               (AuditEvent.accord_id == cutoff.accord_id)
               | AuditEvent.action.like("reference_set.%"))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    return {"provisions": rows, "points": points, "events": [
        {"action": action, "at": at.isoformat(),
         "object": (names.get(oid, "") if kind == "provision"
                    else (after or {}).get("label", ""))}
        for action, at, kind, oid, after in events]}


def _tally(ids, levels) -> tuple[int, int, int, int]:
    counts = [0, 0, 0, 0]
    for pid in ids:
        counts[levels.get(pid, 0)] += 1
    return tuple(counts)


def later_records(cutoff: Cutoff, provision_ids: set[int]) -> list[dict]:
    """Verified records effective by the cut-off's date but verified after its publication,
    of the given provisions, in effect order (who recorded them is left out: the answer is
    public for public accords)."""
    if not provision_ids:
        return []
    verified_at = type_coerce(func.coalesce(StatusRecord.reviewed_at, StatusRecord.recorded_at),
                              UTCDateTime())
    rows = db.session.execute(
        select(StatusRecord.id, Provision.code, StatusRecord.level, StatusRecord.effective_on,
               StatusRecord.recorded_at, verified_at.label("verified_at"))
        .join(Provision, Provision.id == StatusRecord.provision_id)
        .where(StatusRecord.accord_id == cutoff.accord_id,
               StatusRecord.provision_id.in_(sorted(provision_ids)),
               StatusRecord.review_state == "verified",
               StatusRecord.effective_on <= cutoff.as_of,
               not_(queries.known_clause(cutoff.published_at)))
        .order_by(StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)).all()
    return [{"record": rid, "provision": code, "level": level,
             "effective_on": effective.isoformat(), "recorded_at": _iso(recorded),
             "verified_at": _iso(verified)}
            for rid, code, level, effective, recorded, verified in rows]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def shown(accord: Accord, moment: Moment, figures: AccordFigures) -> domain_changes.Figures:
    """The summaries a moment's report shows: a published cut-off's figures as published
    (read from its snapshot), otherwise computed over the moment's own structure as known
    then (`figures`)."""
    if moment.snapshot is not None:
        return domain_changes.published(moment.snapshot.figures)
    return domain_changes.figures_of(figures.provisions, figures.levels(moment.as_of))


def changes(accord: Accord, before: Moment, after: Moment) -> domain_changes.Changes:
    """What changed from `before` to `after`. The summaries compare the two reports as each
    shows them (`shown`: a cut-off's figures as published, whatever was edited since);
    the moves are counted over `after`'s structure (priority flags, deadlines, tags and
    points as `after` has them) from `before`'s date as known at `after`'s moment, and
    provisions revised since `before` was published are listed apart
    (`domain.changes.compare`)."""
    old, new = before.figures(accord), after.figures(accord)
    baseline = None
    if before.known_at != after.known_at:
        baseline = domain_changes.Side(before.as_of, new.levels(before.as_of))
    return domain_changes.compare(
        new.provisions, domain_changes.Side(before.as_of, old.levels(before.as_of)),
        domain_changes.Side(after.as_of, new.levels(after.as_of)), baseline,
        shown=(shown(accord, before, old), shown(accord, after, new)))


def changes_json(accord: Accord, before: Moment, after: Moment) -> dict:
    """`changes` in the API's shape, with what each side is."""
    return {"accord": accord.slug,
            "since": {"label": before.label, "as_of": before.as_of.isoformat(),
                      "known_at": before.known_at.isoformat() if before.known_at else None},
            "until": {"label": after.label, "as_of": after.as_of.isoformat(),
                      "known_at": after.known_at.isoformat() if after.known_at else None},
            # the moves' basis: the later side's structure, from the earlier date's levels
            # as known at the later side's moment
            "moves_counted_over": {"structure": after.label or "now",
                                   "levels_from": before.as_of.isoformat(),
                                   "known_at": (after.known_at.isoformat()
                                                if after.known_at else None)},
            **changes(accord, before, after).as_dict()}
