"""The checks behind ``generate.py --check``: the committed demo files against the published facts.

Run through ``python3 seed_data/generate.py --check``; ``run_checks()`` prints one
``PASS``/``FAIL`` line per check and returns the exit status (0 when every check passes).
Everything is re-read from the committed files; nothing is assumed from the generator beyond
its constants and a fresh in-memory generation to compare with byte for byte.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from fractions import Fraction

from generate import (ANCHOR, DEMO, DUE, ETHNIC_COUNT, FIRST_DAY, GENDER_COUNT, HERE, LAST_DAY,
                      MEDIUM_END, POINT_SIZES, SHORT_END, STATUS_COLUMNS, STIPULATIONS,
                      STRUCTURE_COLUMNS, TYPE_COLUMNS, TYPE_COUNT, TYPES_CSV, generate,
                      point_names, provision_type_codes, read_csv, read_header, round_half_up)

class Report:
    """Prints one line per check and counts failures."""

    def __init__(self):
        self.failures = 0

    def __call__(self, ok, message):
        print(f"{'PASS' if ok else 'FAIL'}  {message}")
        self.failures += 0 if ok else 1


def check_inputs(report):
    types = read_csv(TYPES_CSV)
    codes, stems = {t["code"] for t in types}, {t["pam_stem"] for t in types}
    report(read_header(TYPES_CSV) == TYPE_COLUMNS and len(types) == TYPE_COUNT
           and len(codes) == len(stems) == TYPE_COUNT
           and all(t["name"] and t["group"] for t in types),
           f"{TYPES_CSV.relative_to(HERE.parent)}: columns, {len(types)} types, "
           f"{len(codes)} distinct codes, {len(stems)} distinct PAM stems")


def check_reproducible(report):
    try:
        generated = generate()
    except ValueError as error:
        report(False, f"a fresh generation fails: {error}")
        return
    for path, text in generated.items():
        same = path.exists() and path.read_text(encoding="utf-8") == text
        report(same, f"{path.relative_to(HERE)} is byte-identical to a fresh generation")


def structure():
    return read_csv(DEMO / "structure.csv")


def check_structure_shape(report, stips):
    report(read_header(DEMO / "structure.csv") == STRUCTURE_COLUMNS, "structure.csv columns")
    codes = [s["code"] for s in stips]
    report(len(stips) == STIPULATIONS and len(set(codes)) == len(codes),
           f"{len(stips)} stipulations with unique codes")
    names = point_names()
    sizes = Counter(int(s["code"].split(".")[0]) for s in stips)
    report(dict(sizes) == POINT_SIZES, f"stipulations per point {dict(sorted(sizes.items()))}")
    bad = [s["code"] for s in stips if not code_matches_section(s, names)]
    report(not bad, f"codes follow their section path, point names from colombia_points.csv "
           f"{bad[:5] or ''}")
    themes = Counter(s["section"].split(" > ")[1].split()[0] for s in stips)
    per_point = Counter(code.split(".")[0] for code in themes)
    report(all(2 <= per_point[str(p)] <= 6 for p in POINT_SIZES),
           f"themes per point {dict(sorted(per_point.items()))}")
    report(all(s["text"].startswith("[Illustrative] ") for s in stips),
           "every text is marked [Illustrative]")


def code_matches_section(s, names):
    segments = s["section"].split(" > ")
    point = s["code"].split(".")[0]
    head = f"{point} {names.get(int(point), '?')}"
    parent = segments[-1].split()[0]
    return (segments[0] == head and s["code"].rsplit(".", 1)[0] == parent
            and s["code"].rsplit(".", 1)[1].isdigit())


def check_structure_fields(report, stips):
    known = set(provision_type_codes())
    report(all(s["provision_type"] in known | {""} for s in stips),
           f"provision types are PAM codes of the {len(known)} types or blank "
           f"({sum(1 for s in stips if s['provision_type'])} typed)")
    share = Fraction(sum(s["priority"] == "yes" for s in stips), len(stips))
    report(all(s["priority"] in ("yes", "no") for s in stips)
           and Fraction(1, 5) <= share <= Fraction(3, 10),
           f"priority yes/no, {round_half_up(100 * share, 1)}% priority")
    tags = Counter(t for s in stips for t in s["tags"].split(";") if t)
    both = sum(1 for s in stips if {"gender", "ethnic"} <= set(s["tags"].split(";")))
    report(set(tags) <= {"gender", "ethnic", "territorial"} and tags["gender"] == GENDER_COUNT
           and tags["ethnic"] == ETHNIC_COUNT and both > 0,
           f"tags: gender {tags['gender']}, ethnic {tags['ethnic']}, both {both}, "
           f"territorial {tags['territorial']}")
    report(all(s["responsible_actor"] for s in stips), "every stipulation has an actor")
    check_deadlines(report, stips)


def frame_of(deadline):
    return "short" if deadline <= SHORT_END else "medium" if deadline <= MEDIUM_END else "long"


def check_deadlines(report, stips):
    dated = [s for s in stips if s["deadline"]]
    ok = all(date(2017, 1, 1) <= date.fromisoformat(s["deadline"]) <= DUE
             and frame_of(date.fromisoformat(s["deadline"])) == s["time_frame"] for s in dated)
    frames = Counter(s["time_frame"] for s in stips)
    report(ok and set(frames) <= {"short", "medium", "long"} and len(dated) >= 0.8 * len(stips),
           f"{len(dated)} deadlines in 2017..{DUE} matching time frames {dict(frames)}")


def histories():
    history = {}
    for row in read_csv(DEMO / "statuses.csv"):
        history.setdefault(row["provision_code"], []).append(row)
    return history


def level_on(rows, day):
    level = 0
    for row in rows:
        if row["effective_on"] <= day.isoformat():
            level = int(row["level"])
    return level


def check_status_format(report, stips):
    rows = read_csv(DEMO / "statuses.csv")
    report(read_header(DEMO / "statuses.csv") == STATUS_COLUMNS, "statuses.csv columns")
    codes = {s["code"] for s in stips}
    report(all(r["provision_code"] in codes and r["level"] in "0123" and len(r["level"]) == 1
               and FIRST_DAY <= date.fromisoformat(r["effective_on"]) <= LAST_DAY
               for r in rows), f"{len(rows)} rows: known codes, levels 0-3, dates "
           f"{FIRST_DAY}..{LAST_DAY}")
    keys = [(r["effective_on"], r["provision_code"]) for r in rows]
    report(keys == sorted(keys) and len(set(keys)) == len(keys),
           "rows sorted by (effective_on, provision_code), one row per code and day")
    report(all(r["evidence"].startswith("Illustrative evidence: ") for r in rows)
           and not any("http" in r["evidence"] + r["note"] for r in rows),
           "evidence marked illustrative, no URLs")
    changes = all(int(rs[i]["level"]) != (int(rs[i - 1]["level"]) if i else 0)
                  for rs in histories().values() for i in range(len(rs)))
    report(changes, "every row changes the level")


def published_cutoffs():
    return read_csv(HERE / "colombia_published_status.csv")


def level_counts(history, codes, day):
    counts = Counter(level_on(history.get(code, []), day) for code in codes)
    return [counts[3], counts[2], counts[1], counts[0]]


def pct(count, total):
    return int(round_half_up(Fraction(100 * count, total), 0))


def check_calibration(report, history, stips):
    codes = [s["code"] for s in stips]
    columns = ["complete_pct", "intermediate_pct", "minimal_pct", "not_initiated_pct"]
    for cut in published_cutoffs():
        counts = level_counts(history, codes, date.fromisoformat(cut["cut_off"]))
        shares = [pct(c, len(codes)) for c in counts]
        ok = all(cut[col] == "" or int(cut[col]) == v for col, v in zip(columns, shares))
        shown = ", ".join(f"{v}({cut[c] or '-'})" for c, v in zip(columns, shares))
        report(ok, f"{cut['cut_off']} {cut['report']}: C/I/M/N % {shown}  (published)")
        exact = re.search(r"counts (\d+)/(\d+)/(\d+)/(\d+)", cut["note"])
        if exact:
            report(counts == [int(g) for g in exact.groups()],
                   f"{cut['cut_off']} exact counts {counts} vs published {exact.group(0)}")


def check_points(report, history, stips):
    columns = ["feb2019_complete_pct", "feb2019_intermediate_pct", "feb2019_minimal_pct",
               "feb2019_not_initiated_pct"]
    for point in read_csv(HERE / "colombia_points.csv"):
        codes = [s["code"] for s in stips if s["code"].split(".")[0] == point["point"]]
        counts = level_counts(history, codes, ANCHOR)
        shares = [pct(c, len(codes)) for c in counts]
        ok = all(point[c] == "" or int(point[c]) == v for c, v in zip(columns, shares))
        report(ok and min(counts) >= 0, f"point {point['point']} at {ANCHOR} (n={len(codes)}):"
               f" counts {counts}, % {shares} vs published "
               f"{[point[c] or '-' for c in columns]}")


def reversals(history):
    """(code, drop day, recovery day or None, steps) for every fall in a history."""
    found = []
    for code, rows in history.items():
        for i in range(1, len(rows)):
            before, now = int(rows[i - 1]["level"]), int(rows[i]["level"])
            if now < before:
                back = next((r["effective_on"] for r in rows[i + 1:]
                             if int(r["level"]) >= before), None)
                found.append((code, rows[i]["effective_on"], back, before - now))
    return found


def check_reversals(report, history):
    cuts = [c["cut_off"] for c in published_cutoffs()] + [LAST_DAY.isoformat()]
    falls = reversals(history)
    ok = all(back and steps == 1 and not any(drop <= c < back for c in cuts)
             for _, drop, back, steps in falls)
    report(ok and 5 <= len(falls) <= 15, f"{len(falls)} reversals, one step each, recovered "
           "strictly between two cut-offs")
    jumps = sum(1 for rows in history.values() for i, r in enumerate(rows)
                if int(r["level"]) - (int(rows[i - 1]["level"]) if i else 0) >= 2)
    report(jumps > 0, f"{jumps} rows jump two or more levels at once")


def mean_level(history, codes, day):
    return Fraction(sum(level_on(history.get(c, []), day) for c in codes), max(len(codes), 1))


def check_gaps(report, history, stips):
    cuts = [date.fromisoformat(c["cut_off"]) for c in published_cutoffs()]
    every = [s["code"] for s in stips]
    groups = {"priority": [s["code"] for s in stips if s["priority"] == "yes"],
              "non-priority": [s["code"] for s in stips if s["priority"] == "no"],
              "gender": [s["code"] for s in stips if "gender" in s["tags"]],
              "ethnic": [s["code"] for s in stips if "ethnic" in s["tags"]]}
    means = {g: [mean_level(history, codes, d) for d in cuts] for g, codes in groups.items()}
    whole = [mean_level(history, every, d) for d in cuts]
    report(all(p > n for p, n in zip(means["priority"], means["non-priority"])),
           "priority ahead of non-priority at every cut-off " + _series(means["priority"]))
    for group in ("gender", "ethnic"):
        report(all(g < w for g, w in zip(means[group], whole)),
               f"{group} behind the whole at every cut-off {_series(means[group])} vs "
               f"{_series(whole)}")
    last = date.fromisoformat(published_cutoffs()[-1]["cut_off"])
    report(mean_level(history, every, LAST_DAY) > mean_level(history, every, last),
           f"progress continues after {last} up to {LAST_DAY}")


def _series(values):
    return "[" + " ".join(str(round_half_up(v, 2)) for v in values) + "]"


def check_accord_json(report):
    data = json.loads((DEMO / "accord.json").read_text(encoding="utf-8"))
    expected = {"slug": "colombia-2016-demo", "country": "Colombia", "signed_on": "2016-11-24",
                "target_date": "2031-11-24", "illustrative": True, "public": True,
                "priority_flags_set_on": "2018-03-29"}
    report(all(data.get(k) == v for k, v in expected.items())
           and "illustrative" in data.get("name", ""), "colombia_demo/accord.json fields")


def check_events(report):
    from demo_events import EVENTS_CSV, problems

    found = problems(read_csv(DEMO / "statuses.csv"), read_csv(EVENTS_CSV))
    for problem in found[:10]:
        report(False, f"events.csv: {problem}")
    report(not found, "events.csv: every level change has an event of its effect dated on it "
                      "or up to 30 days before; real municipalities (PDET for point 1); "
                      "labelled illustrative")


def check_citations(report):
    from demo_events import CITATIONS_CSV, citation_problems

    found = citation_problems(read_csv(DEMO / "statuses.csv"), read_csv(DEMO / "events.csv"),
                              read_csv(CITATIONS_CSV))
    for problem in found[:10]:
        report(False, f"record_events.csv: {problem}")
    report(not found, "record_events.csv: every level change's status record cites exactly "
                      "one event of the events file, of its effect, linked to its stipulation, "
                      "dated on the change or up to 30 days before")


def run_checks():
    report = Report()
    check_inputs(report)
    check_reproducible(report)
    stips = structure()
    check_structure_shape(report, stips)
    check_structure_fields(report, stips)
    history = histories()
    check_status_format(report, stips)
    check_calibration(report, history, stips)
    check_points(report, history, stips)
    check_reversals(report, history)
    check_gaps(report, history, stips)
    check_accord_json(report)
    check_events(report)
    check_citations(report)
    print(f"{report.failures} check(s) failed" if report.failures else "all checks passed")
    return 1 if report.failures else 0
