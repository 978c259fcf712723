"""Form tokens masked afresh in every page, so that a page can be compressed safely.

Flask-WTF's CSRF token is the same for a whole session (its first part never changes). In a
compressed page that also echoes text an attacker chose, the compressed size could reveal it
(BREACH). So every token written into a page is replaced, just before the page is sent, by
"m." + base64(pad + token XOR pad) with a new random pad each time; before any form is read,
a masked token is turned back into the token Flask-WTF checks. A page still holding the bare
token is never compressed (`tracker.compression`).
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets

from flask import Flask, Response, current_app, g, request
from werkzeug.datastructures import ImmutableMultiDict

PREFIX = "m."


def init_app(app: Flask) -> None:
    app.before_request(_unmask_posted_token)
    app.after_request(_mask_tokens_in_page)


def _field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def mask(token: str) -> str:
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return PREFIX + base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(raw, pad))
                                             ).decode()


def unmask(value: str) -> str:
    """The token a masked value carries; anything else unchanged (then refused as usual)."""
    if not value.startswith(PREFIX):
        return value
    try:
        data = base64.urlsafe_b64decode(value[len(PREFIX):].encode())
    except (binascii.Error, ValueError):
        return value
    half = len(data) // 2
    if not data or len(data) % 2:
        return value
    try:
        return bytes(a ^ b for a, b in zip(data[half:], data[:half])).decode()
    except UnicodeDecodeError:
        return value


def bare_token_in(body: bytes) -> bool:
    token = g.get(_field())
    return bool(token) and token.encode() in body


def _unmask_posted_token() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    field = _field()
    value = request.form.get(field)
    if not value or not value.startswith(PREFIX):
        return
    fields = request.form.to_dict(flat=False)
    fields[field] = [unmask(value)]
    request.form = ImmutableMultiDict(fields)


def _mask_tokens_in_page(response: Response) -> Response:
    token = g.get(_field())
    if (not token or response.mimetype != "text/html" or response.direct_passthrough
            or response.is_streamed):
        return response
    body = response.get_data(as_text=True)
    if token in body:
        response.set_data(re.sub(re.escape(token), lambda _m: mask(token), body))
    return response
