"""The seed: counts, idempotence, and the published figures it must reproduce."""
import csv
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from tracker import seed
from tracker.domain.metrics import Filters
from tracker.domain.scale import LEVEL_KEYS, round_half_up
from tracker.extensions import db
from tracker.figures import AccordFigures
from tracker.models import Accord, PriorityChange, Provision, ProvisionTag, ProvisionType, Section


def _published(name):
    with (seed.SEED_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_counts(demo):
    assert _count(ProvisionType) == 51
    assert _count(ProvisionType, ProvisionType.verified.is_(False)) == 0
    assert _count(ProvisionType, ProvisionType.pam_stem.is_not(None)) == 51
    assert _count(Accord, Accord.kind == "reference", Accord.reference_set == "PAM_ID v1.5") == 34
    assert _count(Accord, Accord.kind == "reference", Accord.illustrative.is_(True)) == 0
    assert _count(Provision, Provision.accord_id == demo.id) == 578
    points = _count(Section, Section.accord_id == demo.id, Section.parent_id.is_(None))
    assert points == 6
    tagged = select(func.count()).select_from(ProvisionTag).join(Provision).where(
        Provision.accord_id == demo.id)
    assert db.session.scalar(tagged.where(ProvisionTag.tag == "gender")) == 130
    assert db.session.scalar(tagged.where(ProvisionTag.tag == "ethnic")) == 80
    priority = _count(Provision, Provision.accord_id == demo.id, Provision.priority.is_(True))
    assert 0 < priority < 578
    flags = select(func.count()).select_from(PriorityChange).join(Provision).where(
        Provision.accord_id == demo.id)
    assert db.session.scalar(flags) == priority
    typed = _count(Provision, Provision.accord_id == demo.id,
                   Provision.provision_type_id.is_not(None))
    assert 0 < typed <= 578
    assert demo.illustrative and demo.signed_on == date(2016, 11, 24)
    assert demo.target_date == date(2031, 11, 24)


def test_seed_twice_changes_nothing(app, row_counts):
    before = row_counts()
    lines = seed.run(events=False)
    assert row_counts() == before
    assert "created 0 status records" in lines[-1]


def test_demo_events_match_every_level_change_and_load_once(demo, row_counts):
    """Each verified level change of the demo has a verified event linked to its provision,
    advancing a rise or setting back a fall, dated on the change or up to 30 days before;
    the events are on municipalities, labelled illustrative; a second load adds nothing."""
    from tracker.events.models import Event, EventProvision

    assert seed.load_demo_events(seed.SEED_DIR).startswith("created 454 event(s)")
    events = db.session.scalars(select(Event).where(Event.accord_id == demo.id)).all()
    assert len(events) == 454
    assert all(e.review_state == "verified" and e.title.startswith("Illustrative")
               and e.place.kind == "municipality" for e in events)
    links: dict[tuple[int, str], list[date]] = {}
    for provision_id, effect, day in db.session.execute(
            select(EventProvision.provision_id, EventProvision.effect,
                   EventProvision.occurred_on).where(EventProvision.accord_id == demo.id)):
        links.setdefault((provision_id, effect), []).append(day)
    previous: dict[int, int] = {}
    changes = 0
    for record in AccordFigures(demo).records:
        before = previous.get(record.provision_id, 0)
        if record.level != before:
            changes += 1
            effect = "advances" if record.level > before else "sets_back"
            days = links.get((record.provision_id, effect), [])
            assert any(0 <= (record.effective_on - d).days <= 30 for d in days), record
        previous[record.provision_id] = record.level
    assert changes == 990
    before = row_counts()
    assert "created 0 event(s)" in seed.load_demo_events(seed.SEED_DIR)
    assert row_counts() == before


def test_demo_sources_actors_and_publishers_are_spanish_marked_and_illustrative(demo):
    """On Spanish pages the demo's sources showed "Illustrative source for event N" by an
    "Illustrative publisher", in English and unmarked: they are Spanish now, each source's
    language kept ("es", so an English page marks it), still saying they are illustrative.
    Place names in the events' titles are as stored ("Valle del Cauca", not "Del")."""
    from tracker.events.models import Event, EventSource, Source

    seed.load_demo_events(seed.SEED_DIR)
    sources = db.session.scalars(
        select(Source).where(Source.id.in_(select(EventSource.source_id).join(Event).where(
            Event.accord_id == demo.id)))).all()
    assert len(sources) == 454
    assert all(s.language == "es" and s.title.startswith("Fuente ilustrativa del evento ")
               and s.publisher == "Editorial ilustrativa" for s in sources)
    events = db.session.scalars(select(Event).where(Event.accord_id == demo.id)).all()
    assert {e.actors for e in events} == {"Actor ilustrativo"}
    titles = " ".join(e.title + " " + (e.title_translated or "") for e in events)
    assert " Del " not in titles and " De " not in titles and "(Valle del Cauca)" in titles


def test_reseeding_after_place_names_were_recased_adds_no_event(demo, row_counts,
                                                                 tmp_path):
    """A database seeded when the demo's titles read "(Valle Del Cauca)": seeding again
    finds its events (title case aside) and their citations, and adds nothing."""
    old = tmp_path / "colombia_demo"
    old.mkdir()
    real = seed.SEED_DIR / "colombia_demo"
    (old / "accord.json").write_bytes((real / "accord.json").read_bytes())
    text = (real / "events.csv").read_text(encoding="utf-8")
    assert "(Valle del Cauca)" in text
    (old / "events.csv").write_text(text.replace("Valle del Cauca", "Valle Del Cauca"),
                                    encoding="utf-8")
    assert seed.load_demo_events(tmp_path).startswith("created 454 event(s)")
    before = row_counts()
    assert "created 0 event(s)" in seed.load_demo_events(seed.SEED_DIR)
    assert row_counts() == before
    assert seed.load_demo_citations(seed.SEED_DIR).startswith("990 status record(s)")


def test_the_imported_priority_reason_is_shown_in_the_readers_language(client, demo):
    from tracker.i18n import IMPORTED_PRIORITY_REASON

    flagged = db.session.scalars(select(PriorityChange).join(Provision)
                                 .where(Provision.accord_id == demo.id)).first()
    assert flagged.reason == IMPORTED_PRIORITY_REASON  # stored as the application wrote it
    code = flagged.provision.code
    page = client.get(f"/accords/{demo.slug}/provisions/{code}",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Marca de prioridad inicial de la estructura importada" in page
    assert IMPORTED_PRIORITY_REASON not in page


def test_each_level_change_of_the_demo_cites_the_event_that_shows_it(demo, row_counts):
    """After the seed's events, every level-change status record of the demo cites exactly
    one verified event linked to its provision, advancing a rise or setting back a fall,
    dated on the change or up to 30 days before; records that change nothing cite none;
    a second load adds nothing."""
    from tracker.events.citations import cited_by_records
    from tracker.events.models import Event, EventProvision

    seed.load_demo_events(seed.SEED_DIR)
    assert seed.load_demo_citations(seed.SEED_DIR) == \
        "990 status record(s) now cite their event"
    records = AccordFigures(demo).records
    cited = cited_by_records([r.id for r in records])
    links = {(e, p): (effect, day) for e, p, effect, day in db.session.execute(
        select(EventProvision.event_id, EventProvision.provision_id, EventProvision.effect,
               Event.occurred_on).join(Event).where(Event.review_state == "verified"))}
    previous: dict[int, int] = {}
    for record in records:
        before = previous.get(record.provision_id, 0)
        previous[record.provision_id] = record.level
        if record.level == before:
            assert record.id not in cited, record
            continue
        (event_id,) = cited[record.id]
        effect, day = links[(event_id, record.provision_id)]
        assert effect == ("advances" if record.level > before else "sets_back")
        assert 0 <= (record.effective_on - day).days <= 30
    assert sum(len(ids) for ids in cited.values()) == 990
    counts = row_counts()
    assert seed.load_demo_citations(seed.SEED_DIR) == "0 status record(s) now cite their event"
    assert row_counts() == counts


def test_reference_accords_are_pam_id_not_illustrative():
    taif = db.session.scalar(select(Accord).where(Accord.name == "Taif Accord"))
    assert taif.external_ids == {"pam_caseid": 25, "cowcode": 660}
    assert taif.signed_on == date(1989, 10, 22) and taif.horizon_years == 10
    assert "PAM_ID 1.5" in taif.description
    assert db.session.scalar(select(Accord).where(Accord.name == "Bicesse Accords")) is None


@pytest.mark.parametrize("row", _published("colombia_published_status.csv"),
                         ids=lambda r: r["cut_off"])
def test_demo_reproduces_published_kroc_shares(demo, row):
    summary = AccordFigures(demo).summary(date.fromisoformat(row["cut_off"]))
    assert summary["provisions"] == 578
    for key in LEVEL_KEYS:
        published = row[f"{key}_pct"]
        if published:
            share = Fraction(summary["counts"][key], 578) * 100
            assert round_half_up(share, 0) == int(published), key


def test_demo_reproduces_published_counts_of_february_2019(demo):
    counts = AccordFigures(demo).summary(date(2019, 2, 28))["counts"]
    assert counts == {"complete": 133, "intermediate": 69, "minimal": 194, "not_initiated": 182}


@pytest.mark.parametrize("row", [r for r in _published("colombia_points.csv")
                                 if r["feb2019_complete_pct"]], ids=lambda r: r["point"])
def test_demo_reproduces_point_shares_of_february_2019(demo, row):
    summary = AccordFigures(demo).summary(date(2019, 2, 28), Filters(section=row["point"]))
    for key in LEVEL_KEYS:
        share = Fraction(summary["counts"][key], summary["provisions"]) * 100
        assert round_half_up(share, 0) == int(row[f"feb2019_{key}_pct"]), key


def test_the_demos_points_carry_the_accords_real_spanish_titles(demo):
    """The six points' Spanish titles are the Final Accord's own (colombia_points.csv,
    name_es); the themes below them are English stand-ins with no Spanish title."""
    points = db.session.scalars(select(Section).where(
        Section.accord_id == demo.id, Section.parent_id.is_(None)).order_by(Section.code))
    assert {p.code: p.title_translated for p in points} == {
        "1": "Hacia un Nuevo Campo Colombiano: Reforma Rural Integral",
        "2": "Participación política: Apertura democrática para construir la paz",
        "3": "Fin del Conflicto",
        "4": "Solución al Problema de las Drogas Ilícitas",
        "5": "Acuerdo sobre las Víctimas del Conflicto",
        "6": "Implementación, verificación y refrendación"}
    assert _count(Section, Section.accord_id == demo.id, Section.parent_id.is_not(None),
                  Section.title_translated.is_not(None)) == 0
