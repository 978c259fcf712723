#!/usr/bin/env python
"""Times the events feed (`tracker.events.queries.find_events`, one page of 50 with its
links, places and sources, and the total) on a synthetic workload: 50,000 events of the demo
accord, 5,000 sources, 150,000 provision links, on Colombia's 1,122 municipal units.

Builds its database from scratch (migrations, seed, then the synthetic rows, inserted in
bulk; seeded random numbers: same rows every run; then ANALYZE, and on PostgreSQL VACUUM, as
autovacuum would after such a load), then times the feed cold (every process
cache emptied) with no filter and with each filter alone, and a page deep in the list.

Then times the dashboard's event figures (`dashboard.board.Board`: events per month, by
department, by PDET subregion, by municipality for the map, stalled provisions), each alone
and all together, cold, as of today, with the accord's provisions and level changes already
read (the dashboard reads those for its other figures; what is timed is what events add);
all together again as known a year ago (`known_at`: events verified by then; the generated
events are entered 1-30 days after their date and reviewed 0-30 days after that). Then a
provision's timeline as its page builds it (the provision with the most events).

Events hold texts in Spanish with an English translation, naming their municipality (the
search reads them). Targets (issue 14): each feed case under 150 ms median on SQLite and on
PostgreSQL; the dashboard's event figures together under 100 ms cold; a provision's timeline
under 50 ms. Figures printed, never asserted.

  .venv/bin/python bench/events.py                                   # SQLite in bench/out/
  .venv/bin/python bench/events.py --only feed --cases section,tag,priority,search
  .venv/bin/python bench/events.py \
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_events
  .venv/bin/python bench/events.py --reuse --only dashboard --only timeline  # no rebuild
"""
from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT))
from timing import HEADER, machine_line, measure  # noqa: E402

SLUG = "colombia-2016-demo"
EVENTS, SOURCES, LINKS = 50_000, 5_000, 150_000
EFFECTS = ("advances", "sets_back", "no_effect", "context")
#: Event texts (original Spanish, English translation), with a municipality's name: what
#: the feed's search reads.
TEXTS = (("Entrega de tierras en {place}", "Land handed over in {place}",
          "Se entregaron {n} hectáreas a familias campesinas de la vereda.",
          "{n} hectares were handed over to peasant families of the district."),
         ("Reunión de seguimiento en {place}", "Follow-up meeting in {place}",
          "La mesa técnica revisó {n} compromisos con la comunidad y la alcaldía.",
          "The technical table reviewed {n} commitments with the community and the mayor."),
         ("Instalación del consejo de participación en {place}",
          "Participation council set up in {place}",
          "Asistieron {n} delegados de organizaciones sociales y víctimas.",
          "{n} delegates of social organisations and victims attended."),
         ("Retraso en la sustitución de cultivos en {place}",
          "Delay in crop substitution in {place}",
          "{n} familias no recibieron el pago acordado en el plan de atención inmediata.",
          "{n} families did not receive the payment agreed in the immediate care plan."))
KINDS = ("official_document", "gazette", "news", "field_observation", "interview", "report")


