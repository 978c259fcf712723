"""Compressed answers for slow connections: the same bytes once decompressed, weak ETags that
still revalidate to 304, and nothing compressed that should not be."""
from __future__ import annotations

import gzip
import re

import pytest

SLUG = "colombia-2016-demo"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _get(client, url: str, **headers):
    """The answer, read whole and closed (a file sent as it is stays open until closed)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def _plain_and_gzipped(client, url: str):
    plain, packed = _get(client, url), _get(client, url, **GZIP)
    assert plain.status_code == packed.status_code == 200
    return plain, packed


@pytest.mark.parametrize("url, mimetype", [
    ("/methodology", "text/html"),
    (f"/api/v1/accords/{SLUG}/provisions", "application/json"),
    (f"/accords/{SLUG}/history.csv", "text/csv"),
    (f"/accords/{SLUG}/charts/status.svg?as_of=2019-02-28", "image/svg+xml"),
    ("/static/tracker.css", "text/css"),
])
def test_text_answers_are_gzipped_for_clients_that_accept_it(client, url, mimetype):
    plain, packed = _plain_and_gzipped(client, url)
    assert packed.mimetype == mimetype
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    body = packed.get_data()
    assert int(packed.headers["Content-Length"]) == len(body) < len(plain.get_data()) / 2
    masked = re.compile(rb'value="m\.[A-Za-z0-9_=-]+"')  # form tokens: masked afresh each time
    assert masked.sub(b"", gzip.decompress(body)) == masked.sub(b"", plain.get_data())


@pytest.mark.parametrize("url", [
    f"/accords/{SLUG}/charts/status.svg?as_of=2019-02-28",
    f"/api/v1/accords/{SLUG}/summary",
    "/static/tracker.css",
])
def test_a_compressed_answers_weak_etag_revalidates(client, url):
    plain, packed = _plain_and_gzipped(client, url)
    strong, weak = plain.headers["ETag"], packed.headers["ETag"]
    assert weak == "W/" + strong
    for tag in (weak, strong):  # the 304 names the tag as the client holds it
        again = _get(client, url, **GZIP, **{"If-None-Match": tag})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == tag
    assert _get(client, url, **{"If-None-Match": weak}).status_code == 304


@pytest.mark.parametrize("url", [
    f"/accords/{SLUG}/charts/status.png?as_of=2019-02-28",  # already compressed
    f"/accords/{SLUG}/report.xlsx?as_of=2019-02-28",  # a zip
    "/healthz",  # too small to gain
])
def test_other_answers_are_sent_as_they_are(client, url):
    plain, packed = _plain_and_gzipped(client, url)
    assert "Content-Encoding" not in packed.headers
    if ".xlsx" not in url:  # the report carries the time it was generated
        assert packed.get_data() == plain.get_data()


def test_head_answers_with_the_headers_of_get(client):
    get, head = _get(client, "/methodology", **GZIP), client.head("/methodology", headers=GZIP)
    for name in ("Content-Encoding", "Vary"):
        assert head.headers[name] == get.headers[name], name
    # The page's form token differs from one answer to the next, hence a few bytes' play.
    assert abs(int(head.headers["Content-Length"]) - int(get.headers["Content-Length"])) < 32
    assert head.get_data() == b""


def test_clients_refusing_gzip_get_no_encoding(client):
    refused = client.get("/methodology", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_a_png_304_keeps_its_strong_tag_and_no_vary(client):
    url = f"/accords/{SLUG}/charts/status.png?as_of=2019-02-28"
    first = _get(client, url, **GZIP)
    again = _get(client, url, **GZIP, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert "Accept-Encoding" not in again.headers.get("Vary", "")


def test_pages_of_logged_in_users_are_compressed_with_masked_tokens(client, demo, make_user,
                                                                      login):
    login(make_user("editor", demo))
    first, second = (_get(client, "/methodology", **GZIP) for _ in range(2))
    tokens = []
    for page in (first, second):
        assert page.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(page.get_data()).decode()
        tokens += re.findall(r'name="csrf_token" value="([^"]+)"', html)
    assert tokens and all(t.startswith("m.") for t in tokens)
    assert len(set(tokens)) == len(tokens)  # a fresh mask for every token written
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    assert all(raw not in t for t in tokens)


def test_a_page_holding_a_bare_token_is_sent_plain(app, client, monkeypatch, demo, make_user,
                                                   login):
    from tracker import formtokens

    login(make_user("editor", demo))  # anonymous visitors' pages hold no token
    monkeypatch.setattr(formtokens, "mask", lambda token: token)  # as if masking failed
    page = _get(client, "/methodology", **GZIP)
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Content-Encoding" not in page.headers


def test_compression_can_be_left_to_a_proxy(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "COMPRESS_RESPONSES", False)
    response = client.get("/methodology", headers=GZIP)
    assert "Content-Encoding" not in response.headers


def test_error_pages_are_compressed_with_their_status(client):
    response = client.get("/accords/no-such-accord", headers=GZIP)
    assert response.status_code == 404 and response.headers["Content-Encoding"] == "gzip"
    assert b"No accord" in gzip.decompress(response.get_data())


def test_gzip_clients_get_whole_text_answers_others_their_ranges(client):
    whole = _get(client, "/static/tracker.css", **GZIP, Range="bytes=100-")
    assert whole.status_code == 200 and whole.headers["Content-Encoding"] == "gzip"
    assert "Accept-Ranges" not in whole.headers
    part = _get(client, "/static/tracker.css", Range="bytes=0-99")
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert len(part.get_data()) == 100


@pytest.mark.parametrize("url", [
    f"/api/v1/accords/{SLUG}/summary",
    f"/accords/{SLUG}/charts/status.svg",
    f"/accords/{SLUG}/dashboard",
])
def test_a_kept_answer_is_compressed_once(client, monkeypatch, url):
    calls, real = [], gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    first, second = _get(client, url, **GZIP), _get(client, url, **GZIP)
    assert first.headers["Content-Encoding"] == second.headers["Content-Encoding"] == "gzip"
    assert first.get_data() == second.get_data()
    assert len(calls) == 1  # the second answer sends the gzip bytes kept with the first
