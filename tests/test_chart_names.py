"""Place names on the events map: a name sits nearer to its own dot than to any other (else
a line leads to its dot), covers no dot, and is left out when it cannot (the review saw
"Manaure Balcón del Cesar (4)" under the Providencia dot, eight degrees away, no line)."""
from __future__ import annotations

import math

import pytest

from tracker import charts
from tracker.charts import events as chart_events
from tracker.charts.events import name_spot

FRAME = {"title": "Eventos por municipio", "source": "Fuente: prueba", "x": "Longitud",
         "y": "Latitud", "legend": "Eventos (área del punto)", "decimal": ",",
         "outline": "Municipios sin eventos"}


@pytest.mark.parametrize("box, dots, expected", [
    ((10, 0, 40, 8), [], False),  # alone: beside its dot, no line
    ((10, 0, 40, 8), [(100, 0, 5)], False),  # another dot far off
    ((10, 0, 40, 8), [(46, 4, 3)], True),  # 3 px from the other's edge, 8 from its own
    ((10, 0, 40, 8), [(60, 4, 18)], True),  # a big dot's edge is 2 px away: nearer
    ((10, 0, 40, 8), [(30, 4, 2)], None),  # covers another dot
    ((10, 0, 40, 8), [(25, -3, 4)], None),  # touches another dot's marker
    ((1, 0, 40, 8), [], None),  # covers its own dot
])
def test_a_name_is_nearer_its_own_dot_and_covers_none(box, dots, expected):
    own = (0.0, 4.0, 2.0)
    assert name_spot(box, own, dots) is expected
    assert name_spot(box, own, [own] + dots) is expected  # its own dot among them


def _edge(box, dot) -> float:
    """Distance from a dot's edge to a box (negative: the box covers part of the dot)."""
    dx = max(box[0] - dot[0], 0, dot[0] - box[2])
    dy = max(box[1] - dot[1], 0, dot[1] - box[3])
    return math.hypot(dx, dy) - dot[2]


def _crowd() -> list[dict]:
    """A dense north like the demo's, a lone island dot to the north-west (Providencia),
    the place with most events in the middle of the crowd."""
    points = [{"name": "Manaure Balcón del Cesar", "longitude": -73.0, "latitude": 10.4,
               "events": 4},
              {"name": "Providencia", "longitude": -81.4, "latitude": 13.4, "events": 1}]
    points += [{"name": f"Municipio {i}-{j}", "longitude": -77.0 + i * 0.45,
                "latitude": 2.0 + j * 0.5, "events": 1 + (i + j) % 3}
               for i in range(18) for j in range(18) if (i, j) != (9, 17)]
    return sorted(points, key=lambda p: -p["events"])


@pytest.mark.parametrize("size", ["narrow", "wide"])
def test_shown_names_cover_no_dot_and_lead_to_their_own(monkeypatch, size):
    """Each name shown, its box rebuilt from where it was put (offset in points from its
    dot, size from the kept text extents), checked against every dot in pixels."""
    shown = []
    original = chart_events._place_names

    def spy(ax, notes, middle, dots):
        boxes = original(ax, notes, middle, dots)
        scale = ax.get_figure().dpi / 72
        marks = [(*ax.transData.transform((d[0], d[1])), d[2] * scale) for d in dots]
        for note in notes:
            if note.get_visible():
                x, y = ax.transData.transform(note.xy)
                dx, dy = note.xyann
                w, h = chart_events._text_size(note.get_text(), note.get_fontproperties())
                box = (x + dx * scale, y + dy * scale, x + (dx + w) * scale,
                       y + (dy + h) * scale)
                own = (x, y, note.radius * scale)
                shown.append((note.get_text(), box, note.arrow_patch.get_visible(), own,
                              marks))
        return boxes

    monkeypatch.setattr(chart_events, "_place_names", spy)
    outline = [(-81.7, -4.2), (-66.9, 13.4)]
    charts.events_map(_crowd(), FRAME, "svg", size, outline=outline)
    assert shown, "no name shown at all"
    for text, box, line, own, marks in shown:
        assert all(_edge(box, m) >= 0 for m in marks), text  # covers no dot
        nearest = min(_edge(box, m) for m in marks if not _same(m, own))
        assert line or _edge(box, own) <= nearest, text


def _same(a, b) -> bool:
    return all(abs(u - v) < 1e-6 for u, v in zip(a, b))
