"""Compressed answers for slow connections: pages, CSS, CSV, JSON and SVG charts are sent
gzip-compressed to clients that accept it (about a fifth of their size), so partners on weak
connections wait less. A proxy in front may do this instead (`TRACKER_COMPRESS=0`).

A compressed body is another representation of the same resource, so its ETag is made weak
(W/"...") and every conditional check here compares weakly: a revalidation still gets its
304, which carries the tag in the form the client holds. Clients that accept gzip get whole
answers rather than byte ranges of text (a range of the plain body glued to a compressed one
would be garbage); images and workbooks keep their ranges.

Form tokens are masked afresh in every page (`tracker.formtokens`), so no secret repeats from
one compressed page to the next (BREACH); a page that still holds a bare token is sent
uncompressed.
"""
from __future__ import annotations

import gzip

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
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def _answer_in_the_clients_form(response: Response) -> None:
    """A 304 names the tag as the client holds it: weak if its copy came compressed."""
    etag, weak = response.get_etag()
    if etag and not weak and request.if_none_match.is_weak(etag):
        response.set_etag(etag, weak=True)
        response.vary.add("Accept-Encoding")
