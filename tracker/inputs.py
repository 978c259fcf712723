"""The input rule (`domain.text`) applied to what every request carries before any view runs:
path values and query parameters. Forms apply it field by field (`tracker.forms`), the
tabular readers cell by cell (`tracker.tables`, `tracker.excel.columns`), the API parameter
by parameter (`tracker.api.params`).

- `<int:...>` in a route matches only numbers a SQL INTEGER column holds (a longer or
  larger number is a 404 like any other address that names nothing);
- a path value or query parameter holding a control character (NUL included) is a 400
  naming it, so no view sends such text to the database.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, ValidationError

from .domain.text import DB_INT_MAX, control_character


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to 0..DB_INT_MAX, checked on the digits before converting."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > len(str(DB_INT_MAX)):
            raise ValidationError()
        return super().to_python(value)


def _refuse_control_characters() -> None:
    from flask_babel import gettext as _

    for name, value in (request.view_args or {}).items():
        found = isinstance(value, str) and control_character(value)
        if found:
            abort(400, description=_("The address holds a control character (%(code)s) in "
                                     "%(name)s.", code=found, name=name))
    for name, value in request.args.items(multi=True):
        found = control_character(name) or control_character(value)
        if found:
            abort(400, description=_("The parameter %(name)s holds a control character "
                                     "(%(code)s).", name=repr(name), code=found))


def init_app(app: Flask) -> None:
    """Install the bounded integer converter: call before routes are registered."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_checks(app: Flask) -> None:
    """Check path values and query parameters before every view: call after the request id
    is set up (`web.init_app`), so a refusal's page and log line carry it."""
    app.before_request(_refuse_control_characters)
