"""ILLUSTRATIVE implementation events and sources for the Colombian demo accord, derived from
its (illustrative) status histories by ``generate.py``; checked by ``check_demo.py``.

Every level change in ``colombia_demo/statuses.csv`` (a rise from the previous level, 0 before
the first row, or a fall) gets at least one event linked to that stipulation with effect
"advances" (rise) or "sets back" (fall), dated on the change or up to ``LEAD_DAYS`` days before
it, never before the signing. One event covers up to ``MAX_LINKS`` changes of stipulations of
the same point falling in its ``LEAD_DAYS`` days. Events are placed on real Colombian
municipalities (DANE's DIVIPOLA codes, ``places/divipola_con_tipo.csv``); events of point 1
(comprehensive rural reform) on the 170 PDET municipalities (``places/pdet_detalle.csv``).
Titles, descriptions and sources say they are illustrative; nothing here reports a real event.
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from tracker.domain.place_names import place_name_case  # DIVIPOLA's capitals, as stored

HERE = Path(__file__).resolve().parent
EVENTS_CSV = HERE / "colombia_demo" / "events.csv"
#: Which event each level-change status record cites (the seed writes these citations).
CITATIONS_CSV = HERE / "colombia_demo" / "record_events.csv"
CITATION_COLUMNS = ["provision_code", "effective_on", "event_date", "event_title"]
EVENT_COLUMNS = ["date", "title", "description", "place_code", "provision_codes", "effect",
                 "actors", "source_title", "source_url", "source_date", "publisher",
                 "source_kind", "source_language", "title_translated",
                 "description_translated"]
SEED = 20161125  # its own sequence: the structure and statuses do not move
LEAD_DAYS = 30
MAX_LINKS = 6
SIGNED = date(2016, 11, 24)
EFFECT_OF = {1: "advances", -1: "sets back"}
KINDS = ("official_document", "gazette", "news", "field_observation", "interview", "report")
#: Names with no language column (actors, a publisher): written in Spanish, as a Colombian
#: institution's name is, and saying they are illustrative. A source's title is Spanish too,
#: its language ("es") kept with it, so an English page marks it [ES].
ILLUSTRATIVE_ACTOR = "Actor ilustrativo"
ILLUSTRATIVE_PUBLISHER = "Editorial ilustrativa"
VERB = {"advances": ("Progress reported on", "Avances reportados en"),
        "sets back": ("Setback reported on", "Retrocesos reportados en")}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def level_changes(status_rows: list[dict]) -> list[tuple[date, str, int]]:
    """(date, stipulation code, +1 rise / -1 fall) for every row that changes the level of
    its stipulation (the level before the first row is 0), in date then code order."""
    previous: dict[str, int] = {}
    found = []
    for row in sorted(status_rows, key=lambda r: (r["effective_on"], r["provision_code"])):
        code, level = row["provision_code"], int(row["level"])
        before = previous.get(code, 0)
        if level != before:
            found.append((date.fromisoformat(row["effective_on"]), code,
                          1 if level > before else -1))
        previous[code] = level
    return found


def municipalities() -> tuple[list[dict], list[str]]:
    """DIVIPOLA municipalities (code, name, department) and the PDET municipalities' codes."""
    munis = [{"code": r["muni_code"], "name": r["muni_name"], "dept": r["dept_name"]}
             for r in _read(HERE / "places" / "divipola_con_tipo.csv")
             if r["tipo"] == "Municipio"]
    pdet = sorted({r["muni_code"] for r in _read(HERE / "places" / "pdet_detalle.csv")})
    return munis, pdet


def build_events(status_rows: list[dict]) -> list[dict]:
    """The events file's rows (EVENT_COLUMNS), oldest first."""
    rng = random.Random(SEED)
    munis, pdet = municipalities()
    by_code = {m["code"]: m for m in munis}
    pending = level_changes(status_rows)
    covered = [False] * len(pending)
    rows = []
    for index, (day, code, sign) in enumerate(pending):
        if covered[index]:
            continue
        point = code.split(".")[0]
        lead = rng.randrange(0, min(LEAD_DAYS, (day - SIGNED).days) + 1)
        when = day - timedelta(days=lead)
        links = []
        for other in range(index, len(pending)):
            o_day, o_code, o_sign = pending[other]
            if o_day > when + timedelta(days=LEAD_DAYS) or len(links) == MAX_LINKS:
                break
            if covered[other] or o_code.split(".")[0] != point or o_sign != sign \
                    or any(o_code == c for c in links):
                continue
            links.append(o_code)
            covered[other] = True
        rows.append(_event(rng, len(rows) + 1, when, point, links, EFFECT_OF[sign],
                           by_code[rng.choice(pdet)] if point == "1" else rng.choice(munis)))
    return rows


