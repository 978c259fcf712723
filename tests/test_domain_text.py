"""The input rule (tracker/domain/text.py), table-style and without an app."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.domain import text as rule



@pytest.mark.parametrize("typed, multiline, stored", [
    ("plain", True, "plain"),
    ("line one\r\nline two\rthree", True, "line one\nline two\nthree"),
    ("pasted\x0bfrom\x0cWord", True, "pasted\nfrom\nWord"),
    ("pasted\x0bfrom\x0cWord", False, "pasted from Word"),
    ("sepa\u2028rated\u2029here\x85too", True, "sepa\nrated\nhere\ntoo"),
    ("tab\tkept", True, "tab\tkept"),
    ("tab\tspace", False, "tab space"),
    ("Planeacio\u0301n", True, "Planeación"),  # decomposed accent composed (NFC)
])
def test_text_is_normalised(typed, multiline, stored):
    assert rule.clean_text(typed, multiline=multiline) == stored


@pytest.mark.parametrize("typed, code", [
    ("nul\x00byte", "U+0000"), ("bell\x07", "U+0007"), ("escape\x1b[31m", "U+001B"),
    ("delete\x7f", "U+007F"), ("c1\x9b", "U+009B"), ("half \ud800 pair", "U+D800"),
])
def test_control_characters_are_refused_by_name(typed, code):
    with pytest.raises(ValueError) as refused:
        rule.clean_text(typed)
    assert code in str(refused.value.args[0])


@pytest.mark.parametrize("written, value", [("1", 1), (" 42 ", 42), ("-7", -7),
                                            (str(rule.DB_INT_MAX), rule.DB_INT_MAX)])
def test_whole_numbers_within_the_database_range(written, value):
    assert rule.parse_int(written) == value


@pytest.mark.parametrize("written", [str(2 ** 31), str(2 ** 63), "9" * 5000, "1e3", "١٢",
                                     "1_000", "", "12abc", "0x10"])
def test_whole_numbers_refused(written):
    with pytest.raises(ValueError):
        rule.parse_int(written)


@pytest.mark.parametrize("written", ["20250316", "2025-W11-1", "2025-3-5", "2025-02-30",
                                     "2025-03-16T00:00", "", "yesterday", "+2025-03-16"])
def test_dates_are_exactly_yyyy_mm_dd(written):
    with pytest.raises(ValueError):
        rule.parse_iso_date(written)
    assert rule.parse_iso_date("2025-03-16") == date(2025, 3, 16)


@pytest.mark.parametrize("url, accepted", [
    ("https://example.org/report?id=1", True), ("http://[::1]:8080/x", True),
    ("https://user@[2001:db8::1]/", True), ("https://ejemplo.gov.co/informe-ñ", True),
    ("https://[::1", False), ("https://[not-ipv6]/", False), ("http://[::1]x/", False),
    ("https://host:99999/", False), ("https://host:port/", False), ("javascript:alert(1)", False),
    ("ftp://example.org/x", False), ("https://", False), ("https://exa mple.org", False),
    ("https://example.org/\x00", False), ("//example.org", False),
])
def test_links_are_parsed_safely(url, accepted):
    assert (rule.url_problem(url) is None) is accepted


def test_unstorable_characters_are_found_in_nested_values():
    assert rule.unstorable({"after": {"note": ["fine", "bad\x00"]}}) == "U+0000"
    assert rule.unstorable(["tab\tand\x0bvertical tab are storable", 3, None]) is None


def test_excel_escapes_are_decoded_before_the_rule():
    assert rule.clean_text(rule.unescape_ooxml("one_x000D_\ntwo_x000B_three")) == \
        "one\ntwo\nthree"
    assert rule.unescape_ooxml("_x005F_x000D_") == "_x000D_"  # an escaped underscore


def test_an_option_label_cut_ends_with_an_ellipsis():
    from tracker.domain.text import option_label

    assert option_label("6.1 Short title") == "6.1 Short title"
    long = "6.1.2 " + "Implementation of the territorial development programmes " * 3
    cut = option_label(long, 80)
    assert len(cut) <= 80 and cut.endswith("…") and long.startswith(cut[:-1])
    assert not cut[:-1].endswith(" ")  # cut between words
    assert option_label("x" * 200, 80) == "x" * 79 + "…"  # no space: cut at the width


def test_without_accents_reads_case_and_accents_alike():
    from tracker.domain.text import without_accents

    assert without_accents("Planeación") == without_accents("PLANEACION") == "planeacion"
    assert without_accents("  Alto  Patía ") == "  alto  patia "  # spaces kept


def test_searchable_folds_each_text_on_its_own_line():
    from tracker.domain.text import searchable

    assert searchable("Reunión en BOGOTÁ", None, "  ", "Meeting in Bogotá") == \
        "reunion en bogota\nmeeting in bogota"
    assert searchable() == "" and searchable(None, "") == ""
    assert "bogota meeting" not in searchable("en Bogotá", "Meeting")  # never across texts


@pytest.mark.parametrize("written, value", [
    ("true", True), ("false", False), ("yes", True), ("no", False), ("1", True), ("0", False),
    ("sí", True), ("si", True), ("SÍ", True), ("Si\u0301", True), ("y", True), ("n", False),
    (" TRUE ", True), ("False", False)])
def test_every_spelling_of_a_yes_no_value(written, value):
    from tracker.domain.text import parse_boolean

    assert parse_boolean(written) is value


@pytest.mark.parametrize("written", ["", " ", "maybe", "2", "-1", "verdadero", "oui", "t",
                                     "true!", "yes no"])
def test_anything_else_is_not_a_yes_no_value(written):
    from tracker.domain.text import parse_boolean

    with pytest.raises(ValueError, match="not a yes/no value"):
        parse_boolean(written)


def test_a_file_column_reads_the_same_spellings_and_an_empty_cell_as_no():
    from tracker.domain.text import BOOLEAN_WORDS
    from tracker.tables import parse_bool

    assert all(parse_bool(word.upper()) is value for word, value in BOOLEAN_WORDS.items())
    assert parse_bool("") is False
    with pytest.raises(ValueError):
        parse_bool("maybe")
