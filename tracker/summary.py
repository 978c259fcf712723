"""The per-provision level-change summary (`models.LevelChange`), kept in the same transaction
as every write, so figures as known now, and as known at a moment (`known_at`, cut-offs),
read an accord's level changes (a few thousand rows) instead of running the window over every
record it ever had (tens of thousands).

How it follows every write path without each one having to remember it:
- `services.touch` (every writer of an accord calls it: web, workbook upload, command-line
  imports, review, reference sets) notes the accord in the session;
- status records added or reviewed through the ORM are noted by provision at each flush;
  rows inserted in bulk (`importers`) are noted with `note_provisions`; and every record newer
  than the summary's `last_record_id` is found again before the commit, as a safety net;
- just before the commit, the noted provisions' level changes are computed again from their
  own history (cost: their records only) and the accord's `LevelSummary` is set to its new
  revision.

Figures use the rows only when the summary's revision equals the accord's;
anything written another way (a restore, a bench build, a manual UPDATE) falls back to the
full read until `rebuild()` (`flask figures rebuild-summary`) runs.
"""
from __future__ import annotations

from sqlalchemy import (String, case, delete, event, exists, false, func, insert, literal, or_,
                        select, true, type_coerce)
from sqlalchemy.orm import Session

from .extensions import db
from .models import Accord, LevelChange, LevelSummary, StatusRecord, UTCDateTime

ACCORDS_KEY = "tracker.summary.accords"
PROVISIONS_KEY = "tracker.summary.provisions"
CHUNK = 500


def note_accord(session: Session, accord_id: int) -> None:
    """This transaction changes the accord's figures (called by `services.touch`)."""
    session.info.setdefault(ACCORDS_KEY, set()).add(accord_id)


def note_provisions(session: Session, provision_ids) -> None:
    """These provisions' records were written outside the ORM (bulk inserts)."""
    session.info.setdefault(PROVISIONS_KEY, set()).update(provision_ids)


def _changes_select(provision_ids: list[int]):
    """The rows `models.LevelChange` keeps for these provisions: every verified record except
    those that repeat the level of the verified record just before them (in effect order) when
    that record entered the figures no later than they did (the same rule as
    `queries.level_changes`: a record counts when its level differs from the previous counted
    record's). `is_change`: it changes the level as known now."""
    order = (StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)
    known = func.coalesce(StatusRecord.reviewed_at, StatusRecord.recorded_at)
    previous = func.lag(StatusRecord.level).over(partition_by=StatusRecord.provision_id,
                                                 order_by=order).label("previous")
    previous_known = func.lag(known).over(partition_by=StatusRecord.provision_id,
                                          order_by=order).label("previous_known")
    inner = (select(StatusRecord.id, StatusRecord.accord_id, StatusRecord.provision_id,
                    StatusRecord.level, StatusRecord.effective_on, StatusRecord.recorded_at,
                    known.label("known"), previous, previous_known)
             .where(StatusRecord.provision_id.in_(provision_ids),
                    StatusRecord.review_state == "verified")
             .subquery())
    changes = or_(inner.c.previous.is_(None), inner.c.previous != inner.c.level)
    return select(inner.c.id, inner.c.accord_id, inner.c.provision_id, inner.c.level,
                  inner.c.effective_on, inner.c.recorded_at,
                  case((changes, true()), else_=false()), inner.c.known).where(
        or_(changes, inner.c.previous_known > inner.c.known))


def refresh_provisions(provision_ids) -> None:
    """Compute the level changes of these provisions again, in the current transaction."""
    ids = sorted(set(provision_ids))
    columns = ["record_id", "accord_id", "provision_id", "level", "effective_on",
               "recorded_at", "is_change", "known_since"]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        db.session.execute(delete(LevelChange).where(LevelChange.provision_id.in_(chunk)))
        db.session.execute(insert(LevelChange).from_select(columns, _changes_select(chunk)))


def _newer_records(accord_id: int, last_id: int) -> tuple[set[int], int]:
    """Provisions with records newer than `last_id`, and the newest record id (primary-key
    range: costs the new records only)."""
    rows = db.session.execute(select(StatusRecord.provision_id, StatusRecord.id).where(
        StatusRecord.id > last_id, StatusRecord.accord_id == accord_id)).all()
    return {pid for pid, _id in rows}, max([last_id] + [rid for _pid, rid in rows])


def keep(accord_id: int, provision_ids=()) -> None:
    """Bring the accord's summary to its current revision in this transaction: the given
    provisions and those with records newer than the summary are computed again. An accord
    without a summary yet gets a whole rebuild."""
    state = db.session.get(LevelSummary, accord_id)
    if state is None:
        rebuild(accord_id)
        return
    newer, last_id = _newer_records(accord_id, state.last_record_id)
    refresh_provisions(set(provision_ids) | newer)
    state.revision = _revision(accord_id)
    state.last_record_id = last_id


def _revision(accord_id: int) -> int:
    return db.session.scalar(select(Accord.revision).where(Accord.id == accord_id)) or 0


