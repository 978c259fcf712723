"""The dashboard, its charts and the reference pages: tables equal to the JSON API, ETags and
304s, the illustrative note, bad parameters (400/404, never 500) and the page language."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tracker import charts, services
from tracker.domain.rules import Submission
from tracker.domain.scale import LEVEL_KEYS, round_half_up
from tracker.extensions import db
from tracker.models import Accord, Provision, StatusRecord

SLUG = "colombia-2016-demo"
PAGE = f"/accords/{SLUG}/dashboard"
API = f"/api/v1/accords/{SLUG}"
CHART = f"/accords/{SLUG}/charts"
AS_OF = "2019-02-28"
CHART_NAMES = ("priority", "status", "groups", "tags", "comparison", "curve", "pace", "events",
               "events_map")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rolled-back rows let SQLite reuse record ids, so a later test could meet the same data
    version with other data: start each test with the dashboard's caches empty."""
    from tracker.dashboard import routes

    routes.clear_caches()
    yield
    routes.clear_caches()


class _Tables(HTMLParser):
    """Every table with an id: its rows as (data-key, [cell texts])."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[tuple[str | None, list[str]]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = (attrs.get("data-key"), [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: bytes) -> dict[str, list[tuple[str | None, list[str]]]]:
    parser = _Tables()
    parser.feed(html.decode())
    return parser.tables


def keyed(html: bytes, table: str) -> dict[str, list[str]]:
    return {key: cells for key, cells in tables(html)[table] if key is not None}


def num(text: str):
    """A table cell as the API's number (None for "—"); a change's minus sign (U+2212)
    read as "-"."""
    text = text.replace("▲", "").replace("\u2212", "-").strip()
    return None if text == "—" else float(text)


def shown(iso: str | None) -> str | None:
    """An API date as the English page writes it (Babel's medium format: Aug 31, 2071)."""
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso), "medium", locale="en") if iso else iso


def page(client, query: str = f"as_of={AS_OF}", **headers):
    response = client.get(f"{PAGE}?{query}", headers=headers)
    assert response.status_code == 200, response.data[:500]
    return response.data


# --- the page ---------------------------------------------------------------------------------

def test_page_shows_every_part_with_a_chart_link_and_alt_text(client):
    html = page(client)
    text = html.decode()
    for part in ("headline", "priority", "status", "groups", "tags", "comparison", "pace",
                 "overdue", "events", "events-places", "stalled"):
        assert f'id="{part}"' in text
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', text)
    assert [src.split("/")[-1].split(".")[0] for src, _ in images] == list(CHART_NAMES)
    for src, alt in images:  # SVG on the page (text stays text), PNG and SVG as downloads
        assert ".svg?" in src and f"as_of={AS_OF}" in src and len(alt) > 40
        assert f'href="{src}" download=' in text
        assert f'href="{src.replace(".svg", ".png")}" download=' in text
    sources = re.findall(r'<source media="\(max-width: 40rem\)" srcset="([^"]+)" '
                         r'type="image/svg\+xml" width="(\d+)" height="(\d+)">\s*'
                         r'<img src="([^"]+)" alt="[^"]+" width="(\d+)" height="(\d+)"'
                         r'( loading="lazy")?>', text)
    assert len(sources) == len(CHART_NAMES)  # phones get each chart drawn for their width
    # every chart is below the first screen: fetched as the reader nears it (the room kept
    # for each: test_the_room_kept_for_each_chart_is_its_drawn_size)
    assert all(found[6] for found in sources)
    for narrow, _w, _h, src, _ww, _wh, _lazy in sources:
        path, query = narrow.replace("&amp;", "&").split("?")
        assert path == src.split("?")[0]
        assert sorted(query.split("&")) == sorted(src.replace("&amp;", "&").split("?")[1].split("&")
                                                  + ["size=narrow"])
    assert '<html lang="en">' in text
    assert "<script" not in text and " style=" not in text
    assert "dashboard.css" in text


@pytest.mark.parametrize("query", [f"as_of={AS_OF}", f"as_of={AS_OF}&section=3"])
def test_the_room_kept_for_each_chart_is_its_drawn_size(client, query):
    # the box (width, height) the page keeps for each chart, wide and narrow, is the size a
    # browser shows its SVG at (points at 96/72 CSS pixels): the page does not jump when the
    # chart arrives, whatever its rows (points, themes of a section, provision types) or shape
    text = page(client, query).decode()
    found = re.findall(r'srcset="([^"]+)" type="image/svg\+xml" width="(\d+)" height="(\d+)">'
                       r'\s*<img src="([^"]+)" alt="[^"]+" width="(\d+)" height="(\d+)"', text)
    assert len(found) == len(CHART_NAMES)
    for narrow, narrow_w, narrow_h, wide, wide_w, wide_h in found:
        for src, box in ((narrow, (narrow_w, narrow_h)), (wide, (wide_w, wide_h))):
            svg = client.get(html.unescape(src)).data.decode()
            size = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
            assert tuple(map(int, box)) == tuple(round(float(v) * 96 / 72) for v in size), src


