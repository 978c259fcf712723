"""The four-level implementation scale of the Peace Accords Matrix (PAM) and Kroc's monitoring."""
from __future__ import annotations

from fractions import Fraction

from .messages import Message, N_

LEVELS = (0, 1, 2, 3)
MAX_LEVEL = 3
#: Stable keys used by the API, exports and translations, indexed by level.
LEVEL_KEYS = ("not_initiated", "minimal", "intermediate", "complete")
#: English labels; the web layer translates them.
LEVEL_LABELS = ("Not initiated", "Minimal", "Intermediate", "Complete")


class LevelError(ValueError):
    """A value that is not one of the four levels."""


def _not_a_level(value: object) -> Message:
    return Message(N_("level must be 0, 1, 2 or 3, not %(value)s"), value=repr(value))


def parse_level(value: object) -> int:
    """Return the level 0-3 from an int or a string such as "2" or "2.0"; raise LevelError."""
    if isinstance(value, bool):
        raise LevelError(Message(N_("level must be 0, 1, 2 or 3")))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()):
            raise LevelError(_not_a_level(value))
        value = int(text)
    if not isinstance(value, int) or value not in LEVELS:
        raise LevelError(_not_a_level(value))
    return value


def level_key(level: int) -> str:
    return LEVEL_KEYS[level]


def level_label(level: int) -> str:
    return LEVEL_LABELS[level]


def round_half_up(value: Fraction | int | float, places: int) -> float:
    """Round as published figures are rounded (halves away from zero), exactly for fractions
    and integers (a float is taken as its shortest decimal text: 0.125 -> 0.13 at 2)."""
    exact = value if isinstance(value, (Fraction, int)) else Fraction(str(value))
    return round_ratio(exact.numerator, exact.denominator, places)


def round_ratio(numerator: int, denominator: int, places: int) -> float:
    """`numerator / denominator` rounded half away from zero to `places` decimals, in integer
    arithmetic (exact; no Fraction built: figures round thousands of shares per page), as the
    float nearest the rounded decimal. `denominator` > 0."""
    scale = 10 ** places
    magnitude = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    return (magnitude if numerator >= 0 else -magnitude) / scale
