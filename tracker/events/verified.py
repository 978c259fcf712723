"""Verified links (`models.VerifiedLink`): each link of a verified event, with what the
dashboard counts it by (the event's date, place and department, and the moment the event
was verified), so the event figures are single-table index scans with no join to events or
places. Kept by the database itself (triggers of migration 0015_verified_links), so no
write path can leave it behind: a web form, a review, an import, the seed, a restore, a bulk
insert or a hand-written statement on events, links or places all go through them. The table
itself is not guarded: nothing but these triggers writes it.

- an event becoming verified (its one review decision, `events.triggers`) copies its links;
- a link added to an event already verified (an event verified on entry: the event row,
  then its links) is copied as it is added;
- a place whose kind or parent changes (`import-places` brings them up to date) moves the
  verified links at it, and at the places under it, to their department as it is now.

The two rules the figures share with these triggers are written once, here:
- an event is **verified at** its review moment, or its submission moment when it was
  verified on entry without one (`VERIFIED_AT`, as `queries.known_clause` for records);
- the **department** of a place is the place itself when it is of kind "department", else
  its parent when that is one, else none (`department_of`).

Verified events (`models.VerifiedEvent`, migration 0019_verified_events): one row per
verified event, with whether one of its links advances or sets back a provision (the flags
of the events-per-month figure), kept by triggers of its own (`event_statements`):
- an event entered as verified, or becoming verified, is copied with its links' flags;
- a link that advances or sets back, added to a verified event, raises its flag.
An event's date, place and accord never change (`events.triggers`), nor do links, so no
other write can leave a row behind.

Verified days (`models.VerifiedDay`, the same migration): per accord and day, how many
verified events are dated that day and how many of them carry each flag, kept by triggers on
`verified_events` itself (a row added counts in its day; a flag raised adds one to its day),
so events per month as known now read one row per day instead of one per event.

Department provisions (`models.DepartmentProvision`, the same migration): each (department,
provision) pair of the verified links, with the first date a verified event at a place of
the department bears on the provision, kept by triggers on `verified_links` itself
(`event_statements`), so every write that moves a verified link moves its pair:
- a verified link with a department adds its pair, or moves the pair's first date earlier;
- a verified link moved to another department (a place brought up to date) recounts its old
  pair from the links left there (none: no pair), and adds or moves its new one.
"""
from __future__ import annotations

DEPARTMENT = "department"
#: SQL of the moment an event (table or alias `{e}`) entered the official figures.
VERIFIED_AT = "COALESCE({e}.reviewed_at, {e}.submitted_at)"
COLUMNS = ("event_id, provision_id, accord_id, occurred_on, effect, place_id, department_id, "
           "verified_at")


def department_of(place: str) -> str:
    """SQL (a scalar subquery) of the department id of the place whose id is the SQL
    expression `place`; NULL for a place with none (or no place)."""
    return (f"(SELECT CASE WHEN dp.kind = '{DEPARTMENT}' THEN dp.id "
            f"WHEN dq.kind = '{DEPARTMENT}' THEN dq.id END "
            f"FROM places dp LEFT JOIN places dq ON dq.id = dp.parent_id "
            f"WHERE dp.id = {place})")


def _insert_links(link: str, event: str, source: str, where: str) -> str:
    """INSERT into verified_links of the rows of `source` (FROM clause) matching `where`,
    `link` naming the link's row and `event` its event's."""
    return (f"INSERT INTO verified_links ({COLUMNS}) "
            f"SELECT {link}.event_id, {link}.provision_id, {event}.accord_id, "
            f"{event}.occurred_on, {link}.effect, {event}.place_id, "
            f"{department_of(f'{event}.place_id')}, {VERIFIED_AT.format(e=event)} "
            f"FROM {source} WHERE {where}")


def _copy_event(event: str) -> str:
    """INSERT of the links of the verified event `event` (NEW, in a trigger)."""
    return _insert_links("l", event, "event_provisions l", f"l.event_id = {event}.id")


def _copy_link(link: str) -> str:
    """INSERT of the link `link` (NEW, in a trigger) when its event is verified."""
    return _insert_links(link, "e", "events e",
                         f"e.id = {link}.event_id AND e.review_state = 'verified'")


def _move_places(place: str) -> str:
    """UPDATE of the department of the verified links at `place` (NEW) and under it."""
    return (f"UPDATE verified_links SET department_id = "
            f"{department_of('verified_links.place_id')} "
            f"WHERE place_id IN (SELECT id FROM places WHERE id = {place}.id "
            f"OR parent_id = {place}.id)")


