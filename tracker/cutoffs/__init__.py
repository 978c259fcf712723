"""Published cut-offs: figures fixed as known at the moment of publication, their revisions,
what changed between two cut-offs, and the officials' brief (page and PDF)."""
from flask import Blueprint

bp = Blueprint("cutoffs", __name__)
