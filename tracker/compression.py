"""Compressed answers for slow connections: pages, CSS, CSV, JSON and SVG charts are sent
gzip-compressed to clients that accept it (about a fifth of their size), so partners on weak
connections wait less. A proxy in front may do this instead (`TRACKER_COMPRESS=0`).

A compressed body is another representation of the same resource, so its ETag is made weak
(W/"..."); every conditional check here compares weakly, so a revalidation still gets its 304.
Session cookies are SameSite=Lax, so a page that carries a form token cannot be fetched with
the user's cookies by another site's subresource requests, which is what a compression
side-channel (BREACH) needs.
"""
from __future__ import annotations

import gzip

from flask import Flask, Response, current_app, request

COMPRESSIBLE = frozenset({"text/html", "text/css", "text/csv", "text/plain", "application/json",
                          "image/svg+xml"})
MIN_BYTES = 512
#: Bodies read into memory to compress them (a file sent by send_file) up to this size.
MAX_BYTES = 64 * 1024 * 1024
LEVEL = 5


def init_app(app: Flask) -> None:
    app.after_request(compress)


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def compress(response: Response) -> Response:
    if not current_app.config.get("COMPRESS_RESPONSES", True):
        return response
    if response.mimetype in COMPRESSIBLE or response.status_code == 304:
        response.vary.add("Accept-Encoding")
    if not _accepts_gzip():
        return response
    if response.status_code == 304:
        _weaken_etag(response)  # the tag the compressed 200 carried
        return response
    if (response.mimetype not in COMPRESSIBLE or response.status_code < 200
            or response.status_code in (204, 206) or request.method == "HEAD"
            or "Content-Encoding" in response.headers):
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
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    _weaken_etag(response)
    return response


def _weaken_etag(response: Response) -> None:
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
