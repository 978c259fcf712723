"""Read-only JSON API (v1): accords, figures, timelines, comparison. Open for public accords."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401
