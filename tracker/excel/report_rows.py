"""What the report workbook's sheets and the CSV exports show, as rows of dicts keyed by
`columns`: an accord's figures (`AccordFigures`) with the few labels the sheets add to them,
its provisions as of a date, its history streamed from the database, the summary, the
monthly timeline and the comparison with a reference set."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from flask_babel import get_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from .. import i18n, queries
from ..domain import bilingual, metrics, scale
from ..domain.scale import LEVEL_KEYS
from ..extensions import db
from ..figures import AccordFigures, alignment_rule
from ..models import Accord, Provision, ProvisionType, Section, StatusRecord, User
from . import yes_no
from . import columns as C


@dataclass
class ReportData:
    """The accord's figures and the few labels the sheets add to them."""

    accord: Accord
    figures: AccordFigures
    as_of: date

    def __post_init__(self):
        rows = db.session.execute(select(Section.id, Section.code, Section.title, Section.position,
                                         Section.title_translated)
                                  .where(Section.accord_id == self.accord.id)).all()
        self.section_titles = {code: title for _id, code, title, _pos, _other in rows}
        self.section_order = {code: pos for _id, code, _title, pos, _other in rows}
        #: Section code -> title in the other content language (bilingual.other), if entered.
        self.section_translations = {code: other for _id, code, _t, _p, other in rows if other}
        self.extras = {pid: (text, version) for pid, text, version in db.session.execute(
            select(Provision.id, Provision.text, Provision.version)
            .where(Provision.accord_id == self.accord.id))}
        self.translations = dict(db.session.execute(
            select(Provision.id, Provision.text_translated)
            .where(Provision.accord_id == self.accord.id, Provision.text_translated.is_not(None))
        ).all())

    def section_label(self, path: tuple[str, ...]) -> str:
        return " > ".join(f"{code} {self.section_titles.get(code, '')}".strip() for code in path)

    def shown_section_label(self, path: tuple[str, ...]) -> str:
        """The section path as the reader reads it (a workbook's Section column): each title
        in the reader's language where held, else marked "[EN]" / "[ES]" (`i18n.marked_text`)."""
        language, reader = self.accord.original_language or "en", str(get_locale())
        return " > ".join(f"{code} " + i18n.marked_text(bilingual.for_reader(
            self.section_titles.get(code, ""), self.section_translations.get(code), language,
            reader)) for code in path).strip()

    def translated_section_label(self, path: tuple[str, ...]) -> str:
        """The section path in the other content language; "" when a title is missing."""
        if not all(code in self.section_translations for code in path):
            return ""
        return " > ".join(f"{code} {self.section_translations[code]}" for code in path)

    def both_languages(self, provision) -> dict[str, str]:
        """text_en, text_es, section_en, section_es of a provision (`metrics` info)."""
        language = self.accord.original_language or "en"
        texts = bilingual.by_language(self.extras[provision.id][0],
                                      self.translations.get(provision.id), language)
        sections = bilingual.by_language(self.section_label(provision.section_path),
                                         self.translated_section_label(provision.section_path),
                                         language)
        return {**{f"text_{k}": v for k, v in texts.items()},
                **{f"section_{k}": v for k, v in sections.items()}}

    def deciding_records(self, on: date) -> dict[int, metrics.Record]:
        """Provision id -> the counted record that sets its level on `on` (the same rule as
        `metrics.levels_as_of`: the latest in effect order)."""
        deciding = {}
        for record in metrics.ordered(self.figures.records, self.figures.include_pending):
            if record.effective_on > on:
                break
            deciding[record.provision_id] = record
        return deciding


def _evidence(record_ids) -> dict[int, tuple[str | None, str | None]]:
    ids, found = sorted(record_ids), {}
    for start in range(0, len(ids), 500):
        found.update({rid: (url, text) for rid, url, text in db.session.execute(
            select(StatusRecord.id, StatusRecord.evidence_url, StatusRecord.evidence_text)
            .where(StatusRecord.id.in_(ids[start:start + 500])))})
    return found


def provision_rows(data: ReportData, level_label: Callable[[int], str] = scale.level_label,
                   *, for_reader: bool = False):
    """One dict per provision (keys of columns.PROVISIONS), levels as of `data.as_of`; the
    level's label from `level_label` (English by default, as in the CSV). `for_reader`: the
    section path as the reader reads it (the workbook); else as stored (the CSV, which never
    follows the language)."""
    section = data.shown_section_label if for_reader else data.section_label
    levels = data.figures.levels(data.as_of)
    deciding = data.deciding_records(data.as_of)
    evidence = _evidence(r.id for r in deciding.values())
    for p in data.figures.provisions:
        record = deciding.get(p.id)
        level = levels.get(p.id, 0)
        url, text = evidence.get(record.id, (None, None)) if record else (None, None)
        yield {
            "code": p.code, "section": section(p.section_path),
            "text": data.extras[p.id][0], "provision_type": p.type_code,
            "priority": yes_no(p.priority), "tags": ";".join(sorted(p.tags)),
            "responsible_actor": p.responsible_actor, "time_frame": p.time_frame,
            "deadline": p.deadline, "level": level, "level_label": level_label(level),
            "last_change": record.effective_on if record else None,
            "evidence_url": url, "evidence_text": text, **data.both_languages(p),
        }


