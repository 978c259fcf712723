"""The officials' brief: key findings in plain sentences computed from the figures, the main
charts, and the sources and method, for one accord at a cut-off (or a date). The page
(`templates/cutoffs/brief.html`) and the PDF (`pdf.py`) are both built from `Brief`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import gettext as _
from flask_babel import ngettext

from ..dashboard.board import Board, Selection
from ..dashboard.drawing import render_chart
from ..domain import changes as domain_changes
from ..models import Accord
from ..i18n import local, point_title
from ..web import SHARE_PLACES, local_date, percent, score_figure, signed, utc_moment
from . import report
from .models import Cutoff

#: The charts a brief carries, in order.
CHARTS = ("status", "groups", "priority", "curve")


@dataclass
class Brief:
    """Everything a brief shows. `previous`: the moment the changes are counted from (the
    previous cut-off), or None; `cutoff`: the cut-off shown, or None for a date."""

    accord: Accord
    moment: report.Moment
    previous: report.Moment | None = None
    cutoff: Cutoff | None = None
    revision: dict | None = field(default=None)

    @cached_property
    def figures(self) -> dict:
        """`report.figures_json` of the moment."""
        return report.figures_json(self.accord, self.moment)

    @cached_property
    def changes(self) -> domain_changes.Changes | None:
        """What changed since the previous moment (None without one)."""
        if self.previous is None:
            return None
        return report.changes(self.accord, self.previous, self.moment)

    @cached_property
    def board(self) -> Board:
        """A dashboard board over the figures as known at the moment (draws the charts)."""
        return Board(self.accord, self.moment.figures(self.accord),
                     Selection(as_of=self.moment.as_of, known_at=self.moment.known_at))

    def chart(self, name: str, fmt: str = "png") -> bytes:
        """Chart `name` (one of CHARTS) as PNG or SVG bytes."""
        return render_chart(self.board, name, fmt)

    @cached_property
    def point_changes(self) -> list[dict]:
        """Points by change in score since the previous cut-off, largest rise first."""
        if self.changes is None:
            return []
        titles = self.moment.titles(self.accord)
        return [{"point": code, "title": titles.get(code, ""),
                 "change": None if delta is None else float(round(delta, 2))}
                for code, delta in domain_changes.ranked_points(self.changes)]

    @cached_property
    def findings(self) -> list[str]:
        """Key findings, one plain sentence each, in the reader's language."""
        s = self.figures["summary"]
        if not s["provisions"]:
            return [_("No provisions are loaded for this accord.")]
        found = [ngettext(
            "As of %(date)s, the accord's %(num)s provision was %(complete)s complete, "
            "%(intermediate)s at an intermediate level, %(minimal)s minimally implemented and "
            "%(none)s not initiated: an implementation score of %(score)s out of 100.",
            "As of %(date)s, %(complete)s of the %(num)s provisions were complete, "
            "%(intermediate)s at an intermediate level, %(minimal)s minimally "
            "implemented and %(none)s not initiated: an implementation score of "
            "%(score)s out of 100.", s["provisions"], date=local_date(self.moment.as_of),
                   complete=percent(s["shares"]["complete"]),
                   intermediate=percent(s["shares"]["intermediate"]),
                   minimal=percent(s["shares"]["minimal"]),
                   none=percent(s["shares"]["not_initiated"]), score=score_figure(s["score"]))]
        found += self._since_previous()
        found += self._priority(s)
        found += self._points()
        found += self._overdue()
        found += self._reference()
        return found

    def _since_previous(self) -> list[str]:
        if self.changes is None:
            return []
        change = domain_changes.delta(*self.changes.whole)
        since = self.previous.label or local_date(self.previous.as_of)
        return [_("Since %(since)s (%(date)s), the share of complete provisions changed by "
                  "%(complete)s percentage points and the score by %(score)s points. "
                  "Provisions that moved up: %(up)s; that went down: %(down)s; that became "
                  "complete: %(done)s.",
                  since=since, date=local_date(self.previous.as_of),
                  complete=signed(change["shares"]["complete"], SHARE_PLACES),
                  score=signed(change["score"]),
                  up=len(self.changes.moved_up), down=len(self.changes.moved_down),
                  done=len(self.changes.newly_complete))] + ([ngettext(
                      "%(num)s provision was revised for %(date)s by a record verified after "
                      "that report was published; it is not counted as progress.",
                      "%(num)s provisions were revised for %(date)s by records verified after "
                      "that report was published; they are not counted as progress.",
                      len(self.changes.revised), date=local_date(self.previous.as_of))]
                      if self.changes.revised else [])

    def _priority(self, s: dict) -> list[str]:
        if not s["priority"]["provisions"] or not s["non_priority"]["provisions"]:
            return []
        text = _("Priority provisions scored %(p)s, against %(n)s for the others",
                 p=score_figure(s["priority"]["score"]), n=score_figure(s["non_priority"]["score"]))
        if self.changes is not None and self.changes.priority_unmoved:
            text += ngettext(
                "; %(num)s priority provision did not move since the previous report",
                "; %(num)s priority provisions did not move since the previous report",
                len(self.changes.priority_unmoved))
        return [text + "."]

    def _points(self) -> list[str]:
        moved = [p for p in self.point_changes if p["change"] is not None]
        if len(moved) >= 2:
            most, least = moved[0], moved[-1]
            return [_("Point %(most)s moved most (%(m)s score points) and point %(least)s "
                      "least (%(l)s).", most=self._point(most),
                      m=signed(most["change"]), least=self._point(least),
                      l=signed(least["change"]))]
        points = [p for p in self.figures["by_point"] if p["score"] is not None]
        if len(points) < 2:
            return []
        ranked = sorted(points, key=lambda p: -p["score"])
        top, bottom = ranked[0], ranked[-1]
        return [_("Point %(top)s is furthest along (score %(t)s) and point %(bottom)s least "
                  "(score %(b)s).", top=self._point(top),
                  t=score_figure(top["score"]), bottom=self._point(bottom),
                  b=score_figure(bottom["score"]))]

    def _point(self, row: dict) -> str:
        """A point of `point_changes` or `by_point` as a sentence names it (`point_title`)."""
        return point_title(self.accord, row["point"], row["title"])

    def _overdue(self) -> list[str]:
        late = self.figures["overdue"]
        if not late:
            return [_("No provision had passed its deadline without being complete.")]
        return [ngettext("%(num)s provision had passed its deadline without being complete.",
                         "%(num)s provisions had passed their deadline without being complete.",
                         len(late))]

    def _reference(self) -> list[str]:
        cmp = self.figures["comparison"]
        if not cmp or not cmp.get("score_at_year") or not cmp["score_at_year"]["reference"]:
            return []
        point = cmp["score_at_year"]
        ref = point["reference"]
        return [ngettext(
            "On %(date)s the accord is in year %(now)s since signing. At the end of year "
            "%(year)s, the last completed, its score was %(score)s, against a mean of "
            "%(mean)s (middle half %(q1)s to %(q3)s) for the %(num)s reference accord of "
            "%(set)s in the same year; provision types above the reference mean in year "
            "%(now)s: %(above)s of %(types)s.",
            "On %(date)s the accord is in year %(now)s since signing. At the end of "
            "year %(year)s, the last completed, its score was %(score)s, against a mean "
            "of %(mean)s (middle half %(q1)s to %(q3)s) for the %(num)s reference accords "
            "of %(set)s in the same year; provision types above the reference mean in year "
            "%(now)s: %(above)s of %(types)s.", ref["n"],
                  date=local_date(self.moment.as_of), now=cmp["year"], year=point["year"],
                  score=score_figure(point["accord_score"]), mean=score_figure(ref["mean"]),
                  q1=score_figure(ref["q1"]), q3=score_figure(ref["q3"]),
                  set=cmp["reference_set"], above=cmp["types_above_mean"],
                  types=cmp["types_compared"])]

    @property
    def title(self) -> str:
        """The brief's title, with the cut-off's label if any."""
        if self.moment.label:
            return _("%(accord)s: implementation brief, %(label)s",
                     accord=local(self.accord, "name"), label=self.moment.label)
        return _("%(accord)s: implementation brief", accord=local(self.accord, "name"))

    @property
    def scope(self) -> str:
        """What the figures are: their date, and the moment they were known at."""
        if self.moment.known_at is None:
            return _("Figures as of %(date)s, as known now.",
                     date=local_date(self.moment.as_of))
        return _("Figures as of %(date)s, as known when published on %(at)s UTC; they do not "
                 "change when records come in later.", date=local_date(self.moment.as_of),
                 at=utc_moment(self.moment.known_at))

    def method_lines(self) -> list[str]:
        """Sources and method, for the footer."""
        cmp = self.figures["comparison"] or {}
        lines = [
            _("Method: Peace Accords Matrix scale (0 not initiated, 1 minimal, 2 intermediate, "
              "3 complete); a provision's level on a date is that of its latest verified record "
              "effective by then; score = 100 × sum of levels ÷ (3 × provisions)."),
            _("Only records verified by the moment the figures were known count; the accord's "
              "structure (priority flags, deadlines, tags, sections) and the reference data are "
              "those of that moment.")
            if self.moment.snapshot is not None else
            _("Only records verified by the moment the figures were known count; the accord's "
              "structure and the reference data are as loaded now (they are not versioned)."),
        ]
        if cmp.get("reference_citation"):
            lines.append(_("Reference data: %(citation)s", citation=cmp["reference_citation"]))
        if self.accord.source_url:
            lines.append(_("Source: %(url)s", url=self.accord.source_url))
        return lines
