"""Reference sets in the database: import (new or replacing), list, delete, default.

Every write here is one transaction: a set is imported, replaced or deleted whole, or not at
all, and each write is audited. A reference accord belongs to exactly one set (its
`reference_set` label); accords are matched across a replacement by their external
identifier (`pam_caseid`), else by name and signing date within that set, never by name alone
and never across sets.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from ..domain.messages import Message, N_, as_reason
from ..domain.text import clean_text
from ..extensions import db
from ..models import (
    Accord,
    ProvisionType,
    ReferenceCoding,
    ReferenceSet,
    ReferenceYear,
    StatusRecord,
    utcnow,
)
from ..services import audit, touch
from ..tables import RowError, TableError, read_rows
from . import dataset, reader


class ReferenceSetError(TableError):
    """A set-level refusal (already imported, label taken, unknown set); nothing written."""

    def __init__(self, message: str | Message, status: int = 400):
        super().__init__([RowError(None, message)])
        self.status = status


@dataclass
class SetImport:
    """What an import did: the set, counts, and the quirks found in the file."""

    label: str
    accords: int
    years: int
    replaced: bool
    quirks: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        verb = "replaced" if self.replaced else "imported"
        return (f"reference set {self.label!r} {verb}: {self.accords} accords, "
                f"{self.years} coded years; {len(self.quirks)} quirk(s) of the data reported")


def ensure_provision_types() -> int:
    """Add the PAM provision types missing from the database (and their PAM_ID stems);
    returns how many were added. Safe to call on every import."""
    known = {t.code: t for t in db.session.scalars(select(ProvisionType))}
    added = 0
    for row in dataset.vocabulary():
        ptype = known.get(row["code"])
        if ptype is None:
            db.session.add(ProvisionType(code=row["code"], name=row["name"], group=row["group"],
                                         description=row["description"], verified=True,
                                         pam_stem=row["pam_stem"]))
            added += 1
        elif ptype.pam_stem != row["pam_stem"] or not ptype.verified:
            ptype.pam_stem, ptype.verified = row["pam_stem"], True
    db.session.flush()
    return added


def type_lookup() -> dict[str, str]:
    """Lower-cased PAM_ID stem, type code and type name -> type code."""
    lookup = {}
    for code, name, stem in db.session.execute(
            select(ProvisionType.code, ProvisionType.name, ProvisionType.pam_stem)):
        lookup[code.lower()] = code
        lookup[name.lower()] = code
        if stem:
            lookup[stem.lower()] = code
    return lookup


def import_set(data: bytes, filename: str, label: str | None = None, *, replace: bool = False,
               illustrative: bool | None = None, citation: str | None = None,
               accept_losses: bool = False, actor: str = "") -> SetImport:
    """Load a reference data set file (PAM_ID wide or long layout; CSV or XLSX) as set `label`
    (default: "PAM_ID <version>" for PAM_ID, else the file name).

    Raises ReferenceSetError when this very file (same SHA-256) is already loaded, when
    `label` exists and `replace` is not set (or does not exist and `replace` is), or (409)
    when the replacement lacks a kind of data the set holds (its version, citation, source
    address, yearly totals, initiated/reversal codes) and `accept_losses` is not set;
    TableError for bad headers or rows. Nothing is written in any of these cases. Losses
    accepted are named in the replacement's audit record.
    """
    digest = hashlib.sha256(data).hexdigest()
    same = db.session.scalar(select(ReferenceSet).where(ReferenceSet.source_sha256 == digest))
    if same is not None:
        raise ReferenceSetError(Message(N_("this file is already imported as reference set "
                                           "%(set)s; nothing was written"),
                                        set=repr(same.label)), 409)
    try:
        ensure_provision_types()
        parsed = reader.parse(read_rows(data, filename), filename, type_lookup())
        label = checked_label(label if label is not None else _default_label(parsed, filename))
        existing = db.session.scalar(select(ReferenceSet).where(ReferenceSet.label == label))
        if existing is not None and not replace:
            raise ReferenceSetError(Message(N_("reference set %(set)s exists: replace it with "
                                               "this file (Replace on the reference-sets page, "
                                               "or import-reference --replace)"),
                                            set=repr(label)), 409)
        if existing is None and replace:
            raise ReferenceSetError(Message(N_("no reference set %(set)s to replace"),
                                            set=repr(label)), 404)
        lost = _losses(existing, parsed, citation) if existing is not None else []
        if lost and not accept_losses:
            _refuse_losses(existing.label, lost)
        first = not db.session.scalar(select(func.count(ReferenceSet.id)))
        refset = existing or ReferenceSet(label=label, is_default=first)
        _describe(refset, parsed, filename, digest, illustrative, citation, actor)
        if existing is None:
            db.session.add(refset)
        years = _write_accords(refset, parsed)
        audit("reference_set.replace" if existing else "reference_set.import", "reference_set",
              None, after={"label": label, "file": filename, "sha256": digest,
                           "accords": len(parsed.accords), "years": years,
                           **({"lost": lost} if lost else {})})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return SetImport(label, len(parsed.accords), years, existing is not None, parsed.quirks)


def _losses(refset: ReferenceSet, parsed: dataset.ParsedSet,
            citation: str | None) -> list[str]:
    """The kinds of data set `refset` holds that the replacement file lacks (English
    names, N_ marked): its version, citation, source address, the file's own yearly totals,
    the initiated/reversal codes. A replacement keeps nothing of the set it replaces, so a
    file such as the long-layout export would quietly drop what the PAM_ID file gave."""
    years = (select(ReferenceYear.id).join(Accord, Accord.id == ReferenceYear.accord_id)
             .where(Accord.kind == "reference", Accord.reference_set == refset.label))
    held_totals = db.session.scalar(select(years.where(
        ReferenceYear.published_score.is_not(None)).exists()))
    held_codes = db.session.scalar(select(select(ReferenceCoding.year_id).where(
        ReferenceCoding.year_id.in_(years), (ReferenceCoding.initiated.is_not(None))
        | (ReferenceCoding.reversal.is_not(None))).exists()))
    file_years = [y for a in parsed.accords for y in a.years]
    return [name for name, held, given in (
        (N_("its version"), bool(refset.version), bool(parsed.version)),
        (N_("its citation"), bool(refset.citation), bool(citation or parsed.citation)),
        (N_("its source address"), bool(refset.source_url), bool(parsed.source_url)),
        (N_("the file's own yearly totals (provisions, points, score)"), held_totals,
         any(y.published_score is not None for y in file_years)),
        (N_("the initiated and reversal codes"), held_codes,
         any(c.initiated is not None or c.reversal is not None
             for y in file_years for c in y.codings.values())),
    ) if held and not given]


def _refuse_losses(label: str, lost: list[str]) -> None:
    """Refuse (409, nothing written) a replacement that would lose `lost`, saying how to
    replace all the same."""
    from ..i18n import translate  # the reasons are shown in the reader's language

    raise ReferenceSetError(Message(
        N_("replacing reference set %(set)s with this file would lose what the file does "
           "not hold: %(lost)s; nothing was written (replace it with a file that holds "
           "them, such as the PAM_ID file it came from, or tick \"Replace even though this "
           "is lost\" (import-reference --replace --accept-losses))"),
        set=repr(label), lost="; ".join(translate(n) for n in lost)), 409)


def stored_reason(error: RowError) -> dict:
    """A row's reason as JSON that can be shown in any language later: {"row", "message"
    (English), "text" (the template), "params"}."""
    reason = error.message
    entry = {"row": error.row, "message": str(reason)}
    if isinstance(reason, Message):
        entry.update(text=reason.text, params={k: str(v) for k, v in reason.params.items()})
    return entry


LABEL_LENGTH = 80


def checked_label(label: str) -> str:
    """A set label as stored: one line through the input rule (`domain.text.clean_text`:
    NFC, line breaks as spaces), stripped; refused (ReferenceSetError, 400) when it holds a
    control character, is empty, or is longer than LABEL_LENGTH characters."""
    try:
        label = clean_text(label, multiline=False).strip()
    except ValueError as exc:
        raise ReferenceSetError(Message(N_("the label of the reference set %(reason)s"),
                                        reason=as_reason(exc.args[0]))) from None
    if not label:
        raise ReferenceSetError(N_("the label of a reference set cannot be blank"))
    if len(label) > LABEL_LENGTH:
        raise ReferenceSetError(Message(N_("the label of a reference set is at most %(n)s "
                                           "characters"), n=LABEL_LENGTH))
    return label


def _default_label(parsed: dataset.ParsedSet, filename: str) -> str:
    if parsed.layout == "pam_id":
        return f"PAM_ID v{parsed.version}" if parsed.version else "PAM_ID"
    return filename.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80]


def _describe(refset, parsed, filename, digest, illustrative, citation, actor) -> None:
    refset.version = parsed.version
    refset.citation = citation if citation is not None else parsed.citation
    refset.short_citation = parsed.short_citation if citation is None else ""
    refset.source_url = parsed.source_url
    refset.source_filename = filename.rsplit("/", 1)[-1][:255]
    refset.source_sha256 = digest
    refset.source_format = parsed.layout
    refset.rows_read = parsed.rows_read
    refset.illustrative = (illustrative if illustrative is not None
                           else any(a.illustrative for a in parsed.accords))
    refset.alignment = parsed.alignment.as_dict()
    refset.quirks = [stored_reason(q) for q in parsed.quirks]
    refset.imported_at = utcnow()
    refset.imported_by = actor


def _write_accords(refset: ReferenceSet, parsed: dataset.ParsedSet) -> int:
    from ..importers import free_slug, slugify

    old = list(db.session.scalars(select(Accord).where(
        Accord.kind == "reference", Accord.reference_set == refset.label)))
    by_id = {_match_key(a.external_ids, a.name, a.signed_on): a for a in old}
    type_ids = dict(db.session.execute(select(ProvisionType.code, ProvisionType.id)).all())
    kept, years = set(), 0
    for ref in parsed.accords:
        accord = by_id.get(_match_key(ref.external_ids, ref.name, ref.signed_on))
        if accord is None:
            accord = Accord(slug=free_slug(slugify(ref.name)), kind="reference", public=True)
            db.session.add(accord)
        else:
            kept.add(accord.id)
            db.session.execute(delete(ReferenceYear).where(ReferenceYear.accord_id == accord.id))
        accord.name, accord.country, accord.signed_on = ref.name, ref.country, ref.signed_on
        accord.reference_set = refset.label
        accord.external_ids = ref.external_ids or None
        accord.illustrative = refset.illustrative or ref.illustrative
        counts = [y.year_count for y in ref.years if y.year_count]
        accord.horizon_years = max(counts) if counts else None
        accord.description = _description(refset)
        db.session.flush()
        touch(accord.id)
        years += _write_years(accord.id, ref, type_ids)
    _retire([a for a in old if a.id not in kept])
    return years


def _match_key(ids: dict | None, name: str, signed_on) -> tuple:
    caseid = (ids or {}).get("pam_caseid")
    return ("pam_caseid", caseid) if caseid is not None else ("name", name, signed_on)


def _description(refset: ReferenceSet) -> str:
    text = f"Reference accord of the set {refset.label}"
    if refset.source_format == "pam_id":
        text += (", coded yearly in the Peace Accords Matrix Implementation Dataset "
                 f"(PAM_ID {refset.version})".rstrip(" ") + ".")
    return text + ("" if not refset.illustrative else " Illustrative data.")


def _write_years(accord_id: int, ref: dataset.Accord, type_ids: dict[str, int]) -> int:
    for coded in ref.years:
        year = ReferenceYear(accord_id=accord_id, calendar_year=coded.calendar_year,
                             year_count=coded.year_count, source_row=coded.source_row,
                             published_provisions=coded.published_provisions,
                             published_points=coded.published_points,
                             published_score=coded.published_score)
        db.session.add(year)
        db.session.flush()
        db.session.execute(ReferenceCoding.__table__.insert(), [
            {"year_id": year.id, "provision_type_id": type_ids[code], "in_accord": c.in_accord,
             "level": c.level, "initiated": c.initiated, "reversal": c.reversal}
            for code, c in sorted(coded.codings.items())])
    return len(ref.years)


def _retire(accords: list[Accord]) -> None:
    """Remove reference accords that left their set. One holding status records (a set
    loaded before reference sets had their own tables) cannot lose its history: it is kept,
    private and outside every set."""
    for accord in accords:
        held = db.session.scalar(select(func.count(StatusRecord.id))
                                 .where(StatusRecord.accord_id == accord.id))
        if held:
            accord.reference_set, accord.public = None, False
            touch(accord.id)
        else:
            db.session.delete(accord)
    db.session.flush()


def delete_set(label: str, actor: str = "") -> int:
    """Delete set `label` and its accords in one transaction; returns how many accords went.
    Raises ReferenceSetError (404) for an unknown label."""
    refset = db.session.scalar(select(ReferenceSet).where(ReferenceSet.label == label))
    if refset is None:
        raise ReferenceSetError(Message(N_("no reference set %(set)s"), set=repr(label)), 404)
    try:
        accords = list(db.session.scalars(select(Accord).where(
            Accord.kind == "reference", Accord.reference_set == label)))
        _retire(accords)
        was_default = refset.is_default
        db.session.delete(refset)
        db.session.flush()
        if was_default:
            _promote_default()
        audit("reference_set.delete", "reference_set", None,
              before={"label": label, "accords": len(accords), "sha256": refset.source_sha256})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(accords)


def _promote_default() -> None:
    first = db.session.scalar(select(ReferenceSet).order_by(ReferenceSet.imported_at,
                                                            ReferenceSet.id))
    if first is not None:
        first.is_default = True


def set_default(label: str) -> None:
    """Make `label` the default reference set. Raises ReferenceSetError (404) if unknown."""
    refset = db.session.scalar(select(ReferenceSet).where(ReferenceSet.label == label))
    if refset is None:
        raise ReferenceSetError(Message(N_("no reference set %(set)s"), set=repr(label)), 404)
    db.session.execute(update(ReferenceSet).values(is_default=False))
    refset.is_default = True
    audit("reference_set.default", "reference_set", refset.id, after={"label": label})
    db.session.commit()


def all_sets() -> list[ReferenceSet]:
    """Every reference set, default first, then by label."""
    return list(db.session.scalars(select(ReferenceSet).order_by(
        ReferenceSet.is_default.desc(), ReferenceSet.label)))


def accord_counts() -> dict[str, int]:
    """Set label -> number of its accords."""
    return dict(db.session.execute(
        select(Accord.reference_set, func.count(Accord.id))
        .where(Accord.kind == "reference", Accord.reference_set.is_not(None))
        .group_by(Accord.reference_set)).all())