def history_rows(accord: Accord, as_of: date, *, include_unverified: bool = True,
                 show_authors: bool = True, known_at: datetime | None = None):
    """Every status record effective by `as_of`, in effect order, streamed from the database
    (the level's label is left to the Provisions sheet: one cell less on the largest sheet)."""
    author, reviewer = aliased(User), aliased(User)
    query = (
        select(StatusRecord.id, Provision.code, StatusRecord.level, StatusRecord.effective_on,
               StatusRecord.recorded_at, author.email, StatusRecord.review_state, reviewer.email,
               StatusRecord.reviewed_at, StatusRecord.source, StatusRecord.corrects_id,
               StatusRecord.evidence_url, StatusRecord.evidence_text, StatusRecord.note)
        .join(Provision, Provision.id == StatusRecord.provision_id)
        .outerjoin(author, author.id == StatusRecord.recorded_by_id)
        .outerjoin(reviewer, reviewer.id == StatusRecord.reviewed_by_id)
        .where(StatusRecord.accord_id == accord.id, StatusRecord.effective_on <= as_of)
        .order_by(StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)
    )
    if not include_unverified:
        query = query.where(StatusRecord.review_state == "verified")
    if known_at is not None:  # only what was known then (verified by that moment)
        query = query.where(queries.known_clause(known_at))
    keys = [c.key for c in C.HISTORY]  # the SELECT lists the columns in this order
    result = db.session.execute(query.execution_options(yield_per=2000))
    try:
        for row in result:
            values = dict(zip(keys, row))
            if not show_authors:
                values["author"] = values["reviewed_by"] = None
            yield values
    finally:
        result.close()  # a reader that stops early (a full sheet) ends the server-side cursor


def _summary_values(group: str, name: str, part: dict) -> dict:
    values = {"group": group, "name": name, "provisions": part["provisions"],
              "score": part["score"]}
    for key in LEVEL_KEYS:
        values[f"count_{key}"] = part["counts"][key]
        share = part["shares"][key]
        values[f"share_{key}"] = None if share is None else share / 100
    return values


def summary_rows(data: ReportData) -> list[dict]:
    whole = data.figures.summary(data.as_of)
    rows = [_summary_values("all", gettext("All provisions"), whole),
            _summary_values("priority", gettext("Priority"), whole["priority"]),
            _summary_values("non_priority", gettext("Non-priority"), whole["non_priority"])]
    points = data.figures.by_group(data.as_of, lambda p: p.section_path[:1])
    for code in sorted(points, key=lambda c: (data.section_order.get(c, 0), c)):
        name = i18n.point_title(data.accord, code, data.section_titles.get(code))
        rows.append(_summary_values("point", name, points[code].as_dict()))
    return rows


def timeline_rows(data: ReportData):
    series = data.figures.timeline(data.as_of, "month")
    for day, whole, priority, rest in zip(series["dates"], series["all"], series["priority"],
                                          series["non_priority"]):
        part = whole.as_dict()
        values = {"date": day, "provisions": part["provisions"], "score": part["score"],
                  "priority_score": priority.as_dict()["score"],
                  "non_priority_score": rest.as_dict()["score"]}
        for key in LEVEL_KEYS:
            share = part["shares"][key]
            values[f"share_{key}"] = None if share is None else share / 100
        yield values


def reference_citation(label: str) -> str:
    """The citation of reference set `label` ('' when it has none)."""
    from ..models import ReferenceSet

    return db.session.scalar(select(ReferenceSet.citation).where(ReferenceSet.label == label)) or ""


def comparison_rows(data: ReportData, references, label: str,
                    published: dict | None = None) -> tuple[dict, list[dict]]:
    """The comparison now against set `label` (or `published`: a cut-off's comparison as
    its snapshot stored it), and one sheet row per provision type."""
    result = published if published is not None else data.figures.comparison(
        None, references, data.as_of, alignment_rule(label)).as_dict()
    names = i18n.provision_type_names(
        dict(db.session.execute(select(ProvisionType.code, ProvisionType.name)).all()))
    rows = []
    for item in result["types"]:
        reference = item["reference"] or {}
        rows.append({"provision_type": item["provision_type"],
                     "type_name": names.get(item["provision_type"]),
                     "accord_level": item["accord_level"],
                     "stipulations": item["stipulations"], **reference,
                     "difference": item["difference"], "percentile": item["percentile"],
                     "above_mean": i18n.yes_no(item["above_mean"]) if item["reference"]
                     else None})
    return result, rows
