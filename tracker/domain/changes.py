"""What changed between two reports: shares and score, per point and per tag, and the
provisions that moved (Kroc: "a 2% change in completed stipulations").

Each side is the accord's levels at one moment (a cut-off's date as known at its
publication, or today as known now); the functions compare them provision by provision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Callable, Iterable, Mapping

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


def _pairs(provisions: list[ProvisionInfo], before: Side, after: Side,
           keys: Callable[[ProvisionInfo], Iterable[object]]) -> dict:
    old = group_summaries(provisions, before.levels, keys)
    new = group_summaries(provisions, after.levels, keys)
    return {key: (old[key], new[key]) for key in sorted(new, key=str)}


def _split(provisions, side: Side, priority: bool | None) -> Summary:
    return summarize((p.id for p in provisions if priority is None or p.priority == priority),
                     side.levels)


def compare(provisions: Iterable[ProvisionInfo], before: Side, after: Side,
            baseline: Side | None = None) -> Changes:
    """Changes from `before` to `after` over `provisions`. Points are the top-level
    sections (the first code of each provision's section path).

    `baseline`: `before`'s date as known on the `after` side (records verified after the
    earlier report was published included). Summaries compare the two sides as shown;
    the provisions that moved up, went down, became complete or did not move are counted
    from `baseline`, so only what happened between the two dates is progress, and the
    provisions whose level on the earlier date was revised are listed apart (`revised`)."""
    provisions = list(provisions)
    start = baseline if baseline is not None else before
    moves = [Move(p, start.levels.get(p.id, 0), after.levels.get(p.id, 0))
             for p in provisions]
    revised = [Move(p, before.levels.get(p.id, 0), start.levels.get(p.id, 0))
               for p in provisions
               if before.levels.get(p.id, 0) != start.levels.get(p.id, 0)]
    was_late = {p.id for p in overdue(provisions, before.levels, before.as_of)}
    return Changes(
        before=before, after=after,
        whole=(_split(provisions, before, None), _split(provisions, after, None)),
        priority=(_split(provisions, before, True), _split(provisions, after, True)),
        non_priority=(_split(provisions, before, False), _split(provisions, after, False)),
        by_point=_pairs(provisions, before, after,
                        lambda p: p.section_path[:1]),
        by_tag=_pairs(provisions, before, after, lambda p: sorted(p.tags)),
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
