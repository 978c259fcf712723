"""Parsing and checking query parameters; every bad value becomes a 400 naming the parameter.

Exactly what `openapi.py` documents is accepted: each parameter at most once, never empty,
free of control characters (the input rule of `domain.text`), dates written YYYY-MM-DD,
booleans `true` or `false`, enumerations and ranges as listed. The dashboard pages use the
same functions, so a page and the API refuse the same things with the same words.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, request

from ..domain import text as rule
from ..domain.compare import MAX_YEARS
from ..domain.metrics import FREQUENCIES, Filters, ProvisionInfo

FILTER_PARAMS = ("section", "tag", "priority", "provision_type", "responsible_actor",
                 "time_frame")
TIME_FRAMES = ("short", "medium", "long")
BOOLEANS = {"true": True, "false": False}
#: The pattern an `as_of` value must match (stated in the OpenAPI document too).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: The values `year` takes, as written.
YEARS = ("now",) + tuple(str(n) for n in range(1, MAX_YEARS + 1))


def bad_request(message: str):
    """Abort with a 400 whose JSON (or page) carries `message`."""
    abort(400, description=message)


def check_known(allowed: tuple[str, ...]) -> None:
    """Refuse parameters a route does not take, and any parameter given more than once."""
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        bad_request(f"unknown parameter(s): {', '.join(unknown)}; "
                    f"allowed: {', '.join(allowed) or 'none'}")
    for name in request.args:
        count = len(request.args.getlist(name))
        if count > 1:
            bad_request(f"{name} is given {count} times; give it once")


def value(name: str) -> str | None:
    """The parameter's one value, normalised (NFC), or None when absent. 400 when it is
    repeated, empty or holds a control character."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        bad_request(f"{name} is given {len(values)} times; give it once")
    try:
        text = rule.clean_text(values[0], multiline=False)
    except ValueError as exc:
        bad_request(f"{name}: {exc.args[0]}")
    if not text.strip():
        bad_request(f"{name} is empty; leave it out instead")
    return text


def as_of(signed_on: date, name: str = "as_of") -> date:
    """The `as_of` date (default today), written YYYY-MM-DD: not in the future, not before
    signing."""
    text = value(name)
    if text is None:
        return date.today()
    try:
        day = rule.parse_iso_date(text)
    except ValueError:
        bad_request(f"{name}={text!r} is not a date (use YYYY-MM-DD)")
    if day > date.today():
        bad_request(f"{name}={day} is in the future")
    if day < signed_on:
        bad_request(f"{name}={day} is before the accord was signed ({signed_on})")
    return day


def boolean(name: str, default: bool | None = None) -> bool | None:
    """`true` or `false` (exactly), or `default` when absent."""
    text = value(name)
    if text is None:
        return default
    if text not in BOOLEANS:
        bad_request(f"{name}={text!r} must be true or false")
    return BOOLEANS[text]


def filters(provisions: list[ProvisionInfo]) -> Filters:
    """Filters from the query string; a value the accord does not have is a 400."""
    known = {
        "section": {code for p in provisions for code in p.section_path},
        "tag": {t for p in provisions for t in p.tags},
        "provision_type": {p.type_code for p in provisions if p.type_code},
        "responsible_actor": {p.responsible_actor for p in provisions if p.responsible_actor},
    }
    given = {name: value(name) for name in known}
    for name, values in known.items():
        if given[name] is not None and given[name] not in values:
            bad_request(f"{name}={given[name]!r} matches no provision of this accord")
    frame = value("time_frame")
    if frame is not None and frame not in TIME_FRAMES:
        bad_request(f"time_frame={frame!r} must be one of {', '.join(TIME_FRAMES)}")
    return Filters(section=given["section"], tag=given["tag"], priority=boolean("priority"),
                   provision_type=given["provision_type"],
                   responsible_actor=given["responsible_actor"], time_frame=frame)


def frequency() -> str:
    """`freq`: month (default), quarter or year."""
    freq = value("freq") or "month"
    if freq not in FREQUENCIES:
        bad_request(f"freq={freq!r} must be one of {', '.join(FREQUENCIES)}")
    return freq


def year() -> int | None:
    """`year` since signing, one of YEARS: 1-10, or "now" (None, the default)."""
    text = value("year") or "now"
    if text not in YEARS:
        bad_request(f"year={text!r} must be a whole number from 1 to {MAX_YEARS}, or now")
    return None if text == "now" else int(text)


def moment_text(text: str, name: str, created_at: datetime) -> datetime:
    """An ISO 8601 timestamp (a time without offset is read as UTC) as aware UTC; a
    malformed value, one before `created_at` (the accord's creation) or one in the future
    is a 400 naming the parameter."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        bad_request(f"{name}={text!r} is not an ISO 8601 timestamp "
                    f"(use YYYY-MM-DDTHH:MM:SS+00:00)")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    if value < created_at:
        bad_request(f"{name}={text!r} is before the accord existed here "
                    f"({created_at.isoformat()})")
    if value > datetime.now(timezone.utc):
        bad_request(f"{name}={text!r} is in the future")
    return value


def known_at(accord) -> datetime | None:
    """The `known_at` moment (None: as known now); see `moment_text`. It counts verified
    records only, so it cannot go with include_pending=true."""
    text = value("known_at")
    if text is None:
        return None
    if boolean("include_pending", False):
        bad_request("known_at counts verified records only; drop include_pending")
    return moment_text(text, "known_at", accord.created_at)
