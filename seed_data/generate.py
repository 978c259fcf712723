#!/usr/bin/env python3
"""Generate (and check) the ILLUSTRATIVE Colombian demo accord of the accord tracker.

Real, published facts are read, never written: ``colombia_published_status.csv`` and
``colombia_points.csv`` beside this script (Kroc Institute reports on the 2016 Colombian Final
Accord) and the 51 PAM provision types in ``tracker/reference/provision_types.csv``.  Kroc's
stipulation-level coding of the Colombian accord is not public, so this script writes a stand-in,
every row labelled illustrative, calibrated to reproduce the published aggregates:

1. ``colombia_demo/structure.csv`` -- 578 stipulations in the six points (with the points'
   real Spanish titles in ``section_es``) and plausible themes
   of the Colombian accord, with illustrative texts, PAM types, priority flags, cross-cutting
   tags (exactly 130 gender, 80 ethnic), deadlines, time frames and responsible institutions.
2. ``colombia_demo/statuses.csv`` -- status histories.  For every report cut-off the global
   number of stipulations at level >= 1, >= 2 and >= 3 is fixed (TARGETS, consistent with the
   published rounded shares and the exact February 2019 counts), then split over the six
   points (exact published per-point counts at 2019-02-28, bounded proportional allocation
   elsewhere), then the stipulations crossing each threshold between two cut-offs are drawn
   (weighted: priority faster, gender/ethnic slower, ceasefire themes fast) and dated on a
   random day inside the interval.  A few one-step reversals are placed strictly between two
   cut-offs, so they never change a level at a cut-off.
3. ``colombia_demo/events.csv`` -- illustrative implementation events and their sources,
   at least one for every level change, on real municipalities (``demo_events.py``).

Everything is driven by one ``random.Random(SEED)``; two runs give byte-identical files.
``--check`` re-reads the committed files and verifies every calibration constraint.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
from collections import namedtuple
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE / "colombia_demo"
SEED = 20161124
TYPES_CSV = HERE.parent / "tracker" / "reference" / "provision_types.csv"
TYPE_COLUMNS = ["code", "pam_stem", "name", "group", "description"]
TYPE_COUNT = 51               # PAM's provision types, all present in PAM_ID's columns

STRUCTURE_COLUMNS = ["code", "section", "text", "provision_type", "priority", "tags",
                     "deadline", "responsible_actor", "time_frame", "section_es"]
STATUS_COLUMNS = ["provision_code", "level", "effective_on", "evidence", "note"]

# ---------------------------------------------------------------- Colombian demo constants
SIGNED = date(2016, 11, 24)
FIRST_DAY = date(2016, 12, 1)
LAST_DAY = date(2026, 10, 31)
DUE = date(2031, 11, 24)
SHORT_END, MEDIUM_END = date(2019, 11, 24), date(2026, 11, 24)
STIPULATIONS = 578
ANCHOR = date(2019, 2, 28)
# Stipulations per point.  The brief suggested 104/94/166/61/80/73; 61 cannot give 50 %
# minimal and 80 cannot give 12 % intermediate (half-up), so points 4 and 5 use 60 and 81.
POINT_SIZES = {1: 104, 2: 94, 3: 166, 4: 60, 5: 81, 6: 73}
# Counts (complete, intermediate, minimal, not initiated) per point at 2019-02-28: they
# reproduce the published per-point shares of points 1-5; point 6 takes the remainder.
ANCHOR_POINTS = {1: (3, 8, 53, 40), 2: (12, 7, 33, 42), 3: (74, 28, 30, 34),
                 4: (1, 11, 30, 18), 5: (9, 10, 30, 32), 6: (34, 5, 18, 16)}
# Global counts (complete, intermediate, minimal, not initiated) over 578 stipulations at each
# cut-off.  Published shares are reproduced; unpublished ones are interpolated; the last row
# (2026-10-31) is an illustrative continuation after the last published report.
TARGETS = [
    (date(2017, 8, 31), (98, 35, 127, 318)),
    (date(2018, 5, 31), (121, 52, 179, 226)),
    (date(2019, 2, 28), (133, 69, 194, 182)),
    (date(2019, 11, 30), (144, 86, 208, 140)),
    (date(2020, 11, 30), (161, 96, 210, 111)),
    (date(2021, 10, 31), (172, 104, 214, 88)),
    (date(2021, 11, 30), (174, 109, 211, 84)),
    (date(2023, 6, 30), (180, 116, 207, 75)),
    (date(2023, 11, 30), (185, 111, 225, 57)),
    (date(2024, 11, 30), (196, 110, 220, 52)),
    (LAST_DAY, (208, 112, 214, 44)),
]
POINT_PACE = {1: 0.7, 2: 1.0, 3: 1.4, 4: 0.9, 5: 1.0, 6: 1.2}
GENDER_COUNT, ETHNIC_COUNT, PRIORITY_COUNT = 130, 80, 144
REVERSALS, JUMP_SHARE = 10, 0.35

Theme = namedtuple("Theme", "point path count topic types actors frames gender ethnic "
                            "territorial priority pace")


def _t(point, path, count, topic, types, actors, frames=(3, 5, 2), gender=1.0, ethnic=0.5,
       territorial=0.2, priority=1.0, pace=1.0):
    return Theme(point, path, count, topic, types.split(), actors, frames, gender, ethnic,
                 territorial, priority, pace)


THEMES = [
    _t(1, [("1.1", "Access to and use of land")], 30, "access to and use of land",
       "NRM NRM NRM ESD", ["Agencia Nacional de Tierras", "Ministerio de Agricultura y "
       "Desarrollo Rural", "Instituto Geográfico Agustín Codazzi", "Superintendencia de "
       "Notariado y Registro"], (2, 5, 3), 1.5, 0.8, 0.7, 1.2, 0.8),
    _t(1, [("1.2", "Development Programmes with a Territorial Focus (PDET)")], 22, "the PDET",
       "ESD", ["Agencia de Renovación del Territorio", "Departamento Nacional de Planeación"],
       (3, 6, 1), 1.0, 1.5, 1.0, 2.0, 1.3),
    _t(1, [("1.3", "National plans for comprehensive rural reform"),
           ("1.3.1", "Infrastructure and land improvement")], 10, "rural infrastructure", "ESD",
       ["Ministerio de Transporte", "Agencia de Desarrollo Rural", "Ministerio de Minas y "
        "Energía"], (1, 5, 4), 0.6, 0.6, 0.8, 0.8, 0.8),
    _t(1, [("1.3", "National plans for comprehensive rural reform"),
           ("1.3.2", "Social development: health, education, housing and drinking water")], 16,
       "rural social development", "ESD EDU", ["Ministerio de Salud y Protección Social",
       "Ministerio de Educación Nacional", "Ministerio de Vivienda, Ciudad y Territorio"],
       (1, 5, 4), 1.3, 0.8, 0.8, 1.0, 0.9),
    _t(1, [("1.3", "National plans for comprehensive rural reform"),
           ("1.3.3", "Incentives for production and the solidarity economy")], 12,
       "rural production and the solidarity economy", "ESD", ["Agencia de Desarrollo Rural",
       "Unidad Administrativa Especial de Organizaciones Solidarias", "Banco Agrario de "
       "Colombia"], (1, 6, 3), 1.2, 0.5, 0.8, 0.8, 0.9),
    _t(1, [("1.4", "Food and nutrition security")], 14, "food and nutrition security", "ESD",
       ["Instituto Colombiano de Bienestar Familiar", "Ministerio de Agricultura y Desarrollo "
        "Rural"], (2, 5, 3), 1.2, 0.8, 0.7, 0.8, 0.9),
    _t(2, [("2.1", "Rights and guarantees for the political opposition and security for "
                   "political participation")], 30,
       "guarantees for the opposition and security for political participation", "ELE HUR",
       ["Ministerio del Interior", "Unidad Nacional de Protección", "Consejo Nacional "
        "Electoral"], (5, 4, 1), 1.2, 0.4, 0.2, 1.2, 1.0),
    _t(2, [("2.2", "Democratic mechanisms for citizen participation")], 34,
       "citizen participation", "MED HUR", ["Ministerio del Interior", "Ministerio de "
       "Tecnologías de la Información y las Comunicaciones", "Consejo Nacional de Paz, "
       "Reconciliación y Convivencia"], (3, 5, 2), 1.3, 0.5, 0.3, 0.8, 0.9),
    _t(2, [("2.3", "Measures to promote greater participation in national, regional and "
                   "local politics")], 30, "wider participation in politics", "ELE",
       ["Registraduría Nacional del Estado Civil", "Consejo Nacional Electoral", "Congreso "
        "de la República"], (4, 5, 1), 1.5, 0.7, 0.5, 1.0, 1.0),
    _t(3, [("3.1", "Bilateral and definitive ceasefire and laying down of arms")], 48,
       "the ceasefire and the laying down of arms", "CFR CFR DIS DEM VER",
       ["Misión de Verificación de las Naciones Unidas", "Ministerio de Defensa Nacional",
        "Oficina del Alto Comisionado para la Paz"], (9, 1, 0), 0.4, 0.2, 0.4, 1.0, 3.0),
    _t(3, [("3.2", "Reincorporation of the FARC-EP into civilian life"),
           ("3.2.1", "Political reincorporation")], 22, "political reincorporation", "ELE REI",
       ["Consejo Nacional Electoral", "Registraduría Nacional del Estado Civil", "Agencia "
        "para la Reincorporación y la Normalización"], (6, 3, 1), 0.8, 0.2, 0.1, 1.0, 1.8),
    _t(3, [("3.2", "Reincorporation of the FARC-EP into civilian life"),
           ("3.2.2", "Economic and social reincorporation")], 42,
       "economic and social reincorporation", "REI REI DEM", ["Agencia para la "
       "Reincorporación y la Normalización", "Consejo Nacional de Reincorporación"],
       (4, 5, 1), 1.3, 0.4, 0.4, 1.2, 1.1),
    _t(3, [("3.3", "Security guarantees and the fight against criminal organisations")], 54,
       "security guarantees and the fight against criminal organisations", "PAR POL HUR",
       ["Comisión Nacional de Garantías de Seguridad", "Fiscalía General de la Nación",
        "Policía Nacional", "Unidad Nacional de Protección"], (4, 5, 1), 0.9, 0.8, 0.5, 1.0,
       0.8),
    _t(4, [("4.1", "Programmes for the substitution of crops used for illicit purposes "
                   "(PNIS)")], 28, "crop substitution", "ESD NRM",
       ["Dirección de Sustitución de Cultivos de Uso Ilícito", "Agencia de Renovación del "
        "Territorio"], (3, 5, 2), 1.2, 1.5, 1.0, 1.5, 1.0),
    _t(4, [("4.2", "Prevention of consumption and public health")], 14,
       "drug-use prevention and public health", "ESD HUR", ["Ministerio de Salud y "
       "Protección Social", "Ministerio de Justicia y del Derecho"], (2, 6, 2), 1.3, 0.5,
       0.4, 0.8, 1.0),
    _t(4, [("4.3", "Solution to the phenomenon of drug production and trafficking")], 18,
       "drug production and trafficking", "POL", ["Ministerio de Justicia y del Derecho",
       "Fiscalía General de la Nación", "Policía Nacional", "Unidad de Información y Análisis "
       "Financiero"], (3, 5, 2), 0.4, 0.5, 0.6, 0.8, 1.0),
    _t(5, [("5.1", "Comprehensive System for Truth, Justice, Reparation and Non-Repetition"),
           ("5.1.1", "Truth Commission and Unit for the Search for Persons Deemed Missing")],
       16, "truth and the search for missing persons", "TRC", ["Comisión para el "
       "Esclarecimiento de la Verdad", "Unidad de Búsqueda de Personas dadas por "
       "Desaparecidas"], (5, 4, 1), 1.4, 1.2, 0.3, 1.2, 1.4),
    _t(5, [("5.1", "Comprehensive System for Truth, Justice, Reparation and Non-Repetition"),
           ("5.1.2", "Special Jurisdiction for Peace")], 22, "the Special Jurisdiction for "
       "Peace", "AMN JUD", ["Jurisdicción Especial para la Paz (JEP)", "Congreso de la "
       "República"], (5, 4, 1), 1.0, 0.8, 0.2, 1.2, 1.4),
    _t(5, [("5.1", "Comprehensive System for Truth, Justice, Reparation and Non-Repetition"),
           ("5.1.3", "Comprehensive reparation measures for peacebuilding")], 24,
       "comprehensive reparation", "REP IDP REF", ["Unidad para las Víctimas", "Unidad de "
       "Restitución de Tierras"], (2, 5, 3), 1.4, 1.3, 0.6, 1.0, 0.7),
    _t(5, [("5.2", "Commitment to the promotion, respect and guarantee of human rights")], 19,
       "human rights", "HUR", ["Defensoría del Pueblo", "Consejería Presidencial para los "
       "Derechos Humanos"], (3, 5, 2), 1.2, 0.8, 0.3, 0.8, 0.9),
    _t(6, [("6.1", "Implementation and verification mechanisms")], 24,
       "implementation and verification mechanisms", "VER DIT DRC", ["Comisión de "
       "Seguimiento, Impulso y Verificación (CSIVI)", "Departamento Nacional de Planeación",
       "Consejería Presidencial para la Estabilización y la Consolidación"], (5, 4, 1), 0.8,
       0.4, 0.1, 1.0, 1.3),
    _t(6, [("6.2", "Ethnic chapter")], 16, "the ethnic chapter", "MIN CUL IMR", ["Instancia "
       "Especial de Alto Nivel con Pueblos Étnicos", "Ministerio del Interior"], (2, 5, 3),
       1.0, 0.0, 0.6, 1.0, 0.6),
    _t(6, [("6.3", "International verification component")], 10, "international "
       "verification", "VER", ["Misión de Verificación de las Naciones Unidas", "Secretaría "
       "Técnica del Componente Internacional de Verificación"], (4, 5, 1), 0.6, 0.2, 0.0,
       1.0, 1.5),
    _t(6, [("6.4", "International support component")], 9, "international support", "DON",
       ["Agencia Presidencial de Cooperación Internacional", "Ministerio de Relaciones "
        "Exteriores"], (3, 5, 2), 0.6, 0.2, 0.0, 0.8, 1.3),
    _t(6, [("6.5", "Dissemination and communication tools")], 8, "dissemination and "
       "communication", "MED", ["Radio Televisión Nacional de Colombia (RTVC)", "Ministerio "
       "de Tecnologías de la Información y las Comunicaciones"], (4, 5, 1), 0.8, 0.4, 0.2,
       0.8, 1.0),
    _t(6, [("6.6", "Endorsement of the Final Agreement")], 6, "endorsement of the agreement",
       "RAT", ["Congreso de la República", "Corte Constitucional"], (6, 1, 0), 0.3, 0.1, 0.0,
       1.0, 2.5),
]
ACTIONS = [
    "adopt the legal or regulatory instrument required",
    "design the programme and its operating guidelines",
    "allocate and execute the corresponding budget",
    "set up the responsible body and appoint its members",
    "roll out the measure in the prioritised municipalities",
    "consult the communities concerned and publish the results",
    "publish periodic progress reports",
    "train officials and local organisations",
    "build the information system that tracks the measure",
    "coordinate national and local authorities on delivery",
    "guarantee access for the intended beneficiaries",
    "evaluate results and adjust the measure",
]
EVIDENCE_KINDS = ["decree", "resolution", "law", "official progress report",
                  "budget execution report", "field verification visit", "CONPES document",
                  "reply to an information request", "minutes of a monitoring meeting",
                  "press release of the responsible entity"]


# ------------------------------------------------------------------------------- helpers
def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_header(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact fraction half-up to `places` decimals, exactly."""
    return Decimal(math.floor(value * 10 ** places + Fraction(1, 2))).scaleb(-places)


