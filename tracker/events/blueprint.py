"""The events pages' blueprint: the feed and downloads (`routes`, `downloads`), the form
entering an event (`entry`) and one event's page (`page`) each add their routes to it; the
app registers it after importing them all."""
from flask import Blueprint

bp = Blueprint("events", __name__)
