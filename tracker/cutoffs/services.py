"""Publishing a cut-off: checked, written with its audit event in one transaction, never
changed afterwards (the database refuses UPDATE and DELETE on cut-offs)."""
from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..domain.messages import N_, Message
from ..domain.resubmit import repeats
from ..extensions import db
from ..models import Accord, utcnow
from ..services import Invalid, audit
from ..services.transaction import acting_user


class LabelTaken(Invalid):
    """Refused, the label among the reasons: another cut-off of the accord holds it (a
    conflict with stored data, HTTP 409)."""
from . import snapshot
from .models import MAX_LABEL, MAX_NOTE, Cutoff


def cutoffs(accord: Accord) -> list[Cutoff]:
    """The accord's cut-offs, latest publication first."""
    return list(db.session.scalars(select(Cutoff).where(Cutoff.accord_id == accord.id)
                                   .order_by(Cutoff.published_at.desc(), Cutoff.id.desc())))


def state(accord: Accord) -> int:
    """Changes whenever a cut-off of the accord is published (cut-offs are never changed or
    removed, so the newest id says it): for ETags and cached answers."""
    return db.session.scalar(select(func.coalesce(func.max(Cutoff.id), 0))
                             .where(Cutoff.accord_id == accord.id)) or 0


def normal_label(label: str) -> str:
    """A label as stored and looked up: Unicode NFC (an address or form may send the same
    text decomposed, NFD), surrounding spaces removed."""
    return unicodedata.normalize("NFC", label or "").strip()


def _folded(label: str) -> str:
    return normal_label(label).casefold()


def same_label(accord: Accord, label: str) -> Cutoff | None:
    """The accord's cut-off whose label equals `label` ignoring case (after NFC), or None:
    "report 1" and "Report 1" would name two reports no reader tells apart."""
    wanted = _folded(label)
    return next((c for c in db.session.scalars(select(Cutoff).where(
        Cutoff.accord_id == accord.id)) if _folded(c.label) == wanted), None)


def by_label(accord: Accord, label: str) -> Cutoff | None:
    """The accord's cut-off labelled `label` (exactly; labels are stored NFC), or None."""
    return db.session.scalar(select(Cutoff).where(Cutoff.accord_id == accord.id,
                                                  Cutoff.label == label))


def superseded_by(cutoff: Cutoff) -> Cutoff | None:
    """The cut-off that supersedes `cutoff`, if one does."""
    return db.session.scalar(select(Cutoff).where(Cutoff.supersedes_id == cutoff.id))


def _current(accord_id: int):
    """Cut-offs of the accord that no other supersedes (only these are compared with)."""
    replaced = select(Cutoff.supersedes_id).where(Cutoff.accord_id == accord_id,
                                                 Cutoff.supersedes_id.is_not(None))
    return select(Cutoff).where(Cutoff.accord_id == accord_id, Cutoff.id.not_in(replaced))


def previous(cutoff: Cutoff) -> Cutoff | None:
    """The report `cutoff` follows: the latest cut-off, by cut-off date, with a date before
    `cutoff`'s (ties: the latest published), among those no other supersedes. A cut-off
    that supersedes another follows what that one followed, whatever its own date."""
    seen = {cutoff.id}
    while cutoff.supersedes is not None and cutoff.supersedes.id not in seen:
        cutoff = cutoff.supersedes
        seen.add(cutoff.id)
    return db.session.scalar(
        _current(cutoff.accord_id).where(Cutoff.as_of < cutoff.as_of, Cutoff.id.not_in(seen))
        .order_by(Cutoff.as_of.desc(), Cutoff.published_at.desc(), Cutoff.id.desc()).limit(1))


def latest(accord: Accord, before: date | None = None) -> Cutoff | None:
    """The accord's latest report: the cut-off with the latest cut-off date (ties: the latest
    published) that no other supersedes, with a date before `before` if given; None if
    there is none."""
    query = _current(accord.id)
    if before is not None:
        query = query.where(Cutoff.as_of < before)
    return db.session.scalar(query.order_by(
        Cutoff.as_of.desc(), Cutoff.published_at.desc(), Cutoff.id.desc()).limit(1))