def test_alt_texts_agree_with_a_count_of_one_in_spanish(client):
    # a filter leaving one group, one municipality and one event read "1 grupos",
    # "1 municipios", "1 eventos, 1 que hacen avanzar"
    text = html.unescape(page(client, "section=1.3.1&tag=ethnic&year=2",
                              **{"Accept-Language": "es"}).decode())
    alts = " ".join(re.findall(r'<img src="[^"]+" alt="([^"]+)"', text))
    assert "para 1 grupo;" in alts
    assert not re.search(r"\b1 (grupos|municipios|eventos|tipos)\b", alts), alts
    assert not re.search(r"\b1 que hacen\b", alts), alts


def test_page_links_the_downloads_for_its_date(client):
    text = page(client).decode()
    for path in ("report.xlsx", "provisions.csv", "history.csv"):
        link = re.search(rf'href="(/accords/{SLUG}/{path}\?[^"]+)"', text)
        assert link and f"as_of={AS_OF}" in link.group(1), path
        assert client.get(html.unescape(link.group(1))).status_code == 200


def test_headline_and_priority_tables_equal_the_api(client):
    html = page(client)
    api = client.get(f"{API}/summary?as_of={AS_OF}").get_json()
    assert api["counts"] == {"not_initiated": 182, "minimal": 194, "intermediate": 69,
                             "complete": 133}
    rows = keyed(html, "table-headline")
    for key in LEVEL_KEYS:
        count, share = rows[key][1:]
        assert int(count) == api["counts"][key] and num(share) == api["shares"][key]
    assert num(rows["score"][2]) == api["score"] == 42.16
    priority = tables(html)["table-priority"]
    by_label = {cells[0]: cells for _key, cells in priority}
    for label, part in (("Priority", api["priority"]), ("Non-priority", api["non_priority"])):
        cells = by_label[label]
        assert int(cells[1]) == part["provisions"]
        assert [num(c) for c in cells[2:6]] == [part["shares"][k] for k in LEVEL_KEYS]
        assert num(cells[6]) == part["score"]
    # a ratio of scores is shown as scores are: two decimals
    assert num(keyed(html, "table-priority")["ratio"][-1]) == round_half_up(
        api["priority_ratio"], 2)


def test_timeline_tables_equal_the_api(client):
    html = page(client, f"as_of={AS_OF}&section=2")
    api = client.get(f"{API}/timeline?as_of={AS_OF}&section=2").get_json()["points"]
    scores = tables(html)["table-priority-timeline"][1:]
    shares = tables(html)["table-status"][1:]
    assert len(scores) == len(shares) == len(api) == 28
    for point, (_k, score_cells), (_k2, share_cells) in zip(api, scores, shares):
        assert score_cells[0] == share_cells[0] == shown(point["date"])
        assert [num(c) for c in score_cells[1:]] == [
            point["score"], point["priority"]["score"], point["non_priority"]["score"]]
        assert [num(c) for c in share_cells[1:]] == [point["shares"][k] for k in LEVEL_KEYS]


@pytest.mark.parametrize("query, first_key", [
    ("", "1"), ("section=3", "3.1"), ("section=3.2&tag=gender", "3.2.1"),
])
def test_group_table_equals_the_api_per_group(client, query, first_key):
    html = page(client, f"as_of={AS_OF}&{query}")
    rows = keyed(html, "table-groups")
    assert next(iter(rows)) == first_key
    extra = "&tag=gender" if "tag=gender" in query else ""
    for code, cells in rows.items():
        api = client.get(f"{API}/summary?as_of={AS_OF}&section={code}{extra}").get_json()
        assert int(cells[1]) == api["provisions"]
        assert [num(c) for c in cells[2:6]] == [api["shares"][k] for k in LEVEL_KEYS]
        assert num(cells[6]) == api["score"]
    assert sum(int(cells[1]) for cells in rows.values()) == client.get(
        f"{API}/summary?as_of={AS_OF}&{query}").get_json()["provisions"]


