"""Figures for one accord, assembled from `queries` and `domain`: what pages, charts, the API
and workbooks all show. One formula, one place: none of them computes a figure itself.

`AccordFigures` loads the accord's provisions and records once; every method then works
on those plain values, so a dashboard asking for many figures costs one read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from . import queries
from .domain import compare, metrics
from .domain.alignment import AlignmentRule
from .domain.metrics import Filters, ProvisionInfo, Summary
from .cache import Recent
from .models import Accord

# (accord id, revision, priority known_at) -> provisions
_PROVISIONS = Recent(16, "figures.provisions")
# (accord id, revision, include_pending, known_at) -> level changes
_LOADED = Recent(16, "figures.level_changes")
# (label, include_illustrative, set version) -> [AccordData]
_REFERENCES = Recent(8, "figures.references")


def default_reference_set() -> str:
    """Label of the reference set comparisons use by default ('' when none is loaded)."""
    from .reference.data import default_set

    chosen = default_set()
    return chosen.label if chosen is not None else ""


def alignment_rule(label: str) -> AlignmentRule:
    """The first-year rule of reference set `label` (read off its accords at import), else
    the default rule."""
    from .models import ReferenceSet
    from .extensions import db
    from sqlalchemy import select

    stored = db.session.scalar(select(ReferenceSet.alignment).where(ReferenceSet.label == label))
    return AlignmentRule.from_dict(stored)


def clear_caches() -> None:
    """Forget kept reads (tests roll transactions back, so revisions repeat there)."""
    _PROVISIONS.clear()
    _LOADED.clear()
    _REFERENCES.clear()


@dataclass
class AccordFigures:
    """Every figure of one accord. `include_pending`: count records awaiting review too
    (coordinators' view). `known_at` (aware UTC datetime): figures as known at that moment,
    counting only the records verified by then (see `domain.known`); None: as known now.
    The two do not combine: with `known_at`, pending records never count; priority flags
    are then those as known at that moment too. `structure`: the provisions as a published
    cut-off recorded them (section, tags, priority, deadline, ...; see `cutoffs.snapshot`),
    used instead of the provisions as loaded now, so a cut-off's figures never move when
    the accord's structure is edited later."""

    accord: Accord
    include_pending: bool = False
    known_at: datetime | None = None
    structure: tuple[ProvisionInfo, ...] | None = None

    def __post_init__(self):
        if self.known_at is not None:
            if self.known_at.tzinfo is None:
                raise ValueError("known_at must be an aware UTC datetime")
            self.include_pending = False

    @cached_property
    def _loaded(self) -> tuple[list[ProvisionInfo], list[metrics.Record]]:
        """Provisions and level changes, kept per process under the accord's revision (which
        every write raises), so repeated requests skip the reads.

        As known at a moment after which no record entered the official figures (a cut-off
        published since the last verification, the usual case), the records counted are
        exactly those counted now: the read as known now is used and shared."""
        version = queries.data_version(self.accord.id)
        if self.structure is not None:
            provisions = list(self.structure)
        else:
            flags_at = self.known_at
            if flags_at is not None and not queries.priority_changes_after(self.accord.id,
                                                                           flags_at):
                flags_at = None
            provisions = _PROVISIONS.get_or_make((self.accord.id, version, flags_at), lambda: (
                queries.provision_infos(self.accord.id, flags_at)))
        moment = self.known_at
        if moment is not None and not self._known_after(version, moment):
            moment = None
        key = (self.accord.id, version, self.include_pending, moment)
        return provisions, _LOADED.get_or_make(key, lambda: self._read_changes(version, moment))

    def _known_after(self, version: int, moment) -> bool:
        """Whether anything entered the figures after `moment`: asked of the level-change
        summary when it is current (a few thousand rows), else of the history."""
        if not self.include_pending:
            after = queries.kept_known_after(self.accord.id, version, moment)
            if after is not None:
                return after
        return queries.known_after(self.accord.id, moment)

    def _read_changes(self, version: int, moment) -> metrics.InEffectOrder:
        """Without pending records, as known now or at `moment`: from the level-change summary
        when it is current (cost follows level changes); otherwise, and for pending figures,
        the window over the accord's whole history.

        `moment` is `known_at`, or None when nothing was verified after it (the figures as
        known then equal those as known now)."""
        if not self.include_pending:
            kept = queries.kept_level_changes(self.accord.id, version, moment)
            if kept is not None:
                return kept
        return queries.level_changes(self.accord.id, self.include_pending, moment)

    @cached_property
    def provisions(self) -> list[ProvisionInfo]:
        return self._loaded[0]

    @cached_property
    def records(self) -> list[metrics.Record]:
        """The records that change a level (all a figure needs), in effect order."""
        return self._loaded[1]

    def levels(self, as_of: date) -> dict[int, int]:
        if as_of not in self._levels:
            self._levels[as_of] = metrics.levels_as_of(self.records, as_of, self.include_pending)
        return self._levels[as_of]

    @cached_property
    def _levels(self) -> dict[date, dict[int, int]]:
        return {}

    def subset(self, filters: Filters) -> list[ProvisionInfo]:
        return metrics.select(self.provisions, filters)

    # --- as of one date ---------------------------------------------------------------------

    def summary(self, as_of: date, filters: Filters = Filters()) -> dict:
        """Counts, shares and score of a subset, with its priority and non-priority parts."""
        levels = self.levels(as_of)
        chosen = self.subset(filters)
        whole = metrics.summarize((p.id for p in chosen), levels)
        priority = metrics.summarize((p.id for p in chosen if p.priority), levels)
        rest = metrics.summarize((p.id for p in chosen if not p.priority), levels)
        return {
            "accord": self.accord.slug,
            "as_of": as_of.isoformat(),
            "known_at": _moment(self.known_at),
            "include_pending": self.include_pending,
            **whole.as_dict(),
            "priority": priority.as_dict(),
            "non_priority": rest.as_dict(),
            "priority_ratio": metrics.ratio(priority.score, rest.score),
        }

    def by_group(self, as_of: date, keys, filters: Filters = Filters()) -> dict[object, Summary]:
        return metrics.group_summaries(self.subset(filters), self.levels(as_of), keys)

    def provision_levels(self, as_of: date, filters: Filters = Filters()) -> list[dict]:
        levels = self.levels(as_of)
        return [
            {"code": p.code, "section": list(p.section_path), "provision_type": p.type_code,
             "priority": p.priority, "tags": sorted(p.tags), "deadline": _iso(p.deadline),
             "level": levels.get(p.id, 0)}
            for p in self.subset(filters)
        ]

    def overdue(self, as_of: date, filters: Filters = Filters()) -> list[ProvisionInfo]:
        return metrics.overdue(self.subset(filters), self.levels(as_of), as_of)

    # --- over time --------------------------------------------------------------------------

    def timeline(self, end: date, freq: str = "month", filters: Filters = Filters()) -> dict:
        """Whole subset, priority and non-priority at each period end, in one pass."""
        chosen = self.subset(filters)
        dates = metrics.period_ends(self.accord.signed_on, end, freq)
        series = metrics.timeline(
            {"all": [p.id for p in chosen],
             "priority": [p.id for p in chosen if p.priority],
             "non_priority": [p.id for p in chosen if not p.priority]},
            self.records, dates, self.include_pending)
        return {"dates": dates, **series}

    def priority_since(self) -> date | None:
        """Since when the flags hold as a whole: the latest priority change's date."""
        return metrics.flags_hold_since(queries.priority_changes(self.accord.id))

    def flag_dates(self) -> metrics.FlagDates:
        """When the priority flags these figures use were set (`metrics.flag_dates`): the
        date most were set on and the latest change, as known at `known_at`."""
        flagged = [p.id for p in self.provisions if p.priority]
        return metrics.flag_dates(queries.priority_history(self.accord.id, self.known_at),
                                  flagged)

    def pace(self, as_of: date, filters: Filters = Filters()) -> metrics.Pace:
        chosen = [p.id for p in self.subset(filters)]
        previous = metrics.month_end(metrics.add_months(as_of, -1))
        year_ago = metrics.add_months(as_of, -12)
        dates = sorted({d for d in (year_ago, previous, as_of) if d >= self.accord.signed_on})
        series = dict(zip(dates, metrics.timeline({"all": chosen}, self.records, dates,
                                                   self.include_pending)["all"]))
        score = {d: s.score for d, s in series.items()}
        return metrics.pace(score.get(as_of), score.get(previous), score.get(year_ago), as_of,
                            self.accord.target_date)

    # --- against the reference set -----------------------------------------------------------

    def references(self, label: str, include_illustrative: bool = True):
        key = (label, include_illustrative, queries.reference_set_version(label))
        if key not in self._references:
            found = _REFERENCES.get_or_make(
                key, lambda: queries.reference_data(label, include_illustrative))
            self._references[key] = [r for r in found if r.slug != self.accord.slug]
        return self._references[key]

    @cached_property
    def _references(self) -> dict:
        return {}

    def own_data(self) -> compare.AccordData:
        types = {p.id: p.type_code for p in self.provisions}
        return compare.AccordData(self.accord.slug, self.accord.name, self.accord.signed_on,
                                  types, self.records, self.accord.first_implementation_year,
                                  self.include_pending)

    def comparison(self, year: int | None, references, as_of: date,
                   rule: AlignmentRule | None = None) -> compare.Comparison:
        """At `year` since signing, or now (`year` None: the year under way on `as_of`),
        years counted under `rule` (the reference set's; default rule if None)."""
        rule = rule or AlignmentRule()
        if year is None:
            current = rule.current_year(self.accord.signed_on, as_of,
                                        self.accord.first_implementation_year)
            return compare.compare_types(self.own_data(), references, current, as_of=as_of,
                                         rule=rule)
        return compare.compare_types(self.own_data(), references, year, as_of=as_of, rule=rule)

    def score_curve(self, references, as_of: date,
                    rule: AlignmentRule | None = None) -> list[compare.CurvePoint]:
        return compare.score_curve(self.own_data(), references, as_of,
                                   rule=rule or AlignmentRule())


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _moment(moment: datetime | None) -> str | None:
    """An aware time as ISO 8601 in UTC (None: as known now)."""
    return moment.isoformat() if moment else None
