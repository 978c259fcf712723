"""The one rule that turns a typed tag into the key it is stored under.

A provision's tags are stored by key. The tracker's known tags (gender, ethnic, territorial)
are shown translated (género, étnico, territorial in Spanish); any other tag is a free tag,
shown as typed in every language. Whoever types a tag – the provision edit form, the
structure importer (`flask import-accord`, CSV or workbook) – may write the English key or a
label in any language, in any case, with or without accents: "Género", "genero", "GENDER"
all mean the key `gender`.

The rule, for each typed tag:
1. its *folded* form (`fold`: accents removed, case folded, runs of spaces made one) is
   compared with the folded form of every name each existing tag displays (a known tag's key
   and its label in every language; a free tag's own text);
2. a match gives that tag's key;
3. no match, but the folded form is within a slip of a name an existing tag displays (one
   edit for names of 4-6 characters, two for longer ones: "étnica" for "étnico", "genders"
   for "gender"): refused with a reason naming that tag, since such a tag would split one
   theme in two under near-identical names;
4. otherwise the tag is genuinely new and is created as a free tag under its typed text
   (`clean_tag`: lower case, runs of spaces made one, accents kept). Since its folded form
   equals no name any existing tag displays, it can never show the same name as another tag
   in any language. Tags that fold alike within one input become one tag (the first spelling).

Nothing is refused for being unknown (free tags are a feature). A typed tag holding a comma
is refused with the tags it most likely meant ("género, étnico": tags are separated by ";"; as
one free tag it took the provision out of its gender and ethnic figures). A typed tag with
nothing left once folded (only accents or other combining marks, "¨") is refused with a reason
(ValueError(Message)); a tag longer than the column holds is refused by the caller's length
rule. Pure: no Flask, no database, no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from .messages import Message, N_
from .text import without_accents

#: What separates tags in one typed field or cell.
SEPARATOR = ";"
_SPACES = re.compile(r"\s+")


def clean_tag(text: str) -> str:
    """A new free tag's key: `text` stripped, lower-cased, runs of white space made one
    space (accents kept, so the tag reads as typed). "" for a blank tag."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().lower()


def fold(text: str) -> str:
    """The form two names are compared in: without case or accents
    (`text.without_accents`), runs of white space made one space, stripped."""
    return _SPACES.sub(" ", without_accents(text)).strip()


def edits(a: str, b: str, limit: int) -> int:
    """The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions),
    or `limit + 1` as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        row = [i]
        for j, other in enumerate(b, start=1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(row) > limit:
            return limit + 1
        previous = row
    return previous[-1]


def slip_allowance(folded: str) -> int:
    """How many edits make a typed name a slip of an existing one: none under 4 characters
    (abbreviations differ by a letter), one up to 6, two beyond."""
    return 0 if len(folded) < 4 else 1 if len(folded) <= 6 else 2


def split_tags(text: str | None) -> list[str]:
    """The non-blank tags of a `;`-separated field, stripped, in the order typed."""
    return [t.strip() for t in (text or "").split(SEPARATOR) if t.strip()]


class TagVocabulary:
    """The tags a typed tag may mean: key -> every name that tag displays.

    `names` maps each existing key to the names it shows (for a known tag its key and its
    label in every language; for a free tag the key itself: `resolve` adds the key anyway).
    `resolve` keeps the tags it creates, so one vocabulary used over a whole import gives
    every row the same key for the same tag.
    """

    def __init__(self, names: Mapping[str, Iterable[str]]):
        self._by_folded: dict[str, str] = {}
        self._shown: dict[str, str] = {}  # folded -> the name as displayed
        self.keys: set[str] = set()
        for key, shown in names.items():
            self._add(key, shown)

    def _add(self, key: str, shown: Iterable[str]) -> None:
        self.keys.add(key)
        for name in (key, *shown):
            # a known tag's own names win over a free tag that happens to fold alike
            self._by_folded.setdefault(fold(str(name)), key)
            self._shown.setdefault(fold(str(name)), str(name))

    def _slip_of(self, folded: str) -> str | None:
        """The displayed name `folded` is a slip of (rule 3), the closest; None if none."""
        allowance = slip_allowance(folded)
        if not allowance:
            return None
        near = [(edits(folded, other, allowance), other) for other in self._shown
                if slip_allowance(other)]
        near = [pair for pair in near if pair[0] <= allowance]
        return self._shown[min(near)[1]] if near else None

    def resolve(self, typed: str) -> str:
        """The key `typed` means (rule above); a new free tag is created under
        `clean_tag(typed)`. Raises ValueError(Message) for a tag with nothing left once
        folded (blank, or only combining marks), for one holding a comma (a list typed with
        the wrong separator) and for a slip of an existing tag's name."""
        if "," in typed:
            meant = "; ".join(part.strip() for part in typed.split(",") if part.strip())
            raise ValueError(Message(N_("“%(tag)s” holds a comma: tags are separated by “;” "
                                        "(“%(meant)s”)"), tag=typed.strip(), meant=meant))
        folded = fold(typed)
        if not folded:
            raise ValueError(Message(N_("“%(tag)s” is not a tag: it has no letter, digit or "
                                        "sign of its own"), tag=typed.strip()))
        key = self._by_folded.get(folded)
        if key is None:
            near = self._slip_of(folded)
            if near is not None:
                raise ValueError(Message(N_(
                    "“%(tag)s” is nearly “%(near)s”, a tag already in use: write “%(near)s” "
                    "to use it, or a clearly different name for a new tag"),
                    tag=typed.strip(), near=near))
            key = clean_tag(typed)
            self._add(key, ())
        return key

    def resolve_all(self, typed: Iterable[str]) -> list[str]:
        """The sorted distinct keys of the non-blank tags in `typed`; raises ValueError as
        `resolve` does."""
        return sorted({self.resolve(t) for t in typed if t.strip()})

    def resolve_text(self, text: str | None) -> list[str]:
        """The sorted distinct keys of a `;`-separated field (`split_tags`)."""
        return self.resolve_all(split_tags(text))


def clashes(shown: Mapping[str, Iterable[str]]) -> list[tuple[str, str, str]]:
    """Pairs of distinct keys that display the same name (compared folded):
    (name, key, other key) for each, sorted; [] when every tag reads differently. `shown`
    maps key -> the names it displays (in every language)."""
    seen: dict[str, str] = {}
    found = []
    for key in sorted(shown):
        for name in {fold(str(n)) for n in shown[key]}:
            other = seen.setdefault(name, key)
            if other != key:
                found.append((name, other, key))
    return sorted(found)
