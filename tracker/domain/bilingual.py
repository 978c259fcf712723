"""Content held in two languages: an accord's name, description, section titles and
provision texts are stored in the accord's original language (the plain column) and, where
someone supplied it, in the other content language (the *_translated column). An event's
title and description are stored so too, in the language they were typed in (`written_in`).

Pure: plain strings in, plain values out.
"""
from __future__ import annotations

from dataclasses import dataclass

#: The content languages, as ISO 639-1 codes; an accord's original language is one of them.
LANGUAGES = ("en", "es")


def other(language: str) -> str:
    """The other content language: "es" for "en", "en" for "es". ValueError for any other."""
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not a content language ({', '.join(LANGUAGES)})")
    return LANGUAGES[1 - LANGUAGES.index(language)]


def written_in(language: str | None, original_language: str | None) -> str:
    """The language a text is written in: its own `language` when it names one (an event's,
    whose title may be typed in either content language), else the accord's
    `original_language` ("en" when that is unknown)."""
    return language or original_language or "en"


@dataclass(frozen=True)
class Shown:
    """The text shown to a reader: `text`, the `language` it is written in, and whether
    that is not the reader's (`foreign`: only the other language's text exists)."""

    text: str
    language: str
    foreign: bool


def for_reader(original: str | None, translated: str | None, original_language: str,
               reader: str) -> Shown:
    """The text in the `reader`'s language when held (the original, or the translation),
    else the text that exists, marked foreign. A reader language that is no content
    language reads the original."""
    original, translated = original or "", translated or ""
    if reader == original_language or reader not in LANGUAGES:
        if original or not translated:
            return Shown(original, original_language, False)
        return Shown(translated, other(original_language), reader in LANGUAGES)
    if translated:
        return Shown(translated, reader, False)
    return Shown(original, original_language, bool(original))


def by_language(original: str | None, translated: str | None,
                original_language: str) -> dict[str, str]:
    """{"en": ..., "es": ...}: each language's text ("" when not held), for exports."""
    return {original_language: original or "",
            other(original_language): translated or ""}


def from_languages(texts: dict[str, str | None], original_language: str,
                   fallback: str | None = None) -> tuple[str, str | None]:
    """(original, translated) from texts by language (import columns text_en, text_es);
    `fallback` (the plain `text` column) stands for the original when its own column is
    empty. ValueError when both the fallback and the original's column are given and differ,
    or when there is no original text but a translation."""
    own = (texts.get(original_language) or "").strip()
    plain = (fallback or "").strip()
    if own and plain and own != plain:
        raise ValueError(f"the text and the text in {original_language} differ; give one")
    original = own or plain
    translated = (texts.get(other(original_language)) or "").strip() or None
    if translated and not original:
        raise ValueError(f"a text in {other(original_language)} but none in the original "
                         f"language ({original_language})")
    return original, translated