@pytest.mark.parametrize("section", [None, "2"])
def test_tag_table_equals_the_api(client, section):
    query = f"as_of={AS_OF}" + (f"&section={section}" if section else "")
    rows = keyed(page(client, query + "&tag=ethnic"), "table-tags")  # tag filter ignored here
    assert list(rows) == ["all", "gender", "ethnic"]
    for key, cells in rows.items():
        tag = "" if key == "all" else f"&tag={key}"
        api = client.get(f"{API}/summary?{query}{tag}").get_json()
        assert int(cells[1]) == api["provisions"]
        assert [num(c) for c in cells[2:6]] == [api["shares"][k] for k in LEVEL_KEYS]
        assert num(cells[6]) == api["score"]


@pytest.mark.parametrize("year", [None, 3])
def test_comparison_tables_equal_the_api(client, year):
    query = f"as_of={AS_OF}" + (f"&year={year}" if year else "")
    html = page(client, query)
    api = client.get(f"{API}/comparison?as_of={AS_OF}&year={year or 'now'}").get_json()
    assert (f"{api['types_above_mean']} of {api['types_compared']} provision types above "
            "average") in html.decode()
    rows = keyed(html, "table-comparison")
    assert list(rows) == [t["provision_type"] for t in api["types"]]
    for row in api["types"]:
        cells = rows[row["provision_type"]]
        assert num(cells[1]) == row["accord_level"]
        assert num(cells[2]) == row["stipulations"]
        ref = row["reference"]
        expected = [ref["mean"], ref["q1"], ref["q3"], ref["n"],
                    round_half_up(row["difference"], 2)] if ref \
            else [None, None, None, 0, None]
        assert [num(c) for c in cells[3:8]] == expected
        assert ("▲" in cells[7]) == row["above_mean"]
    curve = keyed(html, "table-curve")
    for point in api["score_curve"]:
        cells = curve[str(point["year"])]
        assert num(cells[1]) == point["accord_score"]
        ref = point["reference"]
        assert [num(c) for c in cells[2:]] == [ref[k] for k in
                                               ("mean", "q1", "q3", "min", "max", "n")]


def test_pace_and_overdue_equal_the_api(client):
    html = page(client, "as_of=2024-11-30&section=1")
    api = client.get(f"{API}/pace?as_of=2024-11-30&section=1").get_json()
    rows = keyed(html, "table-pace")
    # score points with a score's two decimals, months with one
    for key, places in (("score", 2), ("change_since_previous", 2), ("monthly_change_12m", 2),
                        ("months_to_target", 1), ("required_monthly_change", 2)):
        assert num(rows[key][1]) == round_half_up(api[key], places), key
        assert len(rows[key][1].split(".")[1]) == places, (key, rows[key][1])
    assert rows["projected_completion"][1] == shown(api["projected_completion"])
    assert rows["target_date"][1] == shown(api["target_date"])
    overdue = [cells for _key, cells in tables(html)["table-overdue"][1:]]
    assert f"{len(api['overdue'])} provisions overdue" in html.decode()
    assert len(overdue) == min(20, len(api["overdue"]))
    assert [(c[0], c[2], int(c[3][0])) for c in overdue] == [
        (o["code"], shown(o["deadline"]), o["level"]) for o in api["overdue"][:20]]
    first = api["overdue"][0]["code"]
    assert f'<a href="/accords/{SLUG}/provisions/{first}">{first}</a>' in html.decode()


def test_empty_form_fields_redirect_to_the_clean_url(client):
    response = client.get(f"{PAGE}?as_of={AS_OF}&section=&tag=&year=")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PAGE}?as_of={AS_OF}")


def test_hidden_accord_is_404_unless_the_user_holds_a_role(client, demo, make_user, login):
    demo.public = False
    db.session.commit()
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{CHART}/status.png").status_code == 404
    login(make_user("viewer", accord=demo))
    assert client.get(f"{PAGE}?as_of={AS_OF}").status_code == 200


def test_an_accord_without_provisions_or_records_still_renders(client):
    from tracker.models import Accord

    db.session.add(Accord(slug="empty-accord", name="Agreement with a very long name that "
                          "needs to be shortened in the source line of every chart",
                          country="Nowhere", signed_on=date(2020, 1, 15), public=True))
    db.session.commit()
    html = client.get("/accords/empty-accord/dashboard").data.decode()
    assert "0 provisions overdue" in html and "<script" not in html
    for name in CHART_NAMES:
        response = client.get(f"/accords/empty-accord/charts/{name}.png")
        assert response.status_code == 200 and response.data[:4] == b"\x89PNG", name
    svg = client.get("/accords/empty-accord/charts/status.svg").data
    assert b"Illustrative data" not in svg  # neither the accord nor its data are illustrative


