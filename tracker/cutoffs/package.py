"""A cut-off's data package: one ZIP of CSV files (keys and values never translated) with a
codebook and the line to cite it by."""
from __future__ import annotations

import csv
import io
import zipfile

from flask_babel import gettext

from .. import i18n
from ..domain.messages import N_
from ..domain.scale import LEVEL_KEYS
from ..excel import csv_text, fixed_member
from . import report
from .models import Cutoff

_LEVELS = [f"share_{k}" for k in LEVEL_KEYS] + [f"count_{k}" for k in LEVEL_KEYS]

#: The codebook, in the reader's language (the files' keys and values stay stable codes).
CODEBOOK = N_("""Codebook: {accord} cut-off "{label}"

Figures as of {as_of}, as known at {known_at} (UTC): only status records verified by that
moment count, with the priority flags as known then and the accord's structure (sections,
tags, deadlines) and reference set as stored at publication; records verified later and later
edits do not change these files (the cut-off's page shows them as revisions).
Scale (Peace Accords Matrix): 0 not initiated, 1 minimal, 2 intermediate, 3 complete.
A provision's level on a date is that of its latest verified record effective on or before
it; none: 0. score = 100 x sum of levels / (3 x provisions), two decimals;
share_<level> = provisions at that level / provisions, in percent, one decimal;
count_<level> = provisions at that level.

summary.csv     group (all, priority, non_priority), provisions, score, shares, counts
points.csv      point (top-level section code), title, provisions, score, shares, counts
tags.csv        tag, provisions, score, shares, counts (a provision may carry several tags)
provisions.csv  code, section (codes root first, joined by >), provision_type (PAM code),
                priority (yes/no), tags (;-separated), deadline, level (0-3)
comparison.csv  provision_type, accord_level (mean 0-3), stipulations, reference n, mean,
                median, q1, q3, min, max, difference, percentile, above_mean; reference set
                {reference_set}, year {year} since signing, as loaded when the cut-off
                was published.
CITATION.txt    how to cite this package
""")


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(v) if isinstance(v, str) else ("" if v is None else v)
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _figure_row(part: dict) -> list:
    return ([part["provisions"], part["score"]] + [part["shares"][k] for k in LEVEL_KEYS]
            + [part["counts"][k] for k in LEVEL_KEYS])


def citation(cutoff: Cutoff, url_root: str) -> str:
    """The line to cite the cut-off by (its address percent-encoded: a label's spaces and
    other characters never break the link)."""
    from urllib.parse import quote

    accord = cutoff.accord
    url = (f"{url_root.rstrip('/')}/accords/{quote(accord.slug, safe='')}/cutoffs/"
           f"{quote(cutoff.label, safe='')}")
    from ..web import local_date, utc_moment

    return gettext('%(accord)s: implementation figures, cut-off "%(label)s" (as of %(as_of)s, '
                   'published %(published)s UTC). Accord tracker. %(url)s',
                   accord=i18n.local(accord, "name"), label=cutoff.label,
                   as_of=local_date(cutoff.as_of), published=utc_moment(cutoff.published_at),
                   url=url)


def build(cutoff: Cutoff, url_root: str) -> bytes:
    """The ZIP file's bytes, the same on every download: its entries are dated the
    cut-off's publication."""
    from ..web import local_date, utc_moment

    accord = cutoff.accord
    moment = report.Moment.of(cutoff)
    figures = report.figures_json(accord, moment)
    s = figures["summary"]
    head = ["provisions", "score"] + _LEVELS
    cmp = figures["comparison"] or {"types": [], "reference_set": "", "year": ""}
    provisions = moment.figures(accord).provision_levels(cutoff.as_of)
    files = {
        "summary.csv": _csv(["group"] + head, [
            ["all"] + _figure_row(s), ["priority"] + _figure_row(s["priority"]),
            ["non_priority"] + _figure_row(s["non_priority"])]),
        "points.csv": _csv(["point", "title"] + head, [
            [p["point"], p["title"]] + _figure_row(p) for p in figures["by_point"]]),
        "tags.csv": _csv(["tag"] + head, [[t["tag"]] + _figure_row(t)
                                          for t in figures["by_tag"]]),
        "provisions.csv": _csv(
            ["code", "section", "provision_type", "priority", "tags", "deadline", "level"],
            [[p["code"], ">".join(p["section"]), p["provision_type"],
              "yes" if p["priority"] else "no", ";".join(p["tags"]), p["deadline"],
              p["level"]] for p in provisions]),
        "comparison.csv": _csv(
            ["provision_type", "accord_level", "stipulations", "n", "mean", "median", "q1",
             "q3", "min", "max", "difference", "percentile", "above_mean"],
            [[t["provision_type"], t["accord_level"], t["stipulations"]]
             + [(t["reference"] or {}).get(k) for k in ("n", "mean", "median", "q1", "q3",
                                                        "min", "max")]
             + [t["difference"], t["percentile"],
                None if t["reference"] is None else ("yes" if t["above_mean"] else "no")]
             for t in cmp["types"]]),
        "CODEBOOK.txt": gettext(CODEBOOK).format(
            accord=i18n.local(accord, "name"), label=cutoff.label,
            as_of=local_date(cutoff.as_of), known_at=utc_moment(cutoff.published_at), reference_set=cmp["reference_set"],
            year=cmp["year"]).encode("utf-8"),
        "CITATION.txt": (citation(cutoff, url_root) + "\n").encode("utf-8"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():  # dated the publication: the same bytes each time
            package.writestr(fixed_member(name, cutoff.published_at), data)
    return out.getvalue()