def _reset(url: str) -> None:
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(url: str):
    """A migrated, seeded database with the synthetic events; returns the app."""
    from flask_migrate import upgrade

    from tracker import create_app, seed

    _reset(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        seed.run(events=False)  # the synthetic events below replace the demo's
        _events(random.Random(20161124))
    return app


def reuse(url: str):
    """The app on a database an earlier run built (migrated to the current head)."""
    from flask_migrate import upgrade

    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    return app


def _events(rng: random.Random) -> None:
    from sqlalchemy import insert, select

    from tracker.events.models import Event, EventProvision, EventSource, Source
    from tracker.extensions import db
    from tracker.models import Accord, Provision
    from tracker.places.models import Place

    accord = db.session.scalar(select(Accord).where(Accord.slug == SLUG))
    provisions = list(db.session.scalars(select(Provision.id).where(
        Provision.accord_id == accord.id)))
    places = db.session.execute(select(Place.id, Place.name).where(Place.code.like("_____"))
                                ).all()
    days = (date.today() - accord.signed_on).days
    now = datetime.now(timezone.utc)
    sources = [{"id": n, "accord_id": accord.id, "title": f"Source {n}", "kind": rng.choice(KINDS),
                "publisher": "Bench", "origin": "import", "submitted_at": now,
                "review_state": "verified", "published_on": accord.signed_on
                + timedelta(days=rng.randrange(days))} for n in range(1, SOURCES + 1)]
    db.session.execute(insert(Source), sources)
    events, links, cites = [], [], []
    for n in range(1, EVENTS + 1):
        on = accord.signed_on + timedelta(days=rng.randrange(days))
        # entered 1-30 days after it happened, reviewed 0-30 days later (never after now)
        entered = min(now, datetime.combine(on, datetime.min.time(), timezone.utc)
                      + timedelta(days=rng.randint(1, 30), minutes=rng.randrange(1440)))
        verified = rng.random() < .9
        place_id, place = rng.choice(places)
        title, title_en, text, text_en = rng.choice(TEXTS)
        count = rng.randrange(2, 400)
        events.append({"id": n, "accord_id": accord.id, "occurred_on": on,
                       "title": title.format(place=place.title()),
                       "title_translated": title_en.format(place=place.title()),
                       "description": text.format(n=count),
                       "description_translated": text_en.format(n=count), "actors": "",
                       "place_id": place_id, "origin": "import",
                       "submitted_at": entered,
                       "reviewed_at": min(now, entered + timedelta(days=rng.randint(0, 30)))
                       if verified else None,
                       "review_state": "verified" if verified else "pending"})
        for provision in rng.sample(provisions, 3):
            links.append({"event_id": n, "provision_id": provision, "accord_id": accord.id,
                          "occurred_on": on, "effect": rng.choice(EFFECTS)})
        cites.append({"event_id": n, "source_id": rng.randrange(1, SOURCES + 1)})
    for rows, model in ((events, Event), (links, EventProvision), (cites, EventSource)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])
    db.session.commit()
    assert len(links) == LINKS
    if db.engine.dialect.name == "postgresql":  # statistics and the visibility map (for
        with db.engine.connect() as connection:  # index-only scans), as autovacuum would
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                db.text("VACUUM (ANALYZE)"))
    else:
        db.session.execute(db.text("ANALYZE"))  # statistics, as autovacuum would gather them
        db.session.commit()


