"""Officials' dashboards: an accord's figures as charts and tables, and the reference accords."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import reference, routes  # noqa: E402,F401
