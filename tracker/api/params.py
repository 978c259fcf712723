"""Parsing and checking query parameters; every bad value becomes a 400 with a reason."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, request

from ..domain.compare import MAX_YEARS
from ..domain.metrics import FREQUENCIES, Filters, ProvisionInfo

FILTER_PARAMS = ("section", "tag", "priority", "provision_type", "responsible_actor",
                 "time_frame")


def bad_request(message: str):
    abort(400, description=message)


def check_known(allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        bad_request(f"unknown parameter(s): {', '.join(unknown)}; "
                    f"allowed: {', '.join(allowed)}")


def as_of(signed_on: date, name: str = "as_of") -> date:
    """The `as_of` date (default today): not in the future, not before signing."""
    text = request.args.get(name)
    if text is None:
        return date.today()
    try:
        value = date.fromisoformat(text)
    except ValueError:
        bad_request(f"{name}={text!r} is not a date (use YYYY-MM-DD)")
    if value > date.today():
        bad_request(f"{name}={value} is in the future")
    if value < signed_on:
        bad_request(f"{name}={value} is before the accord was signed ({signed_on})")
    return value


def boolean(name: str, default: bool | None = None) -> bool | None:
    text = request.args.get(name)
    if text is None:
        return default
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    bad_request(f"{name}={text!r} must be true or false")


def filters(provisions: list[ProvisionInfo]) -> Filters:
    """Filters from the query string; a value the accord does not have is a 400."""
    args = request.args
    known = {
        "section": {code for p in provisions for code in p.section_path},
        "tag": {t for p in provisions for t in p.tags},
        "provision_type": {p.type_code for p in provisions if p.type_code},
        "responsible_actor": {p.responsible_actor for p in provisions if p.responsible_actor},
        "time_frame": {"short", "medium", "long"},
    }
    for name, values in known.items():
        if name in args and args[name] not in values:
            bad_request(f"{name}={args[name]!r} matches no provision of this accord")
    return Filters(
        section=args.get("section"), tag=args.get("tag"), priority=boolean("priority"),
        provision_type=args.get("provision_type"),
        responsible_actor=args.get("responsible_actor"), time_frame=args.get("time_frame"),
    )


def frequency() -> str:
    freq = request.args.get("freq", "month")
    if freq not in FREQUENCIES:
        bad_request(f"freq={freq!r} must be one of {', '.join(FREQUENCIES)}")
    return freq


def year() -> int | None:
    """`year` since signing, 1-10, or "now" (None)."""
    text = request.args.get("year", "now")
    if text == "now":
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_YEARS:
        bad_request(f"year={text!r} must be a whole number from 1 to {MAX_YEARS}, or now")
    return int(text)


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
    text = request.args.get("known_at")
    if text is None:
        return None
    if boolean("include_pending", False):
        bad_request("known_at counts verified records only; drop include_pending")
    return moment_text(text, "known_at", accord.created_at)