def cases(accord) -> list[tuple[str, dict, int]]:
    """(name, EventFilter arguments, page) for each case timed."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Provision
    from tracker.domain.metrics import Filters
    from tracker.places.lookup import places_by_code
    from tracker.places.models import PlaceGroup

    code = {p: places_by_code(accord, [p])[p].id for p in ("CO", "19", "19050")}
    group = db.session.scalar(select(PlaceGroup.id).where(PlaceGroup.name == "CATATUMBO"))
    provision = db.session.scalar(select(Provision.id).where(Provision.accord_id == accord.id)
                                  .order_by(Provision.id).limit(1))
    year = date.today().year - 1
    return [("no filter", {}, 1), ("no filter, page 500", {}, 500),
            ("dates: one year", {"since": date(year, 1, 1), "until": date(year, 12, 31)}, 1),
            ("place: Colombia (every place)", {"place_id": code["CO"]}, 1),
            ("place: a department (Cauca)", {"place_id": code["19"]}, 1),
            ("place: a municipality", {"place_id": code["19050"]}, 1),
            ("group: a PDET subregion", {"group_id": group}, 1),
            ("provision", {"provision_id": provision}, 1),
            ("effect: sets back", {"effect": "sets_back"}, 1),
            ("source kind: gazette", {"source_kind": "gazette"}, 1),
            ("review state: all", {"states": ("verified", "pending", "rejected")}, 1),
            ("section: a point (1)", {"provisions": Filters(section="1")}, 1),
            ("section: a subtheme (1.3.1)", {"provisions": Filters(section="1.3.1")}, 1),
            ("tag: gender", {"provisions": Filters(tag="gender")}, 1),
            ("priority: true", {"provisions": Filters(priority=True)}, 1),
            ("priority + effect: sets back", {"provisions": Filters(priority=True),
                                              "effect": "sets_back"}, 1),
            ("search: a common word (tierras)", {"text": "tierras"}, 1),
            ("search: a place, no accent (tibu)", {"text": "tibu"}, 1),
            ("search: English (meeting)", {"text": "meeting"}, 1),
            ("search: a word in no event", {"text": "zzyzx"}, 1),
            ("search: a place name part (santa)", {"text": "santa"}, 1),
            ("search: a phrase, page 20", {"text": "reunion de seguimiento"}, 20),
            ("search: two letters (de)", {"text": "de"}, 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{OUT_DIR / 'events.db'}")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true",
                        help="time the database built by an earlier run (same code) as it is")
    parser.add_argument("--only", choices=("feed", "dashboard", "timeline"), action="append",
                        help="time only these parts (repeatable; default: all)")
    parser.add_argument("--cases", default="", help="comma-separated starts of feed case "
                        "names (e.g. search,section; default: every case)")
    args = parser.parse_args()
    OUT_DIR.mkdir(exist_ok=True)
    from sqlalchemy import select

    from tracker.events.queries import EventFilter, find_events
    from tracker.extensions import db
    from tracker.models import Accord

    app = reuse(args.database_url) if args.reuse else build(args.database_url)
    parts = set(args.only or ("feed", "dashboard", "timeline"))
    print(f"events feed, {EVENTS:,} events, {SOURCES:,} sources, {LINKS:,} links; "
          f"{args.database_url.split(':')[0]}; cold, {args.repeat} runs")
    print(machine_line())
    with app.app_context():
        accord = db.session.scalar(select(Accord).where(Accord.slug == SLUG))
        if "feed" in parts:
            wanted = tuple(w.strip() for w in args.cases.split(",") if w.strip())
            print(f"  {'case':<34} {'total':>7} {HEADER}")
            for name, values, page in cases(accord):
                if wanted and not name.startswith(wanted):
                    continue
                chosen = EventFilter(**values)
                runs, found = measure(lambda: find_events(accord, chosen, page, 50),
                                      args.repeat, "cold", app)
                print(f"  {name:<34} {found.total:>7} {runs.row()}")
        if "dashboard" in parts:
            dashboard_figures(app, accord, args.repeat)
        if "timeline" in parts:
            provision_timeline(app, accord, args.repeat)


#: The Board's event figures, in the order the dashboard shows them.
FIGURES = ("events_monthly", "events_departments", "events_subregions", "events_places",
           "stalled")


def moments(accord) -> list[tuple[str, datetime | None]]:
    """(name, known_at) of the moments the dashboard's event figures are timed as known
    at: now (None), and a year ago (about a tenth of the events verified since)."""
    return [("as known now", None),
            ("known_at a year ago", datetime.now(timezone.utc) - timedelta(days=365))]


def dashboard_figures(app, accord, repeat: int) -> None:
    """Time each event figure of a dashboard as of today, and all of them, cold; then all
    of them as known a year ago."""
    from tracker.dashboard.board import Board, DashboardFigures, Selection

    print(f"dashboard event figures, as of {date.today().isoformat()}; cold, {repeat} runs")
    print(f"  {'figure':<34} {'rows':>7} {HEADER}")
    state = {}

    def ready(known_at):  # the provisions and level changes the rest of the dashboard
        figures = DashboardFigures(accord, known_at=known_at)  # reads anyway (not timed)
        figures.provisions, figures.records  # noqa: B018
        state["board"] = Board(accord, figures, Selection(date.today(), known_at=known_at))

    def compute(names):
        board = state["board"]
        return [getattr(board, name) for name in names]

    cases = [(name, (name,), None) for name in FIGURES]
    cases += [(f"all together, {label}", FIGURES, moment) for label, moment in moments(accord)]
    for name, names, moment in cases:
        runs, found = measure(lambda: compute(names), repeat, "cold", app,
                              before=lambda: ready(moment))
        size = sum(len(v["rows"]) if isinstance(v, dict) else len(v) for v in found)
        print(f"  {name:<34} {size:>7} {runs.row()}")


def provision_timeline(app, accord, repeat: int) -> None:
    """Time a provision's timeline as its page builds it (`provisions.routes._timeline`:
    its history, its events with places and sources, the events each record cites), for the
    provision with the most events, as the public sees it and as its coordinators do."""
    from sqlalchemy import func, select

    from tracker import services
    from tracker.events.models import EventProvision
    from tracker.extensions import db
    from tracker.models import Provision
    from tracker.provisions.routes import _timeline

    busiest = db.session.execute(
        select(EventProvision.provision_id, func.count()).where(
            EventProvision.accord_id == accord.id)
        .group_by(EventProvision.provision_id).order_by(func.count().desc()).limit(1)).one()
    print(f"provision timeline, the provision with the most links ({busiest[1]}); cold, "
          f"{repeat} runs")
    print(f"  {'view':<34} {'entries':>7} {HEADER}")
    for name, internal in (("public (verified)", False), ("coordinators (and pending)", True)):
        def build():
            provision = db.session.get(Provision, busiest[0])
            records = services.history(provision)
            if not internal:
                records = [r for r in records if r.review_state == "verified"]
            return _timeline(provision, records, internal)

        runs, found = measure(build, repeat, "cold", app)
        print(f"  {name:<34} {len(found):>7} {runs.row()}")


if __name__ == "__main__":
    main()
