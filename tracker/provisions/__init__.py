"""Browsing an accord's sections and provisions, and updating a provision's status."""
from flask import Blueprint

bp = Blueprint("provisions", __name__)

from . import routes  # noqa: E402,F401