@pytest.mark.parametrize("url", [PAGE, "/reference", "/reference/taif-accord"])
def test_spanish_request_gets_a_spanish_page(client, url):
    response = client.get(url, headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert '<html lang="es">' in response.data.decode()


# --- charts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_as_png_and_svg_with_the_illustrative_note(client, name):
    png = client.get(f"{CHART}/{name}.png?as_of={AS_OF}")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png.data[16:20], "big") == 900
    svg = client.get(f"{CHART}/{name}.svg?as_of={AS_OF}")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data[:2000] and b"Illustrative data" in svg.data
    policy = svg.headers["Content-Security-Policy"]  # opened on its own, styled, no script
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy


def _texts(svg: bytes) -> str:
    """The words an SVG holds as <text> elements (none when text is drawn as paths)."""
    root = ET.fromstring(svg)
    return " ".join(" ".join(node.itertext())
                    for node in root.iter("{http://www.w3.org/2000/svg}text"))


@pytest.mark.parametrize("name", CHART_NAMES)
def test_narrow_charts_for_phones_keep_their_text_as_text(client, name):
    wide = client.get(f"{CHART}/{name}.svg?as_of={AS_OF}")
    narrow = client.get(f"{CHART}/{name}.svg?as_of={AS_OF}&size=narrow")
    assert narrow.status_code == 200 and narrow.mimetype == "image/svg+xml"
    assert narrow.headers["Content-Disposition"].rstrip('"').endswith(f"-{AS_OF}-narrow.svg")
    assert narrow.headers["ETag"] != wide.headers["ETag"]
    root = ET.fromstring(narrow.data)
    assert root.get("width") == "288pt"  # 4 inches: about 384 CSS px, shown at 360-390 px
    assert float(ET.fromstring(wide.data).get("width").removesuffix("pt")) == 648
    words = _texts(narrow.data)
    assert "Illustrative data" in words and "Source:" in words
    assert _texts(wide.data).split() and "<path" in narrow.data.decode()
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", narrow.data.decode())]
    assert sizes and min(sizes) >= 8.5  # points of a 288 pt wide picture: legible at 370 px


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name, table", [("groups", "table-groups"), ("tags", "table-tags")])
def test_a_narrow_chart_keeps_each_rows_count_in_its_label(client, language, name, table):
    """A long point title wrapped for a phone is cut with "…" before its count, never
    through it: each row's "(n)" provisions stays on the chart, as its table gives it."""
    counts = [cells[1] for cells in keyed(page(client, **{"Accept-Language": language}),
                                          table).values()]
    narrow = client.get(f"{CHART}/{name}.svg?as_of={AS_OF}&size=narrow",
                        headers={"Accept-Language": language})
    words = _texts(narrow.data).split()
    assert counts and [f"({n})" for n in counts if f"({n})" not in words] == []


@pytest.mark.parametrize("name", CHART_NAMES)
def test_narrow_charts_fit_their_width_in_spanish(client, name):
    """Spanish labels run longer: nothing but the boxed note at the bottom right reaches the
    right edge of the narrow drawing (a cut legend or label would)."""
    import io

    from PIL import Image

    drawn = client.get(f"{CHART}/{name}.png?as_of={AS_OF}&size=narrow",
                       headers={"Accept-Language": "es"})
    assert drawn.status_code == 200
    image = Image.open(io.BytesIO(drawn.data)).convert("L")
    assert image.width == 400
    assert image.crop((398, 0, 400, image.height - 45)).getextrema()[0] >= 250


def test_a_narrow_chart_revalidates_and_refuses_an_unknown_size(client):
    url = f"{CHART}/status.svg?as_of={AS_OF}&size=narrow"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    bad = client.get(f"{CHART}/status.svg?as_of={AS_OF}&size=huge")
    assert bad.status_code == 400 and b"size=&#39;huge&#39; must be one of wide, narrow" in bad.data
    spanish = client.get(f"{CHART}/status.svg?size=huge", headers={"Accept-Language": "es"})
    assert spanish.status_code == 400 and "debe ser uno de" in spanish.get_data(as_text=True)
    page = client.get(f"{PAGE}?as_of={AS_OF}&size=narrow")  # a chart's parameter only:
    assert page.status_code == 302 and page.headers["Location"].endswith(f"?as_of={AS_OF}")
    heatmap = client.get("/reference/taif-accord/charts/heatmap.svg?size=narrow")
    assert heatmap.status_code == 200 and ET.fromstring(heatmap.data).get("width") == "288pt"
    assert "Civil Administration" in _texts(heatmap.data)


