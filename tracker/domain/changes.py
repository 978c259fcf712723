"""What changed between two reports: shares and score, per point and per tag, and the
provisions that moved (Kroc: "a 2% change in completed stipulations").

Each side is the accord's levels at one moment (a cut-off's date as known at its
publication, or today as known now); the functions compare them provision by provision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Iterable, Mapping

from .metrics import ProvisionInfo, Summary, group_summaries, overdue, summarize
from .scale import LEVEL_KEYS, MAX_LEVEL, round_half_up


@dataclass(frozen=True)
class Side:
    """One side of a comparison: the date of its figures and each provision's level then
    (provision id -> level; a missing provision is level 0)."""

    as_of: date
    levels: Mapping[int, int]


@dataclass(frozen=True)
class Move:
    """A provision whose level differs between the two sides."""

    provision: ProvisionInfo
    before: int
    after: int

    def as_dict(self) -> dict:
        """Code, levels before and after, priority flag and section path."""
        return {"code": self.provision.code, "before": self.before, "after": self.after,
                "priority": self.provision.priority,
                "section": list(self.provision.section_path)}


def shown_difference(old, new, places: int) -> Fraction | None:
    """`new` minus `old` as the reader sees them: each rounded half up to `places` first
    (as `Summary.as_dict` shows them), so the change shown always equals the difference of
    the figures shown beside it (40.48 -> 46.83 is +6.35, never +6.34); None if either is."""
    if old is None or new is None:
        return None
    return (Fraction(str(round_half_up(new, places)))
            - Fraction(str(round_half_up(old, places))))


def delta(before: Summary, after: Summary) -> dict:
    """Change from `before` to `after`: shares in percentage points (one decimal) and the
    score in points (two decimals), each the difference of the rounded figures shown;
    None where either side is empty."""
    shares = {}
    for level, key in enumerate(LEVEL_KEYS):
        old, new = before.share(level), after.share(level)
        moved = shown_difference(None if old is None else old * 100,
                                 None if new is None else new * 100, 1)
        shares[key] = None if moved is None else round_half_up(moved, 1)
    moved = shown_difference(before.score, after.score, 2)
    return {"shares": shares, "score": None if moved is None else round_half_up(moved, 2)}


def _compared(before: Summary, after: Summary) -> dict:
    return {"before": before.as_dict(), "after": after.as_dict(),
            "change": delta(before, after)}


@dataclass(frozen=True)
class Changes:
    """Everything that changed between two sides; `as_dict()` is the API's shape."""

    before: Side
    after: Side
    whole: tuple[Summary, Summary]
    priority: tuple[Summary, Summary]
    non_priority: tuple[Summary, Summary]
    by_point: dict[str, tuple[Summary, Summary]]
    by_tag: dict[str, tuple[Summary, Summary]]
    moved_up: list[Move]
    moved_down: list[Move]
    newly_complete: list[Move]
    newly_overdue: list[ProvisionInfo]
    priority_unmoved: list[Move]
    #: Provisions whose level on the earlier date differs between that side as published
    #: and as known on the later side: late records, revisions rather than progress.
    revised: list[Move] = ()

    def as_dict(self) -> dict:
        """Plain values: summaries before and after with their change (shares in points,
        score in points), per point and per tag, and the provisions in each list."""
        return {
            "before": self.before.as_of.isoformat(), "after": self.after.as_of.isoformat(),
            **_compared(*self.whole),
            "priority": _compared(*self.priority),
            "non_priority": _compared(*self.non_priority),
            "by_point": [{"point": k, **_compared(*v)} for k, v in self.by_point.items()],
            "by_tag": [{"tag": k, **_compared(*v)} for k, v in self.by_tag.items()],
            "moved_up": [m.as_dict() for m in self.moved_up],
            "moved_down": [m.as_dict() for m in self.moved_down],
            "newly_complete": [m.as_dict() for m in self.newly_complete],
            "newly_overdue": [{"code": p.code, "deadline": p.deadline.isoformat(),
                               "level": self.after.levels.get(p.id, 0)}
                              for p in self.newly_overdue],
            "priority_unmoved": [m.as_dict() for m in self.priority_unmoved],
            "revised_since_publication": [m.as_dict() for m in self.revised],
        }


@dataclass(frozen=True)
class Figures:
    """One side's summaries as its report shows them: the whole accord, its priority and
    non-priority parts, per point (top-level section code) and per tag. A published cut-off's
    side is its figures as published (`published`); another side is computed over its own
    structure and levels (`figures_of`)."""

    whole: Summary
    priority: Summary
    non_priority: Summary
    by_point: Mapping[str, Summary]
    by_tag: Mapping[str, Summary]


