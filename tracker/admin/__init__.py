"""Administration: organizations, users and their roles, and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401