def test_parameters_a_view_does_not_take_lead_to_its_one_address(client, app):
    """A link's tracking parameters or a random query string are sent on to the page's
    address with its own parameters only (empty ones dropped too, as from a chart's): they
    neither keep another copy of the page for anonymous visitors nor push the kept answers
    out. (A chart refuses a parameter it does not take: 400.)"""
    from tracker import kept

    for url, target in ((f"{PAGE}?utm_source=mail&as_of={AS_OF}", f"{PAGE}?as_of={AS_OF}"),
                        (f"{PAGE}?x=1", PAGE),
                        (f"{PAGE}?section=&tag=gender&utm=2", f"{PAGE}?tag=gender"),
                        (f"{CHART}/status.svg?size=narrow&tag=",
                         f"{CHART}/status.svg?size=narrow")):
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer.headers["Location"].endswith(target), (url, answer.headers["Location"])
        assert client.get(target).status_code == 200
    layer = app.wsgi_app
    while not isinstance(layer, kept.KeptAnswers):
        layer = layer.app
    before = len(layer.kept.items)
    for n in range(20):
        assert client.get(f"{PAGE}?utm={n}").status_code == 302
    assert len(layer.kept.items) == before


@pytest.mark.parametrize("query", ["as_of=2016-11-24", "as_of=2016-12-01&section=6.6&tag=ethnic",
                                   "as_of=2018-04-15"])
def test_charts_on_the_signing_date_and_on_tiny_selections(client, query):
    """One period, a subset without records, a marker near the edge: drawn, never a 500."""
    for name in CHART_NAMES:
        response = client.get(f"{CHART}/{name}.svg?{query}")
        assert response.status_code == 200, name
    assert client.get(f"{PAGE}?{query}").status_code == 200


def test_the_note_follows_the_data_used(client, demo):
    status = client.get(f"{CHART}/status.svg?as_of={AS_OF}").data
    assert b"Illustrative data" in status  # the demo accord's data is illustrative
    demo.illustrative = False
    db.session.commit()
    status = client.get(f"{CHART}/status.svg?as_of={AS_OF}").data
    comparison = client.get(f"{CHART}/comparison.svg?as_of={AS_OF}").data
    assert b"Illustrative data" not in status
    assert b"Illustrative data" not in comparison  # PAM_ID is published data
    flagged = db.session.scalar(select(Accord).where(Accord.name == "Taif Accord"))
    flagged.illustrative = True
    services.touch(flagged.id)  # as every write to an accord does
    db.session.commit()
    comparison = client.get(f"{CHART}/comparison.svg?as_of={AS_OF}").data
    assert b"Illustrative data" in comparison  # one illustrative reference accord used


def test_chart_in_spanish_has_its_own_etag(client):
    english = client.get(f"{CHART}/tags.svg?as_of={AS_OF}")
    spanish = client.get(f"{CHART}/tags.svg?as_of={AS_OF}", headers={"Accept-Language": "es"})
    assert spanish.status_code == 200 and english.headers["ETag"] != spanish.headers["ETag"]
    assert "Accept-Language" in spanish.headers["Vary"]


def test_etag_and_304(client):
    url = f"{CHART}/status.png?as_of={AS_OF}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    other = client.get(f"{CHART}/status.png?as_of={AS_OF}&section=1")
    assert other.headers["ETag"] != etag
    assert client.get(f"{CHART}/status.svg?as_of={AS_OF}").headers["ETag"] != etag


def test_304_is_decided_before_drawing(client, monkeypatch):
    from tracker import charts

    url = f"{CHART}/status.png?as_of={AS_OF}"
    etag = client.get(url).headers["ETag"]

    def refuse(*_args, **_kwargs):
        raise AssertionError("drawn although the client's copy is current")

    monkeypatch.setattr(charts, "status_area", refuse)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("query", ["section=99", "tag=nothing"])
def test_a_filter_the_accord_lacks_is_400_even_when_the_tag_matches(client, monkeypatch,
                                                                      query):
    from tracker.dashboard import routes

    monkeypatch.setattr(routes, "_conditional", lambda etag: True)  # any tag would match
    response = client.get(f"{CHART}/status.png?as_of={AS_OF}&{query}")
    assert response.status_code == 400
    assert client.get(f"{CHART}/status.png?as_of={AS_OF}&section=1").status_code == 304


def test_charts_reuse_the_page_figures_and_drawn_charts(client, monkeypatch):
    from tracker import charts, queries

    page(client)

    def refuse(*_args, **_kwargs):
        raise AssertionError("read again although the data has not changed")

    monkeypatch.setattr(queries, "records", refuse)  # the page computed the figures already
    first = client.get(f"{CHART}/status.svg?as_of={AS_OF}")
    assert first.status_code == 200 and b"Illustrative data" in first.data
    monkeypatch.setattr(charts, "status_area", refuse)  # drawn once, then kept
    again = client.get(f"{CHART}/status.svg?as_of={AS_OF}")
    assert again.status_code == 200 and again.data == first.data