def weighted_sample(rng, items, weight, k):
    """k distinct items, drawn with probability proportional to weight (Efraimidis-Spirakis)."""
    keys = []
    for index, item in enumerate(items):
        w = weight(item)
        keys.append((rng.random() ** (1.0 / w) if w > 0 else -1.0, -index))
    chosen = sorted(keys, reverse=True)[:k]
    return [items[-index] for _, index in chosen]


def day_range(start, end):
    """Dates start..end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def provision_type_codes():
    """The PAM provision type codes of tracker/reference/provision_types.csv, in file order."""
    return [t["code"] for t in read_csv(TYPES_CSV)]


# ---------------------------------------------------------------- Colombian structure
def point_names():
    return {int(p["point"]): p["name"] for p in read_csv(HERE / "colombia_points.csv")}


def point_names_es():
    """The six points' real Spanish titles (the accord's own, `name_es`)."""
    return {int(p["point"]): p["name_es"] for p in read_csv(HERE / "colombia_points.csv")}


def section_es_of(theme, names_es):
    """The section path in Spanish: the point's real Spanish title; the themes below it are
    English stand-ins with no Spanish title, so only their codes are given (the importer
    then leaves their Spanish blank)."""
    return " > ".join([f"{theme.point} {names_es[theme.point]}"]
                      + [code for code, _title in theme.path])


def section_of(theme, names):
    segments = [f"{theme.point} {names[theme.point]}"]
    segments += [f"{code} {title}" for code, title in theme.path]
    return " > ".join(segments)


def draw_deadline(rng, theme):
    """(deadline or '', time frame) drawn from the theme's short/medium/long weights."""
    frame = rng.choices(["short", "medium", "long"], theme.frames)[0]
    if rng.random() < 0.08:
        return "", frame
    if frame == "long" and rng.random() < 0.4:
        return DUE.isoformat(), frame
    bounds = {"short": (date(2017, 1, 1), SHORT_END),
              "medium": (SHORT_END + timedelta(days=1), MEDIUM_END),
              "long": (MEDIUM_END + timedelta(days=1), DUE)}[frame]
    return rng.choice(day_range(*bounds)).isoformat(), frame


