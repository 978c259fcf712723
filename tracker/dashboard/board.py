"""What one dashboard shows: the selection (date, point/theme, tag, comparison year) and the
figures computed once each and only when asked for (`Board`); what each chart is drawn from
is `drawing`. Views (`routes`) parse the request, keep figures per database state and answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property

from flask_babel import gettext as _
from sqlalchemy import select

from .. import queries
from ..domain import event_figures
from ..events import figures as event_queries
from ..domain.metrics import Filters
from ..extensions import db
from ..figures import AccordFigures, alignment_rule, default_reference_set
from ..i18n import level_labels, provision_type_names, section_title, tag_label
from ..models import Accord, ProvisionType
from ..web import day_of_year

CROSS_CUTTING_TAGS = ("gender", "ethnic")
CHARTS = ("priority", "status", "groups", "tags", "comparison", "curve", "pace", "events",
          "events_map")
REFERENCE_CHARTS = ("comparison", "curve")


@dataclass(frozen=True)
class Selection:
    """A dashboard request's parameters, normalised (as_of resolved to a date).

    `known_at` (aware UTC datetime): figures as known at that moment, counting only the
    records verified by then; None: as known now. `include_pending`: count records awaiting
    review too (the accord's coordinators only; never with `known_at`)."""

    as_of: date
    section: str | None = None
    tag: str | None = None
    year: int | None = None  # years since signing for the comparison; None: now
    known_at: datetime | None = None
    include_pending: bool = False

    def args(self) -> dict[str, str]:
        """Query arguments that reproduce the selection (for chart and form URLs)."""
        found = {"as_of": self.as_of.isoformat(), "section": self.section, "tag": self.tag,
                 "year": None if self.year is None else str(self.year),
                 "known_at": self.known_at.isoformat() if self.known_at else None,
                 "include_pending": "true" if self.include_pending else None}
        return {k: v for k, v in found.items() if v is not None}

    def dated(self) -> str | None:
        """The date as a link to a page gives it: None (left out) when it is today, so the
        link shows the latest figures whenever it is opened; else YYYY-MM-DD."""
        return None if self.as_of == date.today() else self.as_of.isoformat()

    def link_args(self) -> dict[str, str]:
        """`args` for a link to another view of the dashboard: the date left out when it is
        today (`dated`)."""
        return {k: v for k, v in self.args().items() if k != "as_of" or self.dated()}

    @property
    def known_at_typed(self) -> str:
        """The moment as the form's field asks for it, "YYYY-MM-DD HH:MM" in UTC (":SS" too
        when its seconds are not zero); "" when figures are as known now."""
        if self.known_at is None:
            return ""
        moment = self.known_at.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")

    @property
    def known_at_text(self) -> str | None:
        """The moment as people read it, in the one format of UTC moments (`utc_moment`:
        "29 nov 2026 10:05" in Spanish; the page says UTC beside it); None: as known now."""
        from ..web import utc_moment

        return utc_moment(self.known_at) if self.known_at else None

    @property
    def filters(self) -> Filters:
        return Filters(section=self.section, tag=self.tag)



# --- figures for one dashboard ---------------------------------------------------------------

class DashboardFigures(AccordFigures):
    """AccordFigures that computes the levels on a date once (a dashboard asks many times)."""

    def levels(self, as_of: date) -> dict[int, int]:
        known = self.__dict__.setdefault("_levels_on", {})
        if as_of not in known:
            known[as_of] = super().levels(as_of)
        return known[as_of]


class Board:
    """Everything a dashboard shows, each figure computed once and only when asked for."""

    #: Computed figures (plain, small) that may be kept for the next request.
    KEPT = ("summary", "timeline", "priority_flags", "priority_since", "section_titles",
            "groups", "tags", "comparison", "curve", "illustrative_references", "pace",
            "overdue", "events_monthly", "events_departments", "events_subregions",
            "events_places", "stalled")

    def __init__(self, accord: Accord, figures: AccordFigures, selection: Selection):
        self.accord, self.figures, self.sel = accord, figures, selection

    def snapshot(self) -> dict:
        return {name: self.__dict__[name] for name in self.KEPT if name in self.__dict__}

    @cached_property
    def summary(self) -> dict:
        return self.figures.summary(self.sel.as_of, self.sel.filters)

    @cached_property
    def timeline(self) -> list[dict]:
        """Monthly points, shaped as the API's /timeline gives them."""
        series = self.figures.timeline(self.sel.as_of, "month", self.sel.filters)
        return [{"date": day.isoformat(), **whole.as_dict(), "priority": prio.as_dict(),
                 "non_priority": rest.as_dict()}
                for day, whole, prio, rest in zip(series["dates"], series["all"],
                                                  series["priority"], series["non_priority"])]

    @cached_property
    def priority_flags(self) -> dict:
        """When the flags in force were set (`metrics.FlagDates.as_dict`), as known at the
        board's moment."""
        return self.figures.flag_dates().as_dict()

    @cached_property
    def priority_since(self) -> str | None:
        """The dotted line of the priority chart: the date most flags in force were set on
        (one later change to one flag does not move it)."""
        return self.priority_flags["most_set_on"]

    @cached_property
    def section_titles(self) -> dict[str, str]:
        """Section code -> title in the reader's language where entered, else marked with
        the language it exists in (`i18n.section_title`)."""
        return {s.code: section_title(s) for s in self.accord.sections}

    @cached_property
    def groups(self) -> list[dict]:
        """By point, or by the children of the chosen section."""
        chosen = self.sel.section
        if chosen is None:
            keys = lambda p: [p.section_path[:1]] if p.section_path else []  # noqa: E731
        else:
            keys = lambda p: [p.section_path[: p.section_path.index(chosen) + 2]]  # noqa: E731
        found = self.figures.by_group(self.sel.as_of, keys, self.sel.filters)
        rows = []
        for path in sorted(found, key=lambda path: [natural(c) for c in path]):
            code = path[-1]
            label = f"{code} {self.section_titles.get(code, '')}".strip()
            if code == chosen:
                label = _("%(section)s (directly)", section=label)
            rows.append({"code": code, "label": label, **found[path].as_dict()})
        return rows

    @cached_property
    def tags(self) -> list[dict]:
        """The whole selection (section filter only), then each cross-cutting tag in it."""
        whole = Filters(section=self.sel.section)
        rows = [{"tag": None, "label": _("All provisions"),
                 **self.figures.summary(self.sel.as_of, whole)}]
        present = {t for p in self.figures.subset(whole) for t in p.tags}
        names = {"gender": _("Gender"), "ethnic": _("Ethnic")}
        for tag in CROSS_CUTTING_TAGS:
            if tag in present:
                rows.append({"tag": tag, "label": names[tag], **self.figures.summary(
                    self.sel.as_of, Filters(section=self.sel.section, tag=tag))})
        return rows

    @cached_property
    def reference_set(self) -> str:
        return default_reference_set()

    @cached_property
    def reference_citation(self) -> str:
        """The default set's short citation, for the charts' source lines."""
        found = queries.reference_set(self.reference_set) if self.reference_set else None
        return found.short_citation if found is not None else ""

    @cached_property
    def rule(self):
        return alignment_rule(self.reference_set)

    @cached_property
    def references(self) -> list:
        return self.figures.references(self.reference_set, True)

    @cached_property
    def comparison(self) -> dict:
        result = self.figures.comparison(self.sel.year, self.references, self.sel.as_of,
                                         self.rule)
        data = result.as_dict()
        names = type_names()
        for row in data["types"]:
            row["name"] = names.get(row["provision_type"], row["provision_type"])
        override = self.accord.first_implementation_year
        data["first_year"] = self.rule.first_year(self.accord.signed_on, override)
        data["year_end"] = self.rule.year_end(self.accord.signed_on, data["year"],
                                              override).isoformat()
        data["rule_text"] = rule_text(self.rule, override)
        return data

    @cached_property
    def curve(self) -> list[dict]:
        return [p.as_dict() for p in self.figures.score_curve(self.references, self.sel.as_of,
                                                             self.rule)]

    @cached_property
    def illustrative_references(self) -> dict[str, bool]:
        """Whether any reference accord used by the comparison, or the curve, is illustrative."""
        year = self.comparison["year"]
        flagged = set(db.session.scalars(select(Accord.slug).where(
            Accord.slug.in_([r.slug for r in self.references]), Accord.illustrative.is_(True))))
        return {"comparison": any(r.slug in flagged for r in self.references
                                  if r.coded_in(year)),
                "curve": any(r.slug in flagged for r in self.references if r.years)}

    @cached_property
    def pace(self) -> dict:
        target = self.accord.target_date
        return {"as_of": self.sel.as_of.isoformat(),
                "target_date": target.isoformat() if target else None,
                **self.figures.pace(self.sel.as_of, self.sel.filters).as_dict()}

    @cached_property
    def overdue(self) -> list[dict]:
        levels = self.figures.levels(self.sel.as_of)
        return [{"code": p.code, "deadline": p.deadline.isoformat(),
                 "level": levels.get(p.id, 0), "section": " › ".join(p.section_path)}
                for p in self.figures.overdue(self.sel.as_of, self.sel.filters)]


    # --- implementation events (verified, dated up to the board's date; as known at the ----
    # --- board's moment when it has one: events verified by then) ---------------------------

    @cached_property
    def event_provision_ids(self) -> list[int] | None:
        """The selection's provision ids when a point, theme or tag is chosen (events count
        when they bear on one of them); None: the whole accord."""
        if self.sel.section is None and self.sel.tag is None:
            return None
        return [p.id for p in self.figures.subset(self.sel.filters)]

    def _events_of(self, read, **options):
        """`read` (an `events.figures` function) for this board's accord, date, selection
        and moment (`known_at`: events verified by then)."""
        return read(self.accord.id, self.sel.as_of, provision_ids=self.event_provision_ids,
                    known_at=self.sel.known_at, **options)

    @cached_property
    def events_monthly(self) -> list[dict]:
        """Events per month since the signing (`domain.event_figures.monthly`), months as
        ISO dates."""
        days = self._events_of(event_queries.by_day)
        rows = event_figures.monthly(self.sel.as_of, days["events"], days["advances"],
                                     days["sets_back"], start=self.accord.signed_on)
        return [{**r, "month": r["month"].isoformat()} for r in rows]

    @cached_property
    def events_per_place(self) -> dict[int, int]:
        """Place id -> verified events there (read once for departments and the map)."""
        return self._events_of(event_queries.events_by_place)

    @cached_property
    def events_departments(self) -> list[dict]:
        return self._events_of(event_queries.by_department, per_place=self.events_per_place)

    @cached_property
    def events_subregions(self) -> list[dict]:
        return self._events_of(event_queries.by_group)

    @cached_property
    def events_places(self) -> list[dict]:
        return self._events_of(event_queries.by_municipality, per_place=self.events_per_place)

    @cached_property
    def country_points(self) -> list[tuple[float, float]]:
        """Every municipality's point of the accord's country: the map's outline."""
        return event_queries.country_points(self.accord)

    @cached_property
    def stalled(self) -> dict:
        """Provisions of the selection below full implementation with no verified event and
        no level change from `window_start(as_of)` to `as_of` (as known at the board's
        moment): {"since", "from", "count", "priority_count", "rows": [{"code", "priority",
        "section"}]} (rows in the accord's order); before `from` (12 months after signing,
        `event_figures.stalled_from`) the counts are None and there are no rows."""
        as_of = self.sel.as_of
        since = event_figures.window_start(as_of)
        first = event_figures.stalled_from(self.accord.signed_on)
        if as_of < first:
            return {"since": since.isoformat(), "from": first.isoformat(), "count": None,
                    "priority_count": None, "rows": []}
        with_events = event_queries.provisions_with_events(self.accord.id, since, as_of,
                                                           known_at=self.sel.known_at)
        changed = event_figures.changed_in(self.figures.records, since, as_of,
                                           self.sel.include_pending)
        found = event_figures.stalled(self.figures.subset(self.sel.filters), with_events,
                                      changed, self.figures.levels(as_of))
        return {"since": since.isoformat(), "from": first.isoformat(), "count": len(found),
                "priority_count": sum(1 for p in found if p.priority),
                "rows": [{"code": p.code, "priority": p.priority, "section": p.section}
                         for p in found]}


def natural(code: str) -> tuple:
    """Sort "1.10" after "1.9"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in code.split("."))


def type_names() -> dict[str, str]:
    """Provision type code -> name in the reader's language."""
    return provision_type_names(
        dict(db.session.execute(select(ProvisionType.code, ProvisionType.name)).all()))


# --- labels, alt texts, chart bytes ----------------------------------------------------------

def level_names() -> list[str]:
    return level_labels()  # the shared translations of the four levels


def short(text: str, width: int = 60) -> str:
    """`text` cut at a word boundary to fit `width` characters, with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width - 1] + "…"


def selection_text(board: Board, with_tag: bool = True) -> str:
    """The board's filters in a phrase of the reader's language ("section 1.1, tag gender";
    a known tag by its label: "etiqueta género"), for headings and charts' source lines."""
    parts = []
    if board.sel.section:
        parts.append(_("section %(code)s", code=board.sel.section))
    if board.sel.tag and with_tag:
        parts.append(_("tag %(tag)s", tag=tag_label(board.sel.tag)))
    return ", ".join(parts)


def rule_text(rule, override: int | None = None) -> str:
    """The first-year rule in a sentence, in the reader's language."""
    if override is not None:
        return _("set for this accord")
    return _("accords signed after %(date)s count from the following calendar year",
             date=day_of_year(*rule.last_same_year))
