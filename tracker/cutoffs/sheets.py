"""The Changes sheet of a cut-off's workbook (rows keyed by `excel.columns.CHANGES`)."""
from __future__ import annotations

from flask_babel import gettext

from ..domain import changes as domain_changes
from ..i18n import point_title, tag_label
from ..web import local_date
from . import report


def changes_rows(accord, since: report.Moment, label: str | None, data, snapshot=None):
    """Scores before and after (and the change in the share complete) for the whole accord,
    its priority split, each point and each tag; then the provisions that moved up, went
    down, became complete or overdue, and the priority provisions that did not move
    (levels before and after, whole numbers in their own columns), and those revised since
    the earlier cut-off's publication. `snapshot`: the cut-off's, for a cut-off's workbook."""
    after = report.Moment(data.as_of, data.figures.known_at, label, snapshot)
    changes = report.changes(accord, since, after)
    title = gettext("Since %(label)s (%(date)s)", label=since.label or "",
                    date=local_date(since.as_of))
    yield {"part": title, "name": gettext("as of %(date)s", date=local_date(data.as_of))}
    titles = {**since.titles(accord), **after.titles(accord)}  # a point only one side has
    parts = [(gettext("Summary"), gettext("All provisions"), changes.whole),
             (gettext("Summary"), gettext("Priority"), changes.priority),
             (gettext("Summary"), gettext("Non-priority"), changes.non_priority)]
    parts += [(gettext("Point"), point_title(accord, code, titles.get(code)), pair)
              for code, pair in changes.by_point.items()]
    parts += [(gettext("Tag"), tag_label(tag), pair) for tag, pair in changes.by_tag.items()]
    for part, name, (before, later) in parts:
        moved = domain_changes.delta(before, later)
        yield {"part": part, "name": name, "before": before.as_dict()["score"],
               "after": later.as_dict()["score"], "change": moved["score"],
               "complete_change": moved["shares"]["complete"]}
    for part, moves in ((gettext("Moved up"), changes.moved_up),
                        (gettext("Went down"), changes.moved_down),
                        (gettext("Newly complete"), changes.newly_complete),
                        (gettext("Priority, did not move"), changes.priority_unmoved),
                        (gettext("Revised since publication"), changes.revised)):
        for move in moves:
            yield {"part": part, "name": move.provision.code,
                   "level_before": move.before, "level_after": move.after}
    for provision in changes.newly_overdue:
        yield {"part": gettext("Newly overdue"),
               "name": f"{provision.code} ({local_date(provision.deadline)})",
               "level_after": after_level(changes, provision.id)}


def after_level(changes, provision_id: int) -> int:
    """A provision's level on the later side of `changes`."""
    return changes.after.levels.get(provision_id, 0)