#: The link effects an event is flagged by in `verified_events` (its column of the same name).
FLAGGED_EFFECTS = ("advances", "sets_back")
EVENT_COLUMNS = "event_id, accord_id, occurred_on, place_id, verified_at, advances, sets_back"


def _has_link(event: str, effect: str) -> str:
    """SQL: 1 when the event `event` has a link of `effect`, else 0."""
    return (f"CASE WHEN EXISTS (SELECT 1 FROM event_provisions f WHERE f.event_id = "
            f"{event}.id AND f.effect = '{effect}') THEN 1 ELSE 0 END")


def _event_row(event: str) -> str:
    """SQL of the values of the verified_events row of the event `event` (a row or alias):
    its facts and its links' flags, in `EVENT_COLUMNS` order."""
    flags = ", ".join(_has_link(event, effect) for effect in FLAGGED_EFFECTS)
    return (f"{event}.id, {event}.accord_id, {event}.occurred_on, {event}.place_id, "
            f"{VERIFIED_AT.format(e=event)}, {flags}")


def _copy_verified_event(event: str) -> str:
    """INSERT of the event `event` (NEW, in a trigger), verified, with its links' flags."""
    return f"INSERT INTO verified_events ({EVENT_COLUMNS}) VALUES ({_event_row(event)})"


def _flag_event(link: str) -> str:
    """UPDATE raising the flag of the link `link`'s effect (NEW, in a trigger) on its event's
    row, when the event is verified (no row otherwise)."""
    flags = ", ".join(f"{effect} = CASE WHEN {link}.effect = '{effect}' THEN 1 ELSE {effect} END"
                      for effect in FLAGGED_EFFECTS)
    return f"UPDATE verified_events SET {flags} WHERE event_id = {link}.event_id"


def _count_day(event: str) -> str:
    """INSERT of the day of the verified event `event` (NEW, in a trigger) counting it and
    its flags, or UPDATE of the day's counts when the day has a row."""
    flags = ", ".join(f"{e} = verified_days.{e} + excluded.{e}" for e in FLAGGED_EFFECTS)
    return (f"INSERT INTO verified_days (accord_id, occurred_on, events, "
            f"{', '.join(FLAGGED_EFFECTS)}) VALUES ({event}.accord_id, {event}.occurred_on, 1, "
            + ", ".join(f"{event}.{e}" for e in FLAGGED_EFFECTS)
            + f") ON CONFLICT (accord_id, occurred_on) DO UPDATE SET "
            f"events = verified_days.events + 1, {flags}")


def _count_flags(old: str, new: str) -> str:
    """UPDATE of the day's flag counts by the change of the verified event's flags from
    `old` to `new` (OLD and NEW, in a trigger)."""
    flags = ", ".join(f"{e} = {e} + {new}.{e} - {old}.{e}" for e in FLAGGED_EFFECTS)
    return (f"UPDATE verified_days SET {flags} WHERE accord_id = {new}.accord_id "
            f"AND occurred_on = {new}.occurred_on")


PAIR_COLUMNS = "accord_id, department_id, provision_id, first_on"


def _add_pair(link: str) -> str:
    """INSERT of the department-provision pair of the verified link `link` (NEW, in a
    trigger) when it has a department, or UPDATE of its first date when it is earlier."""
    return (f"INSERT INTO department_provisions ({PAIR_COLUMNS}) "
            f"SELECT {link}.accord_id, {link}.department_id, {link}.provision_id, "
            f"{link}.occurred_on WHERE {link}.department_id IS NOT NULL "
            f"ON CONFLICT (accord_id, department_id, provision_id) DO UPDATE SET first_on = "
            f"CASE WHEN excluded.first_on < department_provisions.first_on "
            f"THEN excluded.first_on ELSE department_provisions.first_on END")


def _pairs_of(where: str) -> str:
    """INSERT of the department-provision pairs of the verified links matching `where` (a
    condition on verified_links), each with its first date."""
    return (f"INSERT INTO department_provisions ({PAIR_COLUMNS}) "
            f"SELECT accord_id, department_id, provision_id, MIN(occurred_on) "
            f"FROM verified_links WHERE department_id IS NOT NULL AND {where} "
            f"GROUP BY accord_id, department_id, provision_id")


def _recount_pair(link: str) -> str:
    """DELETE and INSERT again of the department-provision pair the link `link` (OLD, in a
    trigger) was in, from the verified links in it now."""
    pair = (f"accord_id = {link}.accord_id AND department_id = {link}.department_id "
            f"AND provision_id = {link}.provision_id")
    return f"DELETE FROM department_provisions WHERE {pair}; {_pairs_of(pair)}"