def base_stipulations(rng):
    names, names_es = point_names(), point_names_es()
    stips = []
    for theme in THEMES:
        prefix = theme.path[-1][0]
        for seq in range(1, theme.count + 1):
            deadline, frame = draw_deadline(rng, theme)
            kind = rng.choice(theme.types) if rng.random() > 0.15 else ""
            stips.append({"code": f"{prefix}.{seq}", "section": section_of(theme, names),
                          "section_es": section_es_of(theme, names_es),
                          "theme": theme, "provision_type": kind, "deadline": deadline,
                          "time_frame": frame, "responsible_actor": rng.choice(theme.actors),
                          "tags": set(), "priority": "no"})
    return stips


def assign_flags(rng, stips):
    """Exactly GENDER_COUNT gender, ETHNIC_COUNT ethnic tags and PRIORITY_COUNT priorities."""
    for s in weighted_sample(rng, stips, lambda s: s["theme"].gender, GENDER_COUNT):
        s["tags"].add("gender")
    forced = [s for s in stips if s["theme"].path[-1][0] == "6.2"]
    others = [s for s in stips if s["theme"].path[-1][0] != "6.2"]
    extra = weighted_sample(rng, others, lambda s: s["theme"].ethnic, ETHNIC_COUNT - len(forced))
    for s in forced + extra:
        s["tags"].add("ethnic")
    for s in stips:
        if rng.random() < s["theme"].territorial:
            s["tags"].add("territorial")
    for s in weighted_sample(rng, stips, lambda s: s["theme"].priority, PRIORITY_COUNT):
        s["priority"] = "yes"