def rebuild(accord_id: int | None = None) -> int:
    """Make the summary of one accord (or of every accord) again from its whole history, in
    the current transaction (the caller commits). Returns how many accords."""
    ids = [accord_id] if accord_id is not None else list(db.session.scalars(select(Accord.id)))
    for aid in ids:
        provisions = select(StatusRecord.provision_id).where(
            StatusRecord.accord_id == aid).distinct()
        db.session.execute(delete(LevelChange).where(LevelChange.accord_id == aid))
        refresh_provisions(db.session.scalars(provisions))
        last_id = db.session.scalar(select(func.coalesce(func.max(StatusRecord.id), 0)).where(
            StatusRecord.accord_id == aid)) or 0
        state = db.session.get(LevelSummary, aid)
        if state is None:
            db.session.add(LevelSummary(accord_id=aid, revision=_revision(aid),
                                        last_record_id=last_id))
        else:
            state.revision, state.last_record_id = _revision(aid), last_id
    db.session.flush()
    return len(ids)


def is_current(accord_id: int, revision: int) -> bool:
    """Whether the accord's summary reflects its state at `revision`."""
    state = db.session.execute(select(LevelSummary.revision).where(
        LevelSummary.accord_id == accord_id)).first()
    return state is not None and state.revision == revision


def current_rows(accord_id: int, revision: int):
    """The accord's level changes in effect order as raw rows (provision_id, level,
    effective_on, record id) if the summary is at `revision`, else None (use the full read).
    effective_on comes as the driver gives it (ISO text on SQLite, a date on PostgreSQL)."""
    if not is_current(accord_id, revision):
        return None
    query = (select(LevelChange.provision_id, LevelChange.level,
                    type_coerce(LevelChange.effective_on, String), LevelChange.record_id)
             .where(LevelChange.accord_id == accord_id, LevelChange.is_change)
             .order_by(LevelChange.effective_on, LevelChange.recorded_at, LevelChange.record_id))
    return db.session.connection().execute(query).cursor.fetchall()


def known_after(accord_id: int, revision: int, moment) -> bool | None:
    """Whether the accord's level changes as known at `moment` (aware UTC) can differ from
    those as known now: whether a kept row entered the figures after it (a record the summary
    leaves out changes nothing at any moment). None when the summary is not at `revision`."""
    if not is_current(accord_id, revision):
        return None
    return bool(db.session.scalar(select(exists().where(
        LevelChange.accord_id == accord_id,
        LevelChange.known_since > literal(moment, UTCDateTime())))))


def known_at_rows(accord_id: int, revision: int, moment):
    """The accord's level changes as known at `moment` (aware UTC; the rule of
    `queries.known_clause`) in effect order, as raw rows (provision_id, level, effective_on,
    record id), if the summary is at `revision`, else None (use the full read).

    The kept rows known at `moment` go through the same window as the history would: a record
    the summary leaves out repeats the level of a record known no later than itself, so it
    changes nothing at any moment and leaving it out changes no other record's predecessor
    level. Cost: the accord's kept rows, not its whole history."""
    if not is_current(accord_id, revision):
        return None
    order = (LevelChange.effective_on, LevelChange.recorded_at, LevelChange.record_id)
    previous = func.lag(LevelChange.level).over(partition_by=LevelChange.provision_id,
                                                order_by=order).label("previous")
    inner = (select(LevelChange.provision_id, LevelChange.level,
                    type_coerce(LevelChange.effective_on, String).label("effective_on"),
                    LevelChange.recorded_at, LevelChange.record_id, previous)
             .where(LevelChange.accord_id == accord_id,
                    LevelChange.known_since <= literal(moment, UTCDateTime()))
             .subquery())
    query = (select(inner.c.provision_id, inner.c.level, inner.c.effective_on,
                    inner.c.record_id)
             .where(or_(inner.c.previous.is_(None), inner.c.previous != inner.c.level))
             .order_by(inner.c.effective_on, inner.c.recorded_at, inner.c.record_id))
    return db.session.connection().execute(query).cursor.fetchall()


# --- following the session ---------------------------------------------------------------------

def _before_flush(session: Session, _context, _instances) -> None:
    for item in list(session.new) + list(session.dirty):
        if isinstance(item, StatusRecord) and item.provision_id is not None:
            session.info.setdefault(PROVISIONS_KEY, set()).add(item.provision_id)


def _before_commit(session: Session) -> None:
    accords = session.info.pop(ACCORDS_KEY, None)
    provisions = session.info.pop(PROVISIONS_KEY, None) or set()
    if not accords:
        return
    session.flush()
    provisions |= session.info.pop(PROVISIONS_KEY, None) or set()
    by_accord = {aid: set() for aid in accords}
    if provisions:
        from .models import Provision

        for chunk_start in range(0, len(provisions), CHUNK):
            chunk = sorted(provisions)[chunk_start:chunk_start + CHUNK]
            for pid, aid in session.execute(select(Provision.id, Provision.accord_id).where(
                    Provision.id.in_(chunk))):
                by_accord.setdefault(aid, set()).add(pid)
    for aid, pids in sorted(by_accord.items()):
        keep(aid, pids)
    session.flush()


def _after_soft_rollback(session: Session, previous) -> None:
    if previous.parent is None:
        session.info.pop(ACCORDS_KEY, None)
        session.info.pop(PROVISIONS_KEY, None)


_LISTENING = False


def listen() -> None:
    """Follow every session of the process (once)."""
    global _LISTENING
    if not _LISTENING:
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _LISTENING = True
