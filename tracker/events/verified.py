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
"""
from __future__ import annotations

from sqlalchemy import literal_column

from ..models import UTCDateTime

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


def verified_at(table: str = "events"):
    """`VERIFIED_AT` of `table` as a column expression comparable with aware UTC moments."""
    return literal_column(VERIFIED_AT.format(e=table), UTCDateTime())


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


BECOMES_VERIFIED = "NEW.review_state = 'verified' AND OLD.review_state <> 'verified'"
#: trigger name -> (timing and table, condition or None, the statement)
_TRIGGERS = {
    "verified_links_on_review": ("AFTER UPDATE OF review_state ON events", BECOMES_VERIFIED,
                                 _copy_event("NEW")),
    "verified_links_on_link": ("AFTER INSERT ON event_provisions", None, _copy_link("NEW")),
    "verified_links_on_place": ("AFTER UPDATE OF parent_id, kind ON places", None,
                                _move_places("NEW")),
}


def statements(dialect: str, create: bool = True) -> list[str]:
    """The statements creating (create=False: dropping) the triggers that keep
    `verified_links` on `dialect` ("sqlite" or "postgresql"); RuntimeError for another."""
    if dialect not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no verified-link triggers written for {dialect}")
    found = []
    for name, (when, condition, statement) in _TRIGGERS.items():
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