def figures_of(provisions: Iterable[ProvisionInfo], levels: Mapping[int, int]) -> Figures:
    """A side's summaries over its own `provisions` (their priority flags, points and tags)
    at `levels` (provision id -> level; missing: 0)."""
    provisions = list(provisions)

    def part(priority: bool | None) -> Summary:
        return summarize((p.id for p in provisions if priority is None
                          or p.priority == priority), levels)

    return Figures(part(None), part(True), part(False),
                   group_summaries(provisions, levels, lambda p: p.section_path[:1]),
                   group_summaries(provisions, levels, lambda p: sorted(p.tags)))


def published(figures: Mapping) -> Figures:
    """The summaries of a published cut-off read back from its figures as published
    (`cutoffs.report.figures_json`: "summary" with "priority" and "non_priority", "by_point"
    rows with "point", "by_tag" rows with "tag", each with "counts" per level key), so a
    comparison shows exactly what was published. Raises KeyError on another shape."""
    def summary(part: Mapping) -> Summary:
        return Summary(tuple(int(part["counts"][key]) for key in LEVEL_KEYS))

    whole = figures["summary"]
    return Figures(summary(whole), summary(whole["priority"]), summary(whole["non_priority"]),
                   {row["point"]: summary(row) for row in figures["by_point"]},
                   {row["tag"]: summary(row) for row in figures["by_tag"]})


def _pairs(old: Mapping, new: Mapping) -> dict:
    """Both sides of each group either side has (a group missing on one side is empty
    there: a tag added or removed after the earlier report)."""
    return {key: (old.get(key, Summary()), new.get(key, Summary()))
            for key in sorted(set(old) | set(new), key=str)}


def compare(provisions: Iterable[ProvisionInfo], before: Side, after: Side,
            baseline: Side | None = None, shown: tuple[Figures, Figures] | None = None
            ) -> Changes:
    """Changes from `before` to `after` over `provisions` (the later side's structure).
    Points are the top-level sections (the first code of each provision's section path).

    `shown`: the two sides' summaries as each report shows them (a published cut-off's
    figures as published, over the structure it recorded); default: both computed over
    `provisions`. The summaries compare these.

    `baseline`: `before`'s date as known on the `after` side (records verified after the
    earlier report was published included). The provisions that moved up, went down,
    became complete, became overdue or did not move are all counted over `provisions` (the
    later side's priority flags, deadlines, tags and points) from `baseline`'s levels, so
    only what happened between the two dates is progress; the provisions whose level on
    the earlier date was revised are listed apart (`revised`)."""
    provisions = list(provisions)
    start = baseline if baseline is not None else before
    if shown is None:
        shown = (figures_of(provisions, before.levels), figures_of(provisions, after.levels))
    old, new = shown
    moves = [Move(p, start.levels.get(p.id, 0), after.levels.get(p.id, 0))
             for p in provisions]
    revised = [Move(p, before.levels.get(p.id, 0), start.levels.get(p.id, 0))
               for p in provisions
               if before.levels.get(p.id, 0) != start.levels.get(p.id, 0)]
    was_late = {p.id for p in overdue(provisions, start.levels, before.as_of)}
    return Changes(
        before=before, after=after,
        whole=(old.whole, new.whole),
        priority=(old.priority, new.priority),
        non_priority=(old.non_priority, new.non_priority),
        by_point=_pairs(old.by_point, new.by_point),
        by_tag=_pairs(old.by_tag, new.by_tag),
        moved_up=[m for m in moves if m.after > m.before],
        moved_down=[m for m in moves if m.after < m.before],
        newly_complete=[m for m in moves if m.after == MAX_LEVEL > m.before],
        newly_overdue=[p for p in overdue(provisions, after.levels, after.as_of)
                       if p.id not in was_late],
        priority_unmoved=[m for m in moves if m.provision.priority
                          and m.after == m.before < MAX_LEVEL],
        revised=revised,
    )


def ranked_points(changes: Changes) -> list[tuple[str, Fraction | None]]:
    """Points by their change in score (the difference of the rounded scores shown),
    largest rise first (points without a score last)."""
    moved = [(point, shown_difference(b.score, a.score, 2))
             for point, (b, a) in changes.by_point.items()]
    return sorted(moved, key=lambda item: (item[1] is None, -(item[1] or 0), item[0]))
