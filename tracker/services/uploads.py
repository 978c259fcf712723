"""An offline update workbook's confirmation: its status changes and the events of its
Events sheet recorded in one transaction, once."""
from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import UploadBatch
from .status import Recorded, StatusChange, submit_changes
from .transaction import Invalid


class AlreadyRecorded(Exception):
    """The upload was confirmed already: nothing is recorded twice (HTTP 409)."""


def confirm_upload(batch: UploadBatch, changes: list[StatusChange], *,
                   verified: bool, events: list | None = None) -> Recorded:
    """Record an upload's changes and its `events` (`tracker.events.services.EventInput`s,
    of the batch's accord) and mark it committed, in one transaction: all of them or none.
    The events are written first: a change citing some of them (`Submission.new_events`,
    positions in `events`) cites them by the ids they get, reviewed as its record is (both
    pending, or both verified for a coordinator).
    Raises AlreadyRecorded when the upload is no longer pending (a second confirmation, even
    one sent at the same moment), and otherwise what `submit` and
    `tracker.events.services.check_events` raise (Invalid keys of events `event N:field`,
    N from 0); ValueError for a change citing a position `events` lacks."""
    write, written = None, []
    if any(i not in range(len(events or ())) for c in changes
           for i in c.submission.new_events):
        raise ValueError("a change cites an event the upload does not write")
    if events:
        from ..events.services import check_events, write_events

        try:
            checked = check_events(events)
        except Invalid as exc:
            raise Invalid(_event_keys(exc.errors, len(events))) from None

        def write() -> list[int]:
            try:
                written.extend(write_events(checked, verified=verified, origin="import"))
            except Invalid as exc:
                raise Invalid(_event_keys(exc.errors, len(events))) from None
            return [event.id for event in written]

    def claim() -> None:
        claimed = db.session.execute(
            update(UploadBatch).where(UploadBatch.id == batch.id,
                                      UploadBatch.state == "pending")
            .values(state="committed"), execution_options={"synchronize_session": False})
        if claimed.rowcount != 1:
            raise AlreadyRecorded(f"upload {batch.id} was confirmed already")

    records = submit_changes(changes, verified=verified, source="excel", claim=claim, first=write,
                      accord_id=batch.accord_id)
    records.events = written
    return records


def _event_keys(errors: dict, count: int) -> dict:
    """Invalid keys of events ("N:field", or "field" for one) as "event N:field"; a key of
    no one event (a cited source rejected meanwhile) as "events:field"."""
    keys = {}
    for key, reason in errors.items():
        index, _sep, name = key.rpartition(":")
        if index.isdigit():
            keys[f"event {index}:{name}"] = reason
        else:
            keys[f"event 0:{key}" if count == 1 else f"events:{key}"] = reason
    return keys
