"""The rules of an event and its sources (pure: plain values in, reasons out)."""
from __future__ import annotations

from datetime import date

from tracker.domain.events import EventFacts, SourceFacts, event_problems, source_problems

SIGNED, TODAY = date(2016, 11, 24), date(2024, 6, 30)


def _facts(**values) -> EventFacts:
    base = dict(occurred_on=date(2020, 1, 1), ended_on=None, title="Entrega", signed_on=SIGNED,
                today=TODAY, provisions=(("1.1", "advances", True),), place=("19050", True),
                cited=(("#1 Informe", "verified"),))
    base.update(values)
    return EventFacts(**base)


def test_an_acceptable_event_has_no_problem():
    assert event_problems(_facts()) == {}
    assert event_problems(_facts(place=None, ended_on=date(2020, 1, 1))) == {}


def test_dates_bound_by_signing_today_and_each_other():
    assert set(event_problems(_facts(occurred_on=None))) == {"occurred_on"}
    assert str(event_problems(_facts(occurred_on=date(2016, 11, 23)))["occurred_on"]) == \
        "the date is before the accord was signed"
    assert event_problems(_facts(occurred_on=TODAY)) == {}
    assert str(event_problems(_facts(occurred_on=date(2024, 7, 1)))["occurred_on"]) == \
        "the date is in the future"
    assert str(event_problems(_facts(ended_on=date(2019, 12, 31)))["ended_on"]) == \
        "the end date is before the date"
    assert str(event_problems(_facts(ended_on=date(2024, 7, 1)))["ended_on"]) == \
        "the end date is in the future"


def test_provisions_must_be_of_the_accord_once_each_with_a_known_effect():
    found = event_problems(_facts(provisions=(("1.1", "advances", True),
                                              ("1.1", "context", False))))
    assert str(found["provisions"]) == "not a provision of this accord: 1.1"
    found = event_problems(_facts(provisions=(("1.1", "advances", True),
                                              ("1.1", "context", True))))
    assert str(found["provisions"]) == "named more than once: 1.1"
    found = event_problems(_facts(provisions=(("1.1", "helps", True),)))
    assert str(found["effect"]).startswith("unknown effect 'helps'")
    assert set(event_problems(_facts(provisions=()))) == {"provisions"}


def test_place_and_sources():
    assert str(event_problems(_facts(place=("99", False)))["place"]) == \
        "99 is not a known place code"
    found = event_problems(_facts(cited=(("#1 A", "verified"), ("#2 B", "rejected"))))
    assert str(found["sources"]) == "cites a rejected source: #2 B"
    assert set(event_problems(_facts(cited=()))) == {"sources"}
    new = SourceFacts("Acta", "field_observation")
    assert event_problems(_facts(cited=(), new_sources=(new,))) == {}


def test_new_source_rules():
    assert source_problems(SourceFacts("Acta", "news", url="https://x.org/a"), TODAY) == {}
    found = source_problems(SourceFacts(" ", "tweet", published_on=date(2025, 1, 1),
                                        url="javascript:alert(1)", language="x" * 11), TODAY)
    assert set(found) == {"title", "kind", "published_on", "url", "language"}
    found = event_problems(_facts(new_sources=(SourceFacts("", "news"),)))
    assert set(found) == {"source_1.title"}


def test_effects_and_source_kinds_are_named_by_their_names_never_their_codes(app):
    from flask_babel import force_locale

    from tracker.i18n import translate

    effect = event_problems(_facts(provisions=(("1.1", "helps", True),)))["effect"]
    assert str(effect) == ("unknown effect 'helps': use one of advances, sets back, "
                           "no effect on the level, context")
    kind = source_problems(SourceFacts("Acta", "tweet"), TODAY)["kind"]
    assert str(kind).endswith("use one of official document, gazette, news, "
                              "field observation, interview, report")
    with app.test_request_context(), force_locale("es"):
        shown = translate(effect) + translate(kind)
    assert "avanza, retrocede, sin efecto en el nivel, contexto" in shown
    assert "documento oficial, diario oficial, noticia, observación de campo" in shown
    assert "sets_back" not in shown and "official_document" not in shown
