"""Compressed answers for slow connections: pages, CSS, CSV, JSON and SVG charts are sent
gzip-compressed to clients that accept it (about a fifth of their size), so partners on weak
connections wait less. A proxy in front may do this instead (`TRACKER_COMPRESS=0`).

A compressed body is another representation of the same resource, so its ETag is made weak
(W/"...") and every conditional check here compares weakly: a revalidation still gets its
304, which carries the tag in the form the client holds. Clients that accept gzip get whole
answers rather than byte ranges of text (a range of the plain body glued to a compressed one
would be garbage); images and workbooks keep their ranges.

An answer kept in a cache (API JSON, a drawn chart, an anonymous visitor's page) is kept as a
`Stored` body, whose gzip form is made once, on its first compressed answer, and then sent as
it is: a cached answer is never compressed again (`send_stored`).

Form tokens are masked afresh in every page (`tracker.formtokens`), so no secret repeats from
one compressed page to the next (BREACH); a page that still holds a bare token is sent
uncompressed.
"""
from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, current_app, request

from .formtokens import bare_token_in

COMPRESSIBLE = frozenset({"text/html", "text/css", "text/csv", "text/plain", "application/json",
                          "image/svg+xml"})
#: Paths whose byte ranges are kept for every client (never compressed here).
RANGES_KEPT = (".png", ".xlsx", ".gz", ".zip")
MIN_BYTES = 512
#: Bodies read into memory to compress them (a file sent by send_file) up to this size.
MAX_BYTES = 64 * 1024 * 1024
LEVEL = 5


def init_app(app: Flask) -> None:
    app.before_request(_whole_answers_for_gzip_clients)
    app.after_request(compress)


def _enabled() -> bool:
    return current_app.config.get("COMPRESS_RESPONSES", True)


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


class Stored:
    """A body kept for many answers, with its gzip form made once when first asked for
    (`gzipped()`; the same bytes `compress` would send). Thread-safe; `raw` is the body."""

    __slots__ = ("raw", "_gzipped", "_lock")

    def __init__(self, raw: bytes):
        self.raw, self._gzipped, self._lock = raw, None, threading.Lock()

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            with self._lock:
                if self._gzipped is None:
                    self._gzipped = gzip.compress(self.raw, compresslevel=LEVEL, mtime=0)
        return self._gzipped


def send_stored(response: Response, stored: Stored) -> Response:
    """Give `response` (its mimetype already set) the stored body: gzip-compressed, made once
    per `Stored`, where `compress` would compress it, else as it is. Rules as `compress`:
    the same headers (Content-Encoding, Vary, a weak ETag) on the same conditions."""
    if (_enabled() and response.mimetype in COMPRESSIBLE and len(stored.raw) >= MIN_BYTES
            and response.status_code == 200 and _accepts_gzip()
            and not (response.mimetype == "text/html" and bare_token_in(stored.raw))):
        response.set_data(stored.gzipped())
        response.headers["Content-Encoding"] = "gzip"
        response.headers.pop("Accept-Ranges", None)
        _weaken(response)
    else:
        response.set_data(stored.raw)
    if _enabled() and response.mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    return response


def _weaken(response: Response) -> None:
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)


def _whole_answers_for_gzip_clients() -> None:
    if (_enabled() and "HTTP_RANGE" in request.environ and _accepts_gzip()
            and not request.path.endswith(RANGES_KEPT)):
        request.environ.pop("HTTP_RANGE")
        request.environ.pop("HTTP_IF_RANGE", None)


def compress(response: Response) -> Response:
    if not _enabled():
        return response
    if response.status_code == 304:
        _answer_in_the_clients_form(response)
        return response
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if (not _accepts_gzip() or response.status_code < 200
            or response.status_code in (204, 206) or "Content-Encoding" in response.headers):
        return response
    if response.direct_passthrough:  # a file (send_file): compress it if its size is known
        length = response.content_length
        if length is None or length > MAX_BYTES:
            return response
        response.direct_passthrough = False
    elif response.is_streamed:
        return response
    source = response.response
    body = response.get_data()
    if hasattr(source, "close"):
        source.close()  # a file sent by send_file: read whole, so close it now
    if len(body) < MIN_BYTES or (response.mimetype == "text/html" and bare_token_in(body)):
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    _weaken(response)
    return response


def _answer_in_the_clients_form(response: Response) -> None:
    """A 304 names the tag as the client holds it: weak if its copy came compressed."""
    etag, weak = response.get_etag()
    if etag and not weak and request.if_none_match.is_weak(etag):
        response.set_etag(etag, weak=True)
        response.vary.add("Accept-Encoding")