def stipulation_text(rng, s):
    focus = ""
    if "gender" in s["tags"]:
        focus += " with a gender focus"
    if "ethnic" in s["tags"]:
        focus += " in consultation with ethnic peoples"
    return (f"[Illustrative] Commitment {s['code']} on {s['theme'].topic}: "
            f"{s['responsible_actor']} to {rng.choice(ACTIONS)}{focus}.")


def build_structure(rng):
    unknown = sorted({code for theme in THEMES for code in theme.types}
                     - set(provision_type_codes()))
    if unknown:
        raise ValueError(f"theme types missing from {TYPES_CSV}: {', '.join(unknown)}")
    stips = base_stipulations(rng)
    assign_flags(rng, stips)
    for s in stips:
        s["text"] = stipulation_text(rng, s)
        s["point"] = s["theme"].point
    return stips


def structure_rows(stips):
    order = ("gender", "ethnic", "territorial")
    return [{**{k: s[k] for k in STRUCTURE_COLUMNS if k != "tags"},
             "tags": ";".join(t for t in order if t in s["tags"])} for s in stips]


# ----------------------------------------------------------------- Colombian statuses
def at_least(counts):
    """(complete, intermediate, minimal, not initiated) -> counts at level >= 0, 1, 2, 3."""
    c, i, m, n = counts
    return (c + i + m + n, c + i + m, c + i, c)