def _event(rng, number: int, when: date, point: str, codes: list[str], effect: str,
           place: dict) -> dict:
    kind = rng.choice(KINDS)
    en, es = VERB[effect]
    where = f"{place_name_case(place['name'])} ({place_name_case(place['dept'])})"
    return {"date": when.isoformat(),
            "title": f"Illustrative event {number}: {en.lower()} point {point} in {where}",
            "description": (f"ILLUSTRATIVE stand-in, not a real event: {en.lower()} "
                            f"{len(codes)} stipulation(s) of point {point}."),
            "place_code": place["code"], "provision_codes": ";".join(codes),
            "effect": effect, "actors": ILLUSTRATIVE_ACTOR,
            "source_title": f"Fuente ilustrativa del evento {number}", "source_url": "",
            "source_date": (when + timedelta(days=rng.randrange(0, 8))).isoformat(),
            "publisher": ILLUSTRATIVE_PUBLISHER, "source_kind": kind,
            "source_language": "es",  # a Colombian source's title: Spanish, marked so
            "title_translated": (f"Evento ilustrativo {number}: {es.lower()} el punto {point} "
                                 f"en {where}"),
            "description_translated": (f"Sustituto ILUSTRATIVO, no un evento real: "
                                       f"{es.lower()} {len(codes)} estipulación(es) del "
                                       f"punto {point}.")}


def _fitting(event_rows: list[dict], day: date, code: str, sign: int) -> list[dict]:
    """The events linked to stipulation `code` with the effect of a change `sign` on `day`,
    dated on it or up to LEAD_DAYS days before, in file order."""
    return [row for row in event_rows
            if row["effect"] == EFFECT_OF[sign] and code in row["provision_codes"].split(";")
            and day - timedelta(days=LEAD_DAYS) <= date.fromisoformat(row["date"]) <= day]


def build_citations(status_rows: list[dict], event_rows: list[dict]) -> list[dict]:
    """The citations file's rows (CITATION_COLUMNS): for each level change, the first event
    (in file order) that shows it (`_fitting`); its status record cites that event. A change
    no event shows is left out (`problems` reports it)."""
    rows = []
    for day, code, sign in level_changes(status_rows):
        found = _fitting(event_rows, day, code, sign)
        if found:
            rows.append({"provision_code": code, "effective_on": day.isoformat(),
                         "event_date": found[0]["date"], "event_title": found[0]["title"]})
    return rows


def citation_problems(status_rows: list[dict], event_rows: list[dict],
                      citation_rows: list[dict]) -> list[str]:
    """What is wrong with the citations file (empty: nothing): a level change cited not
    exactly once, a citation of no level change, or of an event (by date and title) that is
    not in the events file or does not show the change (`_fitting`)."""
    changes = {(code, day.isoformat()): (day, code, sign)
               for day, code, sign in level_changes(status_rows)}
    cited: dict[tuple[str, str], int] = {}
    found = []
    for number, row in enumerate(citation_rows, 2):
        key = (row["provision_code"], row["effective_on"])
        cited[key] = cited.get(key, 0) + 1
        if key not in changes:
            found.append(f"row {number}: {key[0]} on {key[1]} is not a level change")
            continue
        fitting = {(e["date"], e["title"]) for e in _fitting(event_rows, *changes[key])}
        if (row["event_date"], row["event_title"]) not in fitting:
            found.append(f"row {number}: {key[0]} on {key[1]} cites an event that is not "
                         f"one of its {EFFECT_OF[changes[key][2]]} events of the "
                         f"{LEAD_DAYS} days before")
    for key in changes:
        if cited.get(key, 0) != 1:
            found.append(f"{key[0]} on {key[1]}: cited {cited.get(key, 0)} times, not once")
    return found


def problems(status_rows: list[dict], event_rows: list[dict]) -> list[str]:
    """What is wrong with the events file against the status histories (empty: nothing):
    a level change without an event of the right effect dated on it or up to LEAD_DAYS
    before; an event before the signing, at an unknown municipality, or of point 1 outside
    the PDET municipalities; a title that does not say it is illustrative."""
    munis, pdet = municipalities()
    known, pdet = {m["code"] for m in munis}, set(pdet)
    links: dict[tuple[str, str], list[date]] = {}
    found = []
    for number, row in enumerate(event_rows, 2):
        day = date.fromisoformat(row["date"])
        codes = row["provision_codes"].split(";")
        for code in codes:
            links.setdefault((code, row["effect"]), []).append(day)
        if day < SIGNED:
            found.append(f"row {number}: before the signing")
        if row["place_code"] not in known:
            found.append(f"row {number}: {row['place_code']} is not a DIVIPOLA municipality")
        if codes[0].split(".")[0] == "1" and row["place_code"] not in pdet:
            found.append(f"row {number}: a point 1 event outside the PDET municipalities")
        if not row["title"].startswith("Illustrative"):
            found.append(f"row {number}: the title does not say it is illustrative")
    for day, code, sign in level_changes(status_rows):
        days = links.get((code, EFFECT_OF[sign]), [])
        if not any(day - timedelta(days=LEAD_DAYS) <= d <= day for d in days):
            found.append(f"{code} on {day}: no {EFFECT_OF[sign]} event in the {LEAD_DAYS} "
                         "days before")
    return found
