"""The OpenAPI 3.1 description of the v1 API (a test checks it against the routes)."""
from __future__ import annotations

from .. import __version__
from ..domain.compare import MAX_YEARS
from ..domain.events import EFFECTS, SOURCE_KINDS
from ..domain.metrics import FREQUENCIES
from ..domain.scale import LEVEL_KEYS
from . import params


#: Free-text values hold no control character (the server reads a tab or line break as a
#: space, normalises to Unicode NFC and refuses NUL and every other control character).
TEXT_PATTERN = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"


def _query(name: str, description: str, schema: dict) -> dict:
    """A query parameter: optional, given at most once, never empty, no control characters
    (`params.value` refuses the rest with a 400)."""
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema = {"minLength": 1, "pattern": TEXT_PATTERN, **schema}
    return {"name": name, "in": "query", "required": False,
            "description": description + " Given at most once; an empty value, a repeated "
            "parameter or a control character is refused (400).", "schema": schema}


BOOLEAN = {"type": "string", "enum": list(params.BOOLEANS)}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "The accord's short name, as in /api/v1/accords."}
AS_OF = _query("as_of", "Date of the figures, written YYYY-MM-DD (default today); a date in "
               "the future or before the accord was signed is refused (400).",
               {"type": "string", "format": "date", "pattern": params.DATE_PATTERN})
PENDING = _query("include_pending", "Count records awaiting review too (the accord's "
                 "coordinators only; 403 for others).", {**BOOLEAN, "default": "false"})
KNOWN_AT = _query("known_at", "Figures as known at this moment (ISO 8601 timestamp; without an "
                  "offset, UTC): only records verified by then count. Default: as known now. "
                  "Not before the accord existed here, not in the future, not with "
                  "include_pending.", {"type": "string", "format": "date-time"})
LABEL = {"name": "label", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "A cut-off's label, as in /api/v1/accords/{slug}/cutoffs."}
SINCE = _query("since", "Label of the earlier cut-off to compare with.", {"type": "string"})
FILTERS = [
    _query("section", "Section code at any depth, e.g. 1 or 1.2; must be a section holding "
           "provisions of this accord.", {"type": "string"}),
    _query("tag", "Cross-cutting tag, e.g. gender or ethnic; must be a tag of a provision of "
           "this accord.", {"type": "string"}),
    _query("priority", "Only priority (true) or non-priority (false) provisions.", BOOLEAN),
    _query("provision_type", "PAM provision type code, e.g. CFR; must be the type of a "
           "provision of this accord.", {"type": "string"}),
    _query("responsible_actor", "Responsible actor, exactly as stored for a provision of this "
           "accord.", {"type": "string"}),
    _query("time_frame", "Time frame.", {"type": "string", "enum": list(params.TIME_FRAMES)}),
]

EVENT_FILTERS = [
    _query("q", "Search text, at most 200 characters: events whose title, description (in "
           "either content language) or actors hold it, accents and case aside (\"bogota\" "
           "finds \"Bogotá\"); % and _ are ordinary characters.",
           {"type": "string", "maxLength": 200}),
    _query("from", "Events dated (their start) on or after this date, YYYY-MM-DD.",
           {"type": "string", "format": "date", "pattern": params.DATE_PATTERN}),
    _query("to", "Events dated (their start) on or before this date, YYYY-MM-DD.",
           {"type": "string", "format": "date", "pattern": params.DATE_PATTERN}),
    _query("place", "Official place code (e.g. DIVIPOLA 19 for Cauca, 19050 for Argelia), "
           "or a place's exact name, accents and case aside (Argelia; NAME, PARENT tells "
           "apart places of one name; a name several places bear is a 400 listing their "
           "codes): events at that place or any place under it.", {"type": "string"}),
    _query("group", "Name of a group of places (e.g. the PDET subregion CATATUMBO): events "
           "at its member places.", {"type": "string"}),
] + [{**p, "description": "Events bearing on a provision of this kind (with effect: on "
                          "the same link). " + p["description"]} for p in FILTERS] + [
    _query("provision", "Provision code: events bearing on it.", {"type": "string"}),
    _query("effect", "Events with a provision link of this effect.",
           {"type": "string", "enum": list(EFFECTS)}),
    _query("source_kind", "Events citing a source of this kind.",
           {"type": "string", "enum": list(SOURCE_KINDS)}),
    _query("review_state", "Review state (default verified); any other value is for users "
           "with a role on the accord (403 otherwise).",
           {"type": "string", "enum": ["verified", "pending", "rejected", "all"],
            "default": "verified"}),
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", "Events per page, 1-200.",
           {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}),
]
EVENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "date": {"type": "string", "format": "date"},
    "end_date": {"type": ["string", "null"], "format": "date"}, "title": {"type": "string"},
    "description": {"type": "string"}, "actors": {"type": "string"},
    "place": {"type": ["object", "null"]}, "review_state": {"type": "string"},
    "provisions": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "effect": {"type": "string", "enum": list(EFFECTS)}}}},
    "sources": {"type": "array", "items": {"type": "object"}}}}