def _submit(provision: Provision, verified: bool) -> StatusRecord:
    change = services.StatusChange(
        provision=provision, expected_version=provision.version,
        submission=Submission(level=3, effective_on=date.today(),
                              evidence_text="Published in the official gazette"))
    return services.submit([change], verified=verified)[0]


def test_a_verified_record_changes_the_etag(client, demo):
    url = f"{CHART}/status.png"  # today: the new record counts
    before = client.get(url).headers["ETag"]
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == "1.1.1"))
    _submit(provision, verified=True)
    response = client.get(url, headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


def test_a_review_changes_the_etag(client, demo):
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == "1.1.2"))
    record = _submit(provision, verified=False)
    url = f"{CHART}/groups.svg"
    pending = client.get(url).headers["ETag"]
    services.review(record, "verified", "")
    response = client.get(url, headers={"If-None-Match": pending})
    assert response.status_code == 200 and response.headers["ETag"] != pending


def test_the_etag_is_the_same_on_another_instance(app, client):
    from tracker import create_app

    url = f"{CHART}/curve.svg?as_of={AS_OF}&year=3"
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "WTF_CSRF_ENABLED",
            "RATELIMIT_ENABLED")
    other = create_app({key: app.config[key] for key in keys if key in app.config})
    try:
        assert other.test_client().get(
            url, headers={"If-None-Match": client.get(url).headers["ETag"]}).status_code == 304
    finally:
        with other.app_context():
            db.engine.dispose()


