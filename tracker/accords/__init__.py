"""Browsing accords: the list, and each accord's page."""
from flask import Blueprint

bp = Blueprint("accords", __name__)

from . import routes  # noqa: E402,F401
