"""The events feed as files: every event matching the feed's filters as CSV (keys as
headers, stored words, text no spreadsheet evaluates) or as a workbook (headers and
vocabulary in the reader's language), built through `tracker.excel`. Each function returns
bytes; the view (`events.downloads`) checks access and sends them."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..models import Accord
from .queries import EventFilter, every_event


def event_row(event: dict) -> dict:
    """One event (as `queries.event_json` gives it) as a row of `columns.EVENTS`."""
    place = event["place"] or {}
    parent = place.get("parent") or {}
    sources = event["sources"]
    row = {"event_id": event["id"], "date": event["date"], "end_date": event["end_date"],
           "title": event["title"], "description": event["description"],
           "language": event["language"], "place_code": place.get("code"),
           "place": place.get("name"), "place_parent": parent.get("name"),
           "actors": event["actors"],
           "provisions": "; ".join(f"{p['code']}:{p['effect']}" for p in event["provisions"]),
           "source_ids": "; ".join(str(s["id"]) for s in sources),
           "source_titles": "; ".join(s["title"] for s in sources),
           "source_urls": "; ".join(s["url"] for s in sources if s["url"]),
           "review_state": event["review_state"]}
    for name in ("title", "description"):
        for language in ("en", "es"):
            row[f"{name}_{language}"] = event.get(f"{name}_{language}") or None
    return row


def event_rows(accord: Accord, chosen: EventFilter, internal: bool) -> Iterator[dict]:
    """Rows of `columns.EVENTS` for every event matching `chosen`, newest first; dates as
    `datetime.date`. `internal`: every cited source (else verified sources only)."""
    from datetime import date

    for event in every_event(accord, chosen, internal):
        row = event_row(event)
        row["date"] = date.fromisoformat(row["date"])
        if row["end_date"]:
            row["end_date"] = date.fromisoformat(row["end_date"])
        yield row


def readable_events(rows: Iterable[dict]) -> Iterator[dict]:
    """Event rows with the effects and review state in the reader's language (workbooks),
    the title and description too where held, else followed by "[EN]" / "[ES]" as pages
    show them (`i18n.shown_texts`, each event's texts by the language they are written in,
    its `language`); CSV files keep the stored words."""
    from ..i18n import marked_text, shown_texts, stored_word
    from ..i18n.vocabulary import EFFECT_LABELS

    for row in rows:
        links = [part.rsplit(":", 1) for part in row["provisions"].split("; ") if part]
        texts = {name: marked_text(shown_texts({"en": row[f"{name}_en"],
                                                "es": row[f"{name}_es"]}, row["language"]))
                 for name in ("title", "description")}
        yield {**row, **texts, "review_state": stored_word(row["review_state"]),
               "provisions": "; ".join(f"{code}:{EFFECT_LABELS.get(effect, effect)}"
                                       for code, effect in links)}


def events_csv(accord: Accord, chosen: EventFilter, internal: bool) -> bytes:
    """Every matching event as CSV (UTF-8 with BOM; `columns.EVENTS` keys as headers)."""
    from ..excel import columns as C
    from ..excel import csv_bytes

    return csv_bytes(C.EVENTS, event_rows(accord, chosen, internal))


def events_xlsx(accord: Accord, chosen: EventFilter, internal: bool,
                filters_text: str = "") -> bytes:
    """Every matching event as a workbook: an Events sheet (headers and vocabulary in the
    reader's language) and an About sheet naming the accord, the filters (`filters_text`,
    the feed's query string as given) and whether its data is illustrative."""
    from flask_babel import gettext

    from ..excel import Book
    from ..excel import columns as C
    from ..excel.sheets import fill
    from ..i18n import local

    book = Book(translate=gettext)
    about = book.sheet(C.ABOUT_SHEET, C.ABOUT)
    about.append((gettext("Accord"), local(accord, "name")))
    about.append((gettext("Filters"), filters_text or gettext("none")))
    if accord.illustrative:
        about.append((gettext("ILLUSTRATIVE DATA"), gettext(
            "This accord's data, its events and sources included, is an illustrative "
            "stand-in, not real monitoring.")))
    about.finish()
    fill(book.sheet(C.EVENTS_SHEET, C.EVENTS, freeze="C2"),
          readable_events(event_rows(accord, chosen, internal)))
    return book.save()


def source_rows(accord: Accord, as_of, internal: bool) -> list[dict]:
    """Rows of `columns.SOURCES`: the sources cited by the accord's events dated up to
    `as_of`, with how many of those events cite each, oldest source first. `internal`:
    events in every review state and every source with its review state; else verified
    events and verified sources only."""
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import Attachment, Event, EventSource, Source

    states = ("verified", "pending", "rejected") if internal else ("verified",)
    cited = dict(db.session.execute(
        select(EventSource.source_id, func.count()).join(Event, Event.id == EventSource.event_id)
        .where(Event.accord_id == accord.id, Event.occurred_on <= as_of,
               Event.review_state.in_(states))
        .group_by(EventSource.source_id)).all())
    if not cited:
        return []
    query = (select(Source, Attachment.media_type)
             .outerjoin(Attachment, Attachment.sha256 == Source.attachment_sha256)
             .where(Source.id.in_(list(cited))).order_by(Source.id))
    if not internal:
        query = query.where(Source.review_state == "verified")
    return [{"source_id": s.id, "title": s.title, "kind": s.kind, "publisher": s.publisher,
             "published_on": s.published_on, "url": s.url, "language": s.language,
             "shared": "yes" if s.accord_id is None else "no",
             "attachment_name": s.attachment_name, "attachment_type": media_type,
             "attachment_sha256": s.attachment_sha256, "events": cited[s.id],
             "review_state": s.review_state}
            for s, media_type in db.session.execute(query)]


def readable_sources(rows: Iterable[dict]) -> Iterator[dict]:
    """Source rows with kind, shared and review state in the reader's language, the title
    marked "[EN]" / "[ES]" when the source is in the other language (`i18n.source_shown`)."""
    from ..i18n import marked_text, source_shown, stored_word, yes_no
    from ..i18n.vocabulary import SOURCE_KIND_LABELS

    for row in rows:
        yield {**row, "title": marked_text(source_shown(row["title"], row["language"])),
               "kind": str(SOURCE_KIND_LABELS.get(row["kind"], row["kind"])),
               "shared": yes_no(row["shared"] == "yes"),
               "review_state": stored_word(row["review_state"])}


def add_sheets(book, accord: Accord, as_of, internal: bool) -> None:
    """The report workbook's Events and Sources sheets (`book`: a `tracker.excel.Book`):
    events dated up to `as_of` and the sources they cite, verified only unless
    `internal` (as the History sheet treats records awaiting review)."""
    from ..excel import columns as C
    from ..excel.sheets import fill

    states = ("verified", "pending", "rejected") if internal else ("verified",)
    chosen = EventFilter(until=as_of, states=states)
    fill(book.sheet(C.EVENTS_SHEET, C.EVENTS, freeze="C2"),
          readable_events(event_rows(accord, chosen, internal)))
    fill(book.sheet(C.SOURCES_SHEET, C.SOURCES, freeze="C2"),
          readable_sources(source_rows(accord, as_of, internal)))