def allocate(total, lo, hi, weight):
    """Split `total` over points within [lo, hi], proportional to weight x room."""
    room = {p: hi[p] - lo[p] for p in lo}
    extra = total - sum(lo.values())
    if not 0 <= extra <= sum(room.values()):
        raise ValueError(f"cannot allocate {total} within {lo} .. {hi}")
    mass = sum(Fraction(weight[p]) * room[p] for p in lo) or Fraction(1)
    want = {p: lo[p] + extra * Fraction(weight[p]) * room[p] / mass for p in lo}
    counts = {p: min(hi[p], math.floor(want[p])) for p in lo}
    while sum(counts.values()) < total:
        p = max((p for p in counts if counts[p] < hi[p]), key=lambda p: (want[p] - counts[p], -p))
        counts[p] += 1
    return counts


def plan_cutoff(when, totals, previous):
    """Per-point counts at level >= 0..3 at one cut-off, given the previous cut-off."""
    if when == ANCHOR:
        return {p: at_least(ANCHOR_POINTS[p]) for p in POINT_SIZES}
    plan = {p: [POINT_SIZES[p], 0, 0, 0] for p in POINT_SIZES}
    for level in (1, 2, 3):
        cap = {p: at_least(ANCHOR_POINTS[p])[level] if when < ANCHOR else POINT_SIZES[p]
               for p in POINT_SIZES}
        lo = {p: previous[p][level] for p in POINT_SIZES}
        hi = {p: min(cap[p], plan[p][level - 1]) for p in POINT_SIZES}
        for p, count in allocate(totals[level], lo, hi, POINT_PACE).items():
            plan[p][level] = count
    return {p: tuple(v) for p, v in plan.items()}


