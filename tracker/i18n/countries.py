"""Country names: the ISO 3166 code of a country as data sets write it (CLDR's English
names and known aliases), and its name in the reader's language."""
import re

#: Country names as data sets write them that differ from the CLDR English name (PAM_ID).
COUNTRY_ALIASES = {"bosnia": "BA", "congo-brazzaville": "CG", "ivory coast": "CI",
                   "macedonia": "MK", "east timor": "TL", "drc": "CD",
                   "democratic republic of the congo": "CD", "burma": "MM"}


_COUNTRY_CODES: dict[str, str | None] = {}  # static data (CLDR): never changed by a write
_TERRITORIES: dict[str, str] = {}


def country_code(name: str) -> str | None:
    """The ISO 3166 code of a country as an accord stores it (its English name as the data
    set writes it: "Colombia", "Ivory Coast", "Timor-Leste (East Timor)"), through CLDR's
    English territory names and COUNTRY_ALIASES; None when not recognised."""
    if name in _COUNTRY_CODES:
        return _COUNTRY_CODES[name]
    key = re.sub(r"\s+", " ", name.strip().lower())
    english = _english_territories()
    found = None
    for candidate in (key, re.sub(r"\s*\(.*\)$", "", key), *re.findall(r"\((.*)\)", key)):
        found = english.get(candidate) or COUNTRY_ALIASES.get(candidate)
        if found:
            break
    _COUNTRY_CODES[name] = found
    return found


def _english_territories() -> dict[str, str]:
    """CLDR's English territory names (lower case, also with "and" for "&") -> code."""
    if _TERRITORIES:
        return _TERRITORIES
    from babel import Locale

    names = {}
    for code, territory in Locale("en").territories.items():
        if code.isalpha() and len(code) == 2:
            names[territory.lower()] = code
            names[territory.lower().replace(" & ", " and ")] = code
    _TERRITORIES.update(names)  # whole at once: a reader never sees half of it
    return _TERRITORIES


def country_name(name: str | None) -> str:
    """A country in the reader's language through Babel's territory names ("Ivory Coast"
    -> "Côte d’Ivoire" in Spanish); the stored text when it names no known country."""
    from flask_babel import get_locale

    if not name:
        return ""
    code = country_code(name)
    locale = get_locale()
    return locale.territories.get(code, name) if code and locale else name
