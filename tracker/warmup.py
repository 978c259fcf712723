"""Warm a server process before it takes requests, so the first visitor after a start does not
pay for what every process needs: matplotlib's fonts, every monitored accord's provisions and
level changes, the default reference set's data (the process caches of `tracker.figures`),
and the measures of the charts' texts (`charts.text_extents`), taken by drawing the default
charts of the most recently changed accord's dashboard for at most CHART_SECONDS (they land
in the shared chart store too, so its first visitor finds them drawn).

Run by `tracker/gunicorn_conf.py` in the master once the app is loaded, before the workers
are forked: they inherit the warm caches (copy-on-write), and the database connections the
warming opened are closed first so no worker shares one.
"""
from __future__ import annotations

import logging
import os
import time

from flask import Flask

log = logging.getLogger(__name__)

MAX_ACCORDS = 50  # the most recently changed monitored accords; others warm on first request
#: Seconds the warming may spend drawing charts (no chart is begun after them; 0: none),
#: TRACKER_WARM_CHART_SECONDS. Each wide chart costs 35-75 ms to draw, plus up to 70 ms of
#: text measuring the first time; readiness waits for it, so it is kept short.
CHART_SECONDS = float(os.environ.get("TRACKER_WARM_CHART_SECONDS", 3))


def warm_fonts() -> None:
    """Load matplotlib's font list and the glyphs of a small chart (about a second, once)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    FigureCanvasAgg(figure)
    figure.add_subplot().set_title("Implementación 0123456789")
    figure.savefig(io.BytesIO(), format="png")


def warm_figures(limit: int = MAX_ACCORDS) -> int:
    """Read the provisions and level changes of up to `limit` monitored accords (most recently
    revised first) and the default reference set into the process caches; returns how many
    accords. Needs an app context."""
    from sqlalchemy import select

    from .extensions import db
    from .figures import AccordFigures, default_reference_set
    from .models import Accord

    accords = list(db.session.scalars(select(Accord).where(Accord.kind != "reference")
                                      .order_by(Accord.revision.desc()).limit(limit)))
    label = default_reference_set()
    for accord in accords:
        figures = AccordFigures(accord)
        figures.records  # noqa: B018  (read into the process cache)
        if label:
            figures.references(label)
    return len(accords)


def latest_monitored_accord() -> int | None:
    """The id of the monitored accord revised last (None without one). Needs an app
    context."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Accord

    return db.session.scalar(select(Accord.id).where(Accord.kind != "reference")
                             .order_by(Accord.revision.desc(), Accord.id).limit(1))


def warm_charts(app: Flask, seconds: float = CHART_SECONDS) -> int:
    """Draw the default charts of the most recently revised monitored accord's dashboard
    (wide first, language by language, as the draw-ahead orders them), beginning none after
    `seconds`: every text they show is then measured once for every worker forked after.
    Returns how many charts were made or found in the shared store."""
    from .dashboard.drawahead import draw_defaults

    if seconds <= 0:
        return 0
    deadline = time.monotonic() + seconds
    with app.app_context():
        accord_id = latest_monitored_accord()
    return 0 if accord_id is None else draw_defaults(app, accord_id, deadline)


def warm(app: Flask) -> dict:
    """The code's fingerprint (keys of every shared chart and page), fonts, figures, then one
    dashboard's charts (bounded by CHART_SECONDS); never fails the start (a database not yet
    migrated is logged). Closes the connections it opened. Returns what was done, with the
    seconds it took."""
    from .extensions import db

    started = time.perf_counter()
    done = {"fonts": False, "accords": 0, "charts": 0}
    try:
        from .build import fingerprint

        fingerprint()
        warm_fonts()
        done["fonts"] = True
        with app.app_context():
            done["accords"] = warm_figures()
        done["charts"] = warm_charts(app)
    except Exception as exc:  # a start must not depend on warming
        log.warning("warming the caches failed: %s", exc)
    finally:
        with app.app_context():
            db.engine.dispose()
    done["seconds"] = round(time.perf_counter() - started, 3)
    return done