def plan_points():
    previous = {p: (POINT_SIZES[p], 0, 0, 0) for p in POINT_SIZES}
    plans = []
    for when, counts in TARGETS:
        previous = plan_cutoff(when, at_least(counts), previous)
        plans.append(previous)
    return plans


def crossing_weight(s):
    w = s["theme"].pace * {"short": 1.5, "medium": 1.0, "long": 0.6}[s["time_frame"]]
    w *= 1.5 if s["priority"] == "yes" else 1.0
    w *= 0.6 if "gender" in s["tags"] else 1.0
    return w * (0.6 if "ethnic" in s["tags"] else 1.0)


def advance(rng, stips, levels, plan):
    """Raise levels so every point reaches the planned counts at levels >= 1, 2, 3."""
    for point in POINT_SIZES:
        members = [s for s in stips if s["point"] == point]
        for level in (1, 2, 3):
            have = sum(1 for s in members if levels[s["code"]] >= level)
            pool = [s for s in members if levels[s["code"]] == level - 1]
            for s in weighted_sample(rng, pool, crossing_weight, plan[point][level] - have):
                levels[s["code"]] = level


def snapshots(rng, stips):
    """Level of every stipulation at every cut-off in TARGETS."""
    levels = {s["code"]: 0 for s in stips}
    result = []
    for plan in plan_points():
        advance(rng, stips, levels, plan)
        result.append(dict(levels))
    return result