# Two days ahead, not one: computed when the tests are collected, it must still be in the
# future when a run that began before midnight reaches it.
FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("url, status", [
    (f"{CHART}/pie.png", 404),
    (f"{CHART}/status.gif", 404),
    (f"{CHART}/status", 404),
    (f"{CHART}/status.png?as_of=2019-02-30", 400),
    (f"{CHART}/status.png?as_of=yesterday", 400),
    (f"{CHART}/status.png?as_of={FUTURE}", 400),
    (f"{CHART}/status.png?as_of=2010-01-01", 400),
    (f"{CHART}/status.png?section=99", 400),
    (f"{CHART}/status.png?tag=astrology", 400),
    (f"{CHART}/comparison.png?year=11", 400),
    (f"{CHART}/status.png?colour=red", 400),
    ("/accords/nope/charts/status.png", 404),
    (f"{PAGE}?as_of=2019-13-01", 400),
    (f"{PAGE}?section=9.9", 400),
    (f"{PAGE}?year=0", 400),
    (f"{PAGE}?priority=true", 302),  # a page drops parameters it does not take
    ("/accords/nope/dashboard", 404),
    ("/reference?x=1", 200),
    ("/reference/nope", 404),
    (f"/reference/{SLUG}", 404),
    ("/reference/taif-accord?as_of=2000-01-01", 200),
    ("/reference/taif-accord/charts/heatmap.gif", 404),
    ("/reference/bicesse-accords/charts/heatmap.png", 404),
])
def test_bad_parameters_are_400_or_404(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"


# --- reference accords ------------------------------------------------------------------------

def test_reference_list(client):
    html = client.get("/reference").data
    rows = keyed(html, "table-references-1")
    assert len(rows) == 34
    # score in the last coded year, computed from the coded levels: the file's own 59.26
    assert rows["taif-accord"][3] == "10" and rows["taif-accord"][4] == "59.26 (1998)"
    assert all(len(cells) == 5 for cells in rows.values())  # no "Data" column: none illustrative
    assert "Joshi" in html.decode() and "PAM_ID v1.5" in html.decode()


def test_reference_page_matrix_and_scores_equal_the_file(client):
    html = client.get("/reference/taif-accord").data
    rows = keyed(html, "table-heatmap")
    scores, published = rows.pop("score")[1:], rows.pop("published")[1:]
    assert len(scores) == len(published) == 10
    for score, written in zip(scores, published):
        assert num(score) == float(
            Decimal(written).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert rows and all(len(cells) == 11 for cells in rows.values())
    assert all(v == "—" or 0 <= num(v) <= 3 for cells in rows.values() for v in cells[1:])
    chart = client.get("/reference/taif-accord/charts/heatmap.svg")
    assert chart.status_code == 200 and b"Illustrative data" not in chart.data
    etag = chart.headers["ETag"]
    assert client.get("/reference/taif-accord/charts/heatmap.svg",
                      headers={"If-None-Match": etag}).status_code == 304


def test_reference_without_coded_years(client):
    empty = Accord(slug="uncoded", name="Uncoded accord", country="Nowhere",
                   signed_on=date(2001, 1, 1), kind="reference", reference_set="PAM_ID v1.5")
    db.session.add(empty)
    db.session.commit()
    html = client.get("/reference/uncoded").data.decode()
    assert "No year of this accord has been coded" in html and "<img" not in html
    assert client.get("/reference/uncoded/charts/heatmap.svg").status_code == 404


class _TableShapes(HTMLParser):
    """Per table: the number of cells of its header row and of each body row."""

    def __init__(self):
        super().__init__()
        self.shapes: list[dict] = []
        self._section = None
        self._cells = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.shapes.append({"id": dict(attrs).get("id"), "head": [], "body": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._cells = 0
        elif tag in ("td", "th"):
            self._cells += int(dict(attrs).get("colspan", 1))

    def handle_endtag(self, tag):
        if tag == "tr" and self.shapes and self._section in ("thead", "tbody"):
            self.shapes[-1]["head" if self._section == "thead" else "body"].append(self._cells)


@pytest.mark.parametrize("path", [f"{PAGE}?as_of={AS_OF}", f"{PAGE}?as_of={AS_OF}&year=3",
                                  "/reference", "/reference/taif-accord", "/"])
def test_every_table_row_has_as_many_cells_as_its_header(client, path):
    shapes = _TableShapes()
    shapes.feed(client.get(path).get_data(as_text=True))
    assert shapes.shapes
    for table in shapes.shapes:
        expected = table["head"][0] if table["head"] else table["body"][0]
        assert all(width == expected for width in table["body"]), table["id"]


def _figure_cells(text: str) -> list[tuple[str, str]]:
    """(column label, shown text) of every figure cell (td.num with a data-label)."""
    cells = re.findall(r'<td class="num[^"]*" data-label="([^"]*)">(.*?)</td>', text, re.S)
    return [(html.unescape(label), re.sub(r"<[^>]+>|\s+", "", html.unescape(value)))
            for label, value in cells]


@pytest.mark.parametrize("language, sign", [("en", "."), ("es", ",")])
@pytest.mark.parametrize("path", [f"/accords/{SLUG}/dashboard?as_of={AS_OF}",
                                  f"/accords/{SLUG}/dashboard?as_of={AS_OF}&section=1",
                                  f"/accords/{SLUG}?as_of={AS_OF}"])
def test_shares_have_one_decimal_and_scores_two_everywhere(client, language, sign, path):
    """One rule for every table: a share always with one decimal ("36.0", never "36"), a
    score or a 0-3 level mean always with two ("61.30" next to "71.99", never "61.3")."""
    text = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    scores = {"Score", "Puntaje", "All provisions", "Todas las disposiciones", "This accord",
              "Este acuerdo", "Reference mean", "Promedio de referencia", "Q1", "Q3", "Min",
              "Mín.", "Max", "Máx.", "Priority", "Prioridad", "Non-priority", "Sin prioridad",
              "Difference", "Diferencia"}
    seen = {"share": 0, "score": 0}
    d = re.escape(sign)
    for label, value in _figure_cells(text):
        if value in ("—", ""):
            continue
        if label.endswith("(%)") or value.endswith("%"):
            assert re.fullmatch(rf"\d+{d}\d%?", value), (label, value)
            seen["share"] += 1
        elif label in scores:
            assert re.fullmatch(rf"[−+-]?\d+{d}\d\d ?▲?", value), (label, value)
            seen["score"] += 1
    assert seen["share"] > 10 and seen["score"] > 2, seen


def test_anonymous_pages_kept_whole_stay_apart_from_users_and_languages(client, demo,
                                                                        make_user, login):
    page = f"/accords/{demo.slug}/dashboard"
    anonymous = client.get(page)
    assert b'name="csrf_token"' not in anonymous.data
    assert "Set-Cookie" not in anonymous.headers  # no session made for an anonymous read
    spanish = client.get(page, headers={"Accept-Language": "es"})
    assert b'<html lang="es">' in spanish.data and spanish.headers["ETag"] != (
        anonymous.headers["ETag"])
    assert b'<html lang="en">' in client.get(page).data
    user = login(make_user("coordinator", demo))
    mine = client.get(page, headers={"If-None-Match": anonymous.headers["ETag"]})
    assert mine.status_code == 200 and user.email.encode() in mine.data


def test_a_kept_anonymous_page_is_refused_once_its_accord_is_private(client, demo):
    page = f"/accords/{demo.slug}/dashboard"
    kept = client.get(page)
    assert kept.status_code == 200
    demo.public = False
    db.session.commit()
    assert client.get(page).status_code == 404
    assert client.get(page, headers={"If-None-Match": kept.headers["ETag"]}).status_code == 404


@pytest.mark.parametrize("query", ["tag=astrology", "section=zz"])
def test_a_refused_filter_is_refused_even_when_the_page_is_kept(client, demo, make_user,
                                                                 login, query):
    """A page kept from an earlier visit does not read the filters: they are checked on
    every request, anonymous or not."""
    for _visit in range(2):
        assert client.get(PAGE).status_code == 200  # the page is kept
        assert client.get(f"{PAGE}?{query}").status_code == 400
    login(make_user("viewer", demo))
    for _visit in range(2):
        assert client.get(PAGE).status_code == 200
        assert client.get(f"{PAGE}?{query}").status_code == 400


def _filter_form(html_text: str):
    from htmlforms import parse

    return next(form for form in parse(html_text).forms
                if form.action.endswith("/dashboard") and form.method.lower() == "get")


def test_the_filter_form_keeps_a_link_to_the_latest_figures_undated(client):
    """The date box is empty on today's figures, so choosing a point and pressing Show gives
    a link without a date (opened next month, it shows next month's figures), not one frozen
    on the day it was made; a chosen past date is kept, in the box and in the link."""
    form = _filter_form(client.get(PAGE).get_data(as_text=True))
    sent = form.submission()
    assert sent["as_of"] == [""]
    date_box = next(c for c in form.controls if c.name == "as_of")
    assert "required" not in date_box.attrs and date_box.attrs["max"] == date.today().isoformat()
    assert "as-of-help" in date_box.attrs["aria-describedby"]
    sent["section"] = ["3"]
    answer = client.get(PAGE, query_string=sent)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"{PAGE}?section=3")
    page = client.get(f"{PAGE}?section=3").get_data(as_text=True)
    assert _filter_form(page).submission()["as_of"] == [""]
    today = client.get(f"{PAGE}?as_of={date.today().isoformat()}").get_data(as_text=True)
    assert _filter_form(today).submission()["as_of"] == [""]  # today's figures: the same box
    dated = _filter_form(client.get(f"{PAGE}?as_of={AS_OF}").get_data(as_text=True))
    assert dated.submission()["as_of"] == [AS_OF]
    sent = dated.submission() | {"tag": ["gender"]}
    answer = client.get(PAGE, query_string=sent)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"{PAGE}?as_of={AS_OF}&tag=gender")


def test_a_selection_matching_no_provision_draws_every_chart_at_both_sizes(client):
    """A point and a tag that no provision shares: the page and every chart answer (a
    phone's priority chart failed on its empty legend: a 500 and a broken image)."""
    query = "section=6.6&tag=territorial"
    summary = client.get(f"{API}/summary?{query}").get_json()
    assert summary["priority"]["provisions"] == summary["non_priority"]["provisions"] == 0
    page = client.get(f"{PAGE}?{query}").get_data(as_text=True)
    assert 'id="nothing-selected"' in page and "No provision of this accord matches" in page
    pace = keyed(page.encode(), "table-pace")
    assert pace["projected_completion"][1] == "—"  # nothing to project, not "not within..."
    assert "No provision in this selection." in page.split('id="table-groups"')[1]
    assert 'id="nothing-selected"' not in client.get(PAGE).get_data(as_text=True)
    for name in CHART_NAMES:
        for size in ("narrow", "wide"):
            for fmt in ("svg", "png"):
                answer = client.get(f"{CHART}/{name}.{fmt}?{query}&size={size}")
                assert answer.status_code == 200, (name, size, fmt)


def test_links_to_other_views_of_todays_dashboard_carry_no_date(client):
    """On today's figures a point's link, the events feed's and a place's carry no date (they
    show the latest figures whenever opened); on a past date they keep it."""
    html = client.get(PAGE).get_data(as_text=True)
    assert f'href="{PAGE}?section=1"' in html
    assert f'href="/accords/{SLUG}/events"' in html
    today = date.today().isoformat()
    assert f"{PAGE}?as_of={today}" not in html and f"to={today}" not in html
    dated = client.get(f"{PAGE}?as_of={AS_OF}").get_data(as_text=True)
    assert f'href="{PAGE}?as_of={AS_OF}&amp;section=1"' in dated
    assert f'href="/accords/{SLUG}/events?to={AS_OF}"' in dated