def problems(accord: Accord, label: str, as_of: date | None, note: str,
             supersedes: str | None, today: date) -> dict:
    """Reasons (field -> N_ text or Message) the publication is refused; empty if none."""
    found: dict = {}
    if accord.kind != "monitored":
        found["label"] = N_("only monitored accords publish cut-offs")
    if not label:
        found["label"] = N_("a label is required")
    elif "/" in label or "\\" in label or not label.isprintable():
        found["label"] = N_("a label cannot hold a slash, a backslash or control characters")
    elif label.strip(".") == "" or label.endswith((".", " ")):
        found["label"] = N_("a label cannot be only dots or end with a dot or a space: an "
                            "address ending so is changed by browsers and the cut-off could "
                            "not be opened")
    elif len(label) > MAX_LABEL:
        found["label"] = Message(N_("the label is longer than %(n)s characters"), n=MAX_LABEL)
    elif (same := same_label(accord, label)) is not None:
        found["label"] = Message(N_("a cut-off labelled %(label)s already exists; cut-offs "
                                    "cannot be changed, publish one with a new label"),
                                 label=same.label)
    if as_of is None:
        found["as_of"] = N_("a cut-off date is required")
    elif as_of > today:
        found["as_of"] = N_("the cut-off date is in the future")
    elif as_of < accord.signed_on:
        found["as_of"] = N_("the cut-off date is before the accord was signed")
    if len(note) > MAX_NOTE:
        found["note"] = Message(N_("the note is longer than %(n)s characters"), n=MAX_NOTE)
    if supersedes:
        old = by_label(accord, supersedes)
        newer = superseded_by(old) if old is not None else None
        if old is None:
            found["supersedes"] = Message(N_("no cut-off labelled %(label)s"), label=supersedes)
        elif newer is not None:
            found["supersedes"] = Message(N_("cut-off %(label)s is already superseded by "
                                             "%(newer)s; supersede %(newer)s instead"),
                                          label=supersedes, newer=newer.label)
    return found


def publish_once(accord: Accord, label: str, as_of: date | None, note: str = "",
                 supersedes: str | None = None) -> tuple[Cutoff, bool]:
    """(the cut-off, whether it was published now): `publish`, unless the same person
    published this very cut-off (label, date, note, superseded one) within the window
    (`domain.resubmit.repeats`: the form sent again from a reloaded page); that one is then
    given, nothing written."""
    label, note = normal_label(label), (note or "").strip()
    supersedes = normal_label(supersedes) or None
    same = same_label(accord, label) if label else None
    if same is not None and repeats(
            (label, as_of, note, supersedes),
            (same.label, same.as_of, same.note or "",
             same.supersedes.label if same.supersedes else None),
            same_author=same.published_by == acting_user()[1], earlier_at=same.published_at,
            now=utcnow()):
        return same, False
    return publish(accord, label, as_of, note, supersedes), True


def publish(accord: Accord, label: str, as_of: date | None, note: str = "",
            supersedes: str | None = None, today: date | None = None) -> Cutoff:
    """Publish a cut-off now: its figures are, forever, those as of `as_of` as known at
    this moment. Raises `services.Invalid` (field -> reason; `LabelTaken` when the label is another
    cut-off's) and writes nothing when refused;
    permissions are the caller's to check."""
    label, note = normal_label(label), (note or "").strip()
    supersedes = normal_label(supersedes) or None
    found = problems(accord, label, as_of, note, supersedes, today or date.today())
    if found:
        raise (LabelTaken if same_label(accord, label) else Invalid)(found)
    _, actor = acting_user()
    old = by_label(accord, supersedes) if supersedes else None
    cutoff = Cutoff(accord_id=accord.id, label=label, as_of=as_of, note=note,
                    published_at=utcnow(), published_by=actor,
                    supersedes_id=old.id if old else None)
    try:
        db.session.add(cutoff)
        db.session.flush()
        snapshot.take(cutoff)
        db.session.flush()
        audit("cutoff.publish", "cutoff", cutoff.id, accord_id=accord.id, after={
            "label": label, "as_of": as_of.isoformat(), "note": note,
            "published_at": cutoff.published_at.isoformat(), "supersedes": supersedes})
        db.session.commit()
    except IntegrityError:  # the same label published at the same time elsewhere
        db.session.rollback()
        raise LabelTaken({"label": Message(N_("a cut-off labelled %(label)s already exists; "
                                           "cut-offs cannot be changed, publish one with a "
                                           "new label"), label=label)}) from None
    except Exception:
        db.session.rollback()
        raise
    return cutoff