def windows():
    """(first day, last day) of the interval ending at each cut-off."""
    starts = [FIRST_DAY] + [when + timedelta(days=1) for when, _ in TARGETS[:-1]]
    return list(zip(starts, [when for when, _ in TARGETS]))


def evidence(rng, actor):
    return f"Illustrative evidence: {rng.choice(EVIDENCE_KINDS)} ({actor})"


def step_rows(rng, s, before, after, window):
    """Rows moving one stipulation from `before` to `after` inside a window."""
    if after - before >= 2 and rng.random() < JUMP_SHARE:
        day = rng.choice(day_range(*window))
        return [(day, after, "Illustrative: advance of two levels recorded at once")]
    days = sorted(rng.sample(day_range(*window), after - before))
    return [(day, level, "") for day, level in zip(days, range(before + 1, after + 1))]


def history_rows(rng, stips, snaps):
    rows = []
    for k, window in enumerate(windows()):
        for s in stips:
            before = snaps[k - 1][s["code"]] if k else 0
            for day, level, note in step_rows(rng, s, before, snaps[k][s["code"]], window):
                rows.append({"provision_code": s["code"], "level": level,
                             "effective_on": day.isoformat(), "note": note,
                             "evidence": evidence(rng, s["responsible_actor"])})
    return rows


def reversal_rows(rng, stips, snaps):
    """Dips of one level that recover before the next cut-off (published intervals only).

    Only stipulations whose level is unchanged over the interval (so no other row falls
    inside it) are eligible; the dip and the recovery are both strictly before the cut-off.
    """
    spots = [(k, s, snaps[k][s["code"]]) for k in range(1, len(TARGETS) - 1) for s in stips
             if snaps[k][s["code"]] >= 2 and snaps[k - 1][s["code"]] == snaps[k][s["code"]]]
    out, used = [], set()
    for k, s, level in rng.sample(spots, len(spots)):
        if len(out) == 2 * REVERSALS or s["code"] in used:
            continue
        used.add(s["code"])
        start, end = windows()[k]
        drop, back = sorted(rng.sample(day_range(start, end - timedelta(days=1)), 2))
        out.append(_row(rng, s, level - 1, drop, "Illustrative reversal: measure suspended"))
        out.append(_row(rng, s, level, back, "Illustrative: measure reinstated"))
    return out


def _row(rng, s, level, day, note):
    return {"provision_code": s["code"], "level": level, "effective_on": day.isoformat(),
            "evidence": evidence(rng, s["responsible_actor"]), "note": note}


def build_statuses(rng, stips):
    snaps = snapshots(rng, stips)
    rows = history_rows(rng, stips, snaps)
    rows += reversal_rows(rng, stips, snaps)
    return sorted(rows, key=lambda r: (r["effective_on"], r["provision_code"]))


# ---------------------------------------------------------------------------- output
def generate():
    """All generated files as {path: text}."""
    rng = random.Random(SEED)
    stips = build_structure(rng)
    statuses = csv_text(STATUS_COLUMNS, build_statuses(rng, stips))
    from demo_events import (CITATION_COLUMNS, EVENT_COLUMNS, build_citations,
                             build_events)  # illustrative events: see there

    status_rows = list(csv.DictReader(io.StringIO(statuses)))
    events = build_events(status_rows)
    return {DEMO / "structure.csv": csv_text(STRUCTURE_COLUMNS, structure_rows(stips)),
            DEMO / "statuses.csv": statuses,
            DEMO / "events.csv": csv_text(EVENT_COLUMNS, events),
            DEMO / "record_events.csv": csv_text(CITATION_COLUMNS,
                                                 build_citations(status_rows, events))}


def write_all():
    """Write every generated file; nothing is written if the generation fails (ValueError)."""
    for path, text in generate().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {path.relative_to(HERE.parent)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="verify the committed files instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        from check_demo import run_checks  # imports this module's constants and generate()
        return run_checks()
    try:
        write_all()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
