"""How a place's name is written when its source writes it in capitals: DANE's DIVIPOLA lists
"MANAURE BALCÓN DEL CESAR", which is shown as "Manaure Balcón del Cesar" (Spanish title
case: every word capitalised except the particles "de", "del", "la", "y"... after the first
word; an abbreviation with dots such as "D.C." kept as written). A name that already holds a
lower-case letter was cased by a person and is kept as given. Pure: no Flask, no database."""
from __future__ import annotations

import re

#: Words written in lower case inside a Spanish place name (never as its first word).
PARTICLES = frozenset({"de", "del", "la", "las", "los", "el", "y", "e", "o", "u", "a", "al",
                       "en"})
_LETTERS = re.compile(r"[^\W\d_]+")


def _word(word: str, first: bool) -> str:
    if "." in word:  # an abbreviation ("D.C.", "STA.") stays as written
        return word
    if not first and word.lower() in PARTICLES:
        return word.lower()
    # each run of letters capitalised: "GUADALAJARA-DE-BUGA" parts, "(ANT)" -> "(Ant)"
    return _LETTERS.sub(lambda m: m.group()[:1].upper() + m.group()[1:].lower(), word)


def place_name_case(name: str) -> str:
    """`name` in Spanish title case when it is written in capitals (no lower-case letter),
    else `name` unchanged. Spaces are kept as given.

    >>> place_name_case("SAN ANDRÉS DE TUMACO")
    'San Andrés de Tumaco'
    >>> place_name_case("BOGOTÁ, D.C.")
    'Bogotá, D.C.'
    """
    if any(ch.islower() for ch in name):
        return name
    words = name.split(" ")
    out, first = [], True
    for word in words:
        out.append(_word(word, first) if word else word)
        first = first and not word
    return " ".join(out)
