"""Warm a server process before it takes requests, so the first visitor after a start does not
pay for what every process needs: matplotlib's fonts, every monitored accord's provisions and
level changes, the default reference set's data (the process caches of `tracker.figures`).

Run by `tracker/gunicorn_conf.py` in the master once the app is loaded, before the workers
are forked: they inherit the warm caches (copy-on-write), and the database connections the
warming opened are closed first so no worker shares one.
"""
from __future__ import annotations

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

MAX_ACCORDS = 50  # the most recently changed monitored accords; others warm on first request


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


def warm(app: Flask) -> dict:
    """The code's fingerprint (keys of every shared chart and page), fonts, then figures; never
    fails the start (a database not yet migrated is logged).
    Closes the connections it opened. Returns what was done, with the seconds it took."""
    from .extensions import db

    started = time.perf_counter()
    done = {"fonts": False, "accords": 0}
    try:
        from .build import fingerprint

        fingerprint()
        warm_fonts()
        done["fonts"] = True
        with app.app_context():
            done["accords"] = warm_figures()
    except Exception as exc:  # a start must not depend on warming
        log.warning("warming the caches failed: %s", exc)
    finally:
        with app.app_context():
            db.engine.dispose()
    done["seconds"] = round(time.perf_counter() - started, 3)
    return done