EVENT_ID = {"name": "event_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1},
            "description": "An event's id, as in /api/v1/accords/{slug}/events."}
PROVISION_CODE = {"name": "code", "in": "path", "required": True,
                  "schema": {"type": "string"}, "description": "A provision's code, e.g. 1.1.1."}
RECORD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "level": {"type": "integer", "minimum": 0, "maximum": 3},
    "effective_on": {"type": "string", "format": "date"}, "review_state": {"type": "string"},
    "evidence_url": {"type": ["string", "null"]}, "evidence_text": {"type": ["string", "null"]},
    "note": {"type": ["string", "null"]},
    "events": {"type": "array", "items": {"type": "integer"}}}}

LEVEL_OBJECT = {"type": "object", "properties": {k: {"type": ["number", "null"]}
                                                 for k in LEVEL_KEYS}}
#: When the priority flags in force were set (`domain.metrics.FlagDates`).
PRIORITY_FLAGS = {"type": "object", "properties": {
    "most_set_on": {"type": ["string", "null"], "format": "date"},
    "most_set": {"type": "integer"}, "flags": {"type": "integer"},
    "latest_change": {"type": ["string", "null"], "format": "date"}}}

SUMMARY = {
    "type": "object",
    "properties": {
        "provisions": {"type": "integer"},
        "counts": LEVEL_OBJECT,
        "shares": {**LEVEL_OBJECT, "description": "Percent, one decimal."},
        "score": {"type": ["number", "null"], "description": "0-100, two decimals."},
    },
}
ERROR = {"type": "object", "properties": {"error": {"type": "string"},
                                          "message": {"type": "string"},
                                          "status": {"type": "integer"},
                                          "request_id": {"type": ["string", "null"]}}}


