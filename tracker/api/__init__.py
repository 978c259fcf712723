"""Read-only JSON API (v1): accords, figures, timelines, comparison, published cut-offs,
implementation events.
Open for public accords."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401
from . import cutoffs  # noqa: E402,F401
from . import events, provision_events  # noqa: E402,F401