BECOMES_VERIFIED = "NEW.review_state = 'verified' AND OLD.review_state <> 'verified'"
#: trigger name -> (timing and table, condition or None, the statement)
_TRIGGERS = {
    "verified_links_on_review": ("AFTER UPDATE OF review_state ON events", BECOMES_VERIFIED,
                                 _copy_event("NEW")),
    "verified_links_on_link": ("AFTER INSERT ON event_provisions", None, _copy_link("NEW")),
    "verified_links_on_place": ("AFTER UPDATE OF parent_id, kind ON places", None,
                                _move_places("NEW")),
}


_FLAGGED = "NEW.effect IN (" + ", ".join(f"'{e}'" for e in FLAGGED_EFFECTS) + ")"
#: the same for verified_events (migration 0018)
_EVENT_TRIGGERS = {
    "verified_events_on_entry": ("AFTER INSERT ON events", "NEW.review_state = 'verified'",
                                 _copy_verified_event("NEW")),
    "verified_events_on_review": ("AFTER UPDATE OF review_state ON events", BECOMES_VERIFIED,
                                  _copy_verified_event("NEW")),
    "verified_events_on_link": ("AFTER INSERT ON event_provisions", _FLAGGED,
                                _flag_event("NEW")),
    "verified_days_on_event": ("AFTER INSERT ON verified_events", None, _count_day("NEW")),
    "verified_days_on_flag": ("AFTER UPDATE OF advances, sets_back ON verified_events", None,
                              _count_flags("OLD", "NEW")),
    "department_provisions_on_link": ("AFTER INSERT ON verified_links", None,
                                      _add_pair("NEW")),
    "department_provisions_on_move": (
        "AFTER UPDATE OF department_id ON verified_links",
        "COALESCE(OLD.department_id, 0) <> COALESCE(NEW.department_id, 0)",
        f"{_recount_pair('OLD')}; {_add_pair('NEW')}"),
}


def statements(dialect: str, create: bool = True) -> list[str]:
    """The statements creating (create=False: dropping) the triggers that keep
    `verified_links` on `dialect` ("sqlite" or "postgresql"); RuntimeError for another."""
    return _statements(_TRIGGERS, dialect, create)


def event_statements(dialect: str, create: bool = True) -> list[str]:
    """The statements creating (create=False: dropping) the triggers that keep
    `verified_events` (migration 0018) on `dialect` ("sqlite" or "postgresql");
    RuntimeError for another."""
    return _statements(_EVENT_TRIGGERS, dialect, create)


def _statements(triggers: dict, dialect: str, create: bool) -> list[str]:
    if dialect not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no verified-link triggers written for {dialect}")
    found = []
    for name, (when, condition, statement) in triggers.items():
        table = when.rsplit(" ", 1)[1]
        if dialect == "sqlite" and create:
            found.append(f"CREATE TRIGGER {name} {when} FOR EACH ROW"
                         + (f" WHEN {condition}" if condition else "")
                         + f"\nBEGIN\n    {statement};\nEND")
        elif dialect == "sqlite":
            found.append(f"DROP TRIGGER IF EXISTS {name}")
        elif create:
            body = f"IF {condition} THEN {statement}; END IF;" if condition else f"{statement};"
            found.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                         f"    BEGIN\n        {body}\n        RETURN NULL;\n    END $$")
            found.append(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            found += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                      f"DROP FUNCTION IF EXISTS {name}()"]
    return found


#: Fills `verified_links` from the links of the events verified so far (the migration).
FILL = (f"INSERT INTO verified_links ({COLUMNS}) "
        f"SELECT l.event_id, l.provision_id, e.accord_id, e.occurred_on, l.effect, e.place_id, "
        f"{department_of('e.place_id')}, {VERIFIED_AT.format(e='e')} "
        f"FROM event_provisions l JOIN events e ON e.id = l.event_id "
        f"WHERE e.review_state = 'verified'")

#: Fills `verified_events` from the events verified so far (the migration).
FILL_EVENTS = (f"INSERT INTO verified_events ({EVENT_COLUMNS}) SELECT {_event_row('e')} "
               f"FROM events e WHERE e.review_state = 'verified'")

#: Fills `department_provisions` from the verified links (the migration, after `FILL`).
FILL_PAIRS = _pairs_of("1 = 1")

#: Fills `verified_days` from the verified events (the migration, after `FILL_EVENTS`).
FILL_DAYS = (f"INSERT INTO verified_days (accord_id, occurred_on, events, "
             f"{', '.join(FLAGGED_EFFECTS)}) SELECT accord_id, occurred_on, COUNT(*), "
             + ", ".join(f"SUM({e})" for e in FLAGGED_EFFECTS)
             + " FROM verified_events GROUP BY accord_id, occurred_on")