def _get(summary: str, parameters: list, schema: dict, errors=(400, 404)) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    for code in errors:
        responses[str(code)] = {"description": {400: "Bad parameter", 403: "Forbidden",
                                                404: "No such accord"}[code],
                                "content": {"application/json": {"schema": ERROR}}}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def document(reference_sets: list[str] | None = None, default_set: str = "") -> dict:
    """The OpenAPI document; `reference_sets` (the labels in the database) become the enum of
    the comparison's `reference_set`, `default_set` its default."""
    per_accord = [SLUG, AS_OF, PENDING, KNOWN_AT]
    label: dict = {"type": "string"}
    if default_set:
        label["default"] = default_set
    if reference_sets:
        label["enum"] = list(reference_sets)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Accord tracker API", "version": __version__,
                 "description": "Read-only figures of peace-accord implementation. Levels: "
                                "0 not initiated, 1 minimal, 2 intermediate, 3 complete; "
                                "score = 100 x sum of levels / (3 x provisions)."},
        "paths": {
            "/api/v1/accords": _get("Accords visible to the caller", [], {
                "type": "object", "properties": {"accords": {"type": "array"}}}, errors=(400,)),
            "/api/v1/accords/{slug}/summary": _get(
                "Counts, shares and score as of a date, with the priority split",
                per_accord + FILTERS, {"allOf": [SUMMARY, {"type": "object", "properties": {
                    "accord": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                    "priority": SUMMARY, "non_priority": SUMMARY,
                    "priority_ratio": {"type": ["number", "null"]}}}]}, errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/timeline": _get(
                "Figures at each period end from signing",
                per_accord + [_query("freq", "Period.", {"type": "string",
                                                         "enum": list(FREQUENCIES),
                                                         "default": "month"})] + FILTERS,
                {"type": "object", "properties": {"points": {"type": "array", "items": SUMMARY},
                                                  "priority_flags_since": {"type": ["string",
                                                                                    "null"]},
                                                  "priority_flags": PRIORITY_FLAGS}},
                errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/pace": _get(
                "Pace of implementation and overdue provisions", per_accord + FILTERS,
                {"type": "object"}, errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/comparison": _get(
                "Provision types against the reference set at equal time since signing",
                [SLUG, AS_OF, PENDING, KNOWN_AT,
                 _query("year", f"Year since signing, 1-{MAX_YEARS}, or now (default).",
                        {"type": "string", "enum": list(params.YEARS), "default": "now"}),
                 _query("reference_set", "Reference-set label (default: the default set, see /api/v1/reference-sets).", label),
                 _query("include_illustrative", "Include reference accords whose data is "
                        "illustrative.", {**BOOLEAN, "default": "true"})],
                {"type": "object"}, errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/provisions": _get(
                "Each provision with its level as of a date", per_accord + FILTERS,
                {"type": "object", "properties": {"provisions": {"type": "array"}}},
                errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/cutoffs": _get(
                "Published cut-offs, latest first (label, date, publication time, note, "
                "supersedes / superseded by)", [SLUG],
                {"type": "object", "properties": {"cutoffs": {"type": "array"}}},
                errors=(400, 404)),
            "/api/v1/accords/{slug}/cutoffs/{label}": _get(
                "A cut-off's figures as published (as of its date, as known at its "
                "publication, over the structure and reference set stored with it): summary "
                "with the priority split, per point, per tag, overdue, comparison; and its "
                "revision: the same date's figures as known now (figures_now), the records "
                "verified since that make the difference, and the structure edited since "
                "(structure: provisions, points, events)", [SLUG, LABEL],
                {"type": "object"}, errors=(400, 404)),
            "/api/v1/accords/{slug}/cutoffs/{label}/changes": _get(
                "What changed from another cut-off (default: the previous report, the latest "
                "in force with an earlier cut-off date; a later one is a 400) to this one: "
                "shares and score per point and per tag (each change the difference of the "
                "rounded figures), provisions up, down, newly complete, newly overdue, "
                "priority provisions that did not move, and those revised since the earlier "
                "cut-off's publication (revised_since_publication, not counted as moves)",
                [SLUG, LABEL, SINCE],
                {"type": "object"}, errors=(400, 404)),
            "/api/v1/accords/{slug}/changes": _get(
                "What changed from a cut-off (default: the latest by cut-off date, in force) "
                "to today, as known now",
                [SLUG, SINCE], {"type": "object"}, errors=(400, 404)),
            "/api/v1/accords/{slug}/events": _get(
                "Implementation events of the accord, newest first, one page at a time: each "
                "with its dates, title and description (as stored and per content language), "
                "place (code, name, kind, parent), actors, review state, provisions (code, "
                "effect on the level) and sources (with an attached file's SHA-256, media type "
                "and size). Verified events only, unless review_state is given by someone with "
                "a role on the accord", [SLUG] + EVENT_FILTERS,
                {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}, "pages": {"type": "integer"},
                    "events": {"type": "array", "items": EVENT}}},
                errors=(400, 403, 404)),
            "/api/v1/accords/{slug}/events/{event_id}": _get(
                "One implementation event, as an item of the accord's events (the same "
                "fields), with an ETag (a revalidation is a 304). A pending or rejected event "
                "only for a caller with a role on the accord; an unknown id, an event of "
                "another accord or one the caller may not see is a 404 with the reason. "
                "Takes no query parameter (400)", [SLUG, EVENT_ID], EVENT,
                errors=(400, 404)),
            "/api/v1/accords/{slug}/provisions/{code}/events": _get(
                "A provision's timeline: the events bearing on it, newest first, one page at "
                "a time (each as in the accord's events, with the same filters but provision), "
                "and all its level records, newest first, each with the ids of the events it "
                "cites. Verified events and records only, unless the caller has a role on the "
                "accord", [SLUG, PROVISION_CODE] + [p for p in EVENT_FILTERS
                                                    if p["name"] != "provision"],
                {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}, "pages": {"type": "integer"},
                    "events": {"type": "array", "items": EVENT},
                    "records": {"type": "array", "items": RECORD}}},
                errors=(400, 403, 404)),
            "/api/v1/reference-sets": _get(
                "Reference sets with their provenance (label, version, default, illustrative, "
                "citation, source file and SHA-256, rows read, import time, alignment rule, "
                "quirks of the data)", [],
                {"type": "object", "properties": {"reference_sets": {"type": "array"}}},
                errors=(400,)),
            "/api/v1/openapi.json": _get("This document", [], {"type": "object"}, errors=()),
        },
    }
