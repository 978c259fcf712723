"""Coordinators review pending submissions; submitters follow their outcome."""
from flask import Blueprint

bp = Blueprint("review", __name__)

from . import events, routes  # noqa: E402,F401
