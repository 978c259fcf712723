"""Pure domain layer: years since signing as the Peace Accords Matrix counts them.

Expected values are worked out by hand and written as literals; they are never recomputed with
the code under test.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.domain.alignment import DEFAULT_RULE, MAX_YEARS, AlignmentRule, infer_rule

PROPS = settings(max_examples=150, deadline=None, database=None)

#: Year 1 is the signing year up to 30 June, the next calendar year from 1 July.
MIDYEAR = AlignmentRule((6, 30), (7, 1))


def test_max_years():
    assert MAX_YEARS == 10


def test_default_rule():
    assert DEFAULT_RULE == AlignmentRule()
    assert DEFAULT_RULE == AlignmentRule((11, 17), (11, 21), 0, ())


# --- first year ------------------------------------------------------------------------------

@pytest.mark.parametrize("rule, signed, override, expected", [
    # around the default threshold: 17 November is the last day counted in its own year
    (DEFAULT_RULE, date(1993, 11, 16), None, 1993),
    (DEFAULT_RULE, date(1993, 11, 17), None, 1993),
    (DEFAULT_RULE, date(1993, 11, 18), None, 1994),  # not observed in PAM_ID: the rule decides
    (DEFAULT_RULE, date(1995, 11, 21), None, 1996),
    (DEFAULT_RULE, date(2016, 11, 24), None, 2017),
    (DEFAULT_RULE, date(2016, 12, 31), None, 2017),
    (DEFAULT_RULE, date(2017, 1, 1), None, 2017),
    (DEFAULT_RULE, date(2020, 2, 29), None, 2020),
    (DEFAULT_RULE, date(1991, 1, 6), None, 1991),  # Mali by the rule; PAM_ID has 1992
    # an accord's own first year wins over the rule, whatever it is
    (DEFAULT_RULE, date(1991, 1, 6), 1992, 1992),
    (DEFAULT_RULE, date(2016, 11, 24), 2016, 2016),
    (DEFAULT_RULE, date(2016, 1, 10), 2019, 2019),
    # another threshold
    (MIDYEAR, date(2000, 6, 30), None, 2000),
    (MIDYEAR, date(2000, 7, 1), None, 2001),
    (MIDYEAR, date(2000, 1, 1), None, 2000),
    (MIDYEAR, date(2000, 12, 31), None, 2001),
    # (1, 0): no day counts in its own year, 1 January included
    (AlignmentRule((1, 0), (3, 1)), date(2001, 1, 1), None, 2002),
    # (12, 31): every day counts in its own year
    (AlignmentRule((12, 31), None), date(2001, 12, 31), None, 2001),
])
def test_first_year(rule, signed, override, expected):
    assert rule.first_year(signed, override) == expected


def test_first_year_override_keyword_defaults_to_rule():
    assert DEFAULT_RULE.first_year(date(1993, 11, 18)) == 1994
    assert DEFAULT_RULE.first_year(date(1993, 11, 18), override=None) == 1994


# --- year end --------------------------------------------------------------------------------

@pytest.mark.parametrize("signed, year, override, expected", [
    (date(2016, 11, 24), 1, None, date(2017, 12, 31)),
    (date(2016, 11, 24), 2, None, date(2018, 12, 31)),
    (date(2016, 11, 24), 10, None, date(2026, 12, 31)),
    (date(2016, 11, 17), 1, None, date(2016, 12, 31)),
    (date(2016, 11, 18), 1, None, date(2017, 12, 31)),
    (date(2016, 12, 31), 1, None, date(2017, 12, 31)),
    (date(2017, 1, 1), 1, None, date(2017, 12, 31)),
    (date(2020, 2, 29), 1, None, date(2020, 12, 31)),
    (date(2020, 2, 29), 3, None, date(2022, 12, 31)),
    (date(2016, 11, 24), 1, 2016, date(2016, 12, 31)),
    (date(1991, 1, 6), 1, 1992, date(1992, 12, 31)),
    (date(1991, 1, 6), 10, 1992, date(2001, 12, 31)),
])
def test_year_end(signed, year, override, expected):
    assert DEFAULT_RULE.year_end(signed, year, override) == expected


def test_year_end_other_rule():
    assert AlignmentRule((11, 30), (12, 1)).year_end(date(2016, 11, 24), 1) == date(2016, 12, 31)
    assert MIDYEAR.year_end(date(2016, 11, 24), 1) == date(2017, 12, 31)
    assert MIDYEAR.year_end(date(2016, 3, 1), 2) == date(2017, 12, 31)
    assert MIDYEAR.year_end(date(2016, 7, 1), 2) == date(2018, 12, 31)


# --- current year ----------------------------------------------------------------------------

@pytest.mark.parametrize("signed, as_of, override, expected", [
    # signed after the threshold: year 1 is 2017
    (date(2016, 11, 24), date(2010, 1, 1), None, 1),  # before signing
    (date(2016, 11, 24), date(2016, 11, 24), None, 1),
    (date(2016, 11, 24), date(2016, 12, 31), None, 1),  # late signing to 31 December: still 1
    (date(2016, 11, 24), date(2017, 1, 1), None, 1),
    (date(2016, 11, 24), date(2017, 12, 31), None, 1),
    (date(2016, 11, 24), date(2018, 1, 1), None, 2),
    (date(2016, 11, 24), date(2025, 12, 31), None, 9),
    (date(2016, 11, 24), date(2026, 1, 1), None, 10),
    (date(2016, 11, 24), date(2026, 12, 31), None, 10),
    (date(2016, 11, 24), date(2027, 1, 1), None, 10),  # 11th year, clamped
    (date(2016, 11, 24), date(2040, 6, 1), None, 10),
    # signed on the threshold day: year 1 is 2016
    (date(2016, 11, 17), date(2016, 11, 17), None, 1),
    (date(2016, 11, 17), date(2016, 12, 31), None, 1),
    (date(2016, 11, 17), date(2017, 1, 1), None, 2),
    (date(2016, 11, 17), date(2025, 6, 30), None, 10),
    (date(2016, 11, 17), date(2026, 1, 1), None, 10),
    # own first year
    (date(2016, 11, 24), date(2017, 6, 1), 2016, 2),
    (date(2016, 11, 24), date(2017, 6, 1), 2018, 1),  # before its year 1: 1, not 0
])
def test_current_year(signed, as_of, override, expected):
    assert DEFAULT_RULE.current_year(signed, as_of, override) == expected


# --- years completed -------------------------------------------------------------------------

@pytest.mark.parametrize("signed, as_of, override, expected", [
    # signed after the threshold: year 1 ends 2017-12-31
    (date(2016, 11, 24), date(2010, 12, 31), None, 0),  # before signing: 0, not negative
    (date(2016, 11, 24), date(2016, 11, 24), None, 0),
    (date(2016, 11, 24), date(2016, 12, 31), None, 0),  # 31 December of the signing year
    (date(2016, 11, 24), date(2017, 12, 30), None, 0),
    (date(2016, 11, 24), date(2017, 12, 31), None, 1),  # ends on 31 December itself
    (date(2016, 11, 24), date(2018, 1, 1), None, 1),
    (date(2016, 11, 24), date(2018, 12, 31), None, 2),
    (date(2016, 11, 24), date(2026, 12, 30), None, 9),
    (date(2016, 11, 24), date(2026, 12, 31), None, 10),
    (date(2016, 11, 24), date(2030, 1, 1), None, 10),  # 13, clamped
    # signed on the threshold day: year 1 ends 2016-12-31
    (date(2016, 11, 17), date(2016, 11, 17), None, 0),
    (date(2016, 11, 17), date(2016, 12, 30), None, 0),
    (date(2016, 11, 17), date(2016, 12, 31), None, 1),
    (date(2016, 11, 17), date(2017, 7, 1), None, 1),
    # own first year
    (date(2016, 11, 24), date(2016, 12, 31), 2016, 1),
    (date(1991, 1, 6), date(1991, 12, 31), 1992, 0),
    (date(1991, 1, 6), date(1992, 12, 31), 1992, 1),
])
def test_years_completed(signed, as_of, override, expected):
    assert DEFAULT_RULE.years_completed(signed, as_of, override) == expected


@pytest.mark.parametrize("as_of, limit, expected", [
    (date(2030, 1, 1), 0, 0),
    (date(2030, 1, 1), 3, 3),
    (date(2030, 1, 1), 12, 12),
    (date(2030, 1, 1), 20, 13),
    (date(2019, 6, 1), 12, 2),
    (date(2016, 12, 31), 12, 0),
])
def test_years_completed_limit(as_of, limit, expected):
    assert DEFAULT_RULE.years_completed(date(2016, 11, 24), as_of, limit=limit) == expected


# --- as_dict / from_dict ---------------------------------------------------------------------

@pytest.mark.parametrize("rule, expected", [
    (DEFAULT_RULE,
     {"last_same_year": "11-17", "first_next_year": "11-21", "observed": 0, "exceptions": []}),
    (AlignmentRule((6, 5), None, 3, ("Beta", "Alpha")),
     {"last_same_year": "06-05", "first_next_year": None, "observed": 3,
      "exceptions": ["Beta", "Alpha"]}),
    (AlignmentRule((1, 0), (1, 15), 2, ("X",)),
     {"last_same_year": "01-00", "first_next_year": "01-15", "observed": 2,
      "exceptions": ["X"]}),
    (AlignmentRule((11, 17), (11, 21), 34, ("National Pact",)),
     {"last_same_year": "11-17", "first_next_year": "11-21", "observed": 34,
      "exceptions": ["National Pact"]}),
])
def test_as_dict_and_round_trip(rule, expected):
    assert rule.as_dict() == expected
    assert AlignmentRule.from_dict(rule.as_dict()) == rule
    # as stored: through JSON
    assert AlignmentRule.from_dict(json.loads(json.dumps(rule.as_dict()))) == rule


@pytest.mark.parametrize("data", [None, {}])
def test_from_dict_empty_gives_default(data):
    assert AlignmentRule.from_dict(data) == DEFAULT_RULE


def test_from_dict_minimal():
    assert AlignmentRule.from_dict({"last_same_year": "12-01"}) == AlignmentRule(
        (12, 1), None, 0, ())
    assert AlignmentRule.from_dict(
        {"last_same_year": "03-09", "first_next_year": "04-02", "observed": "5",
         "exceptions": ["A"]}) == AlignmentRule((3, 9), (4, 2), 5, ("A",))


# --- infer_rule ------------------------------------------------------------------------------

@pytest.mark.parametrize("accords, expected", [
    pytest.param(
        [("A", date(2000, 3, 1), 2000), ("B", date(2001, 11, 10), 2001),
         ("C", date(2002, 12, 5), 2003)],
        AlignmentRule((11, 10), (12, 5), 3, ()), id="clean-split"),
    pytest.param(  # Mali-like: signed 6 January, year 1 the following year
        [("Mali", date(1991, 1, 6), 1992), ("X", date(2000, 5, 1), 2000),
         ("Y", date(2001, 10, 1), 2001), ("Z", date(2002, 12, 15), 2003)],
        AlignmentRule((10, 1), (12, 15), 4, ("Mali",)), id="early-exception"),
    pytest.param(  # two early next-year accords; exceptions sorted by name
        [("Zeta", date(1995, 1, 5), 1996), ("Alpha", date(1996, 2, 1), 1997),
         ("Beta", date(1997, 5, 1), 1997), ("Gamma", date(1998, 8, 1), 1998),
         ("Delta", date(1999, 9, 1), 1999), ("Eps", date(2000, 12, 10), 2001)],
        AlignmentRule((9, 1), (12, 10), 6, ("Alpha", "Zeta")), id="two-exceptions"),
    pytest.param(  # late same-year accord: cutting before it misplaces one, after it one too
        [("A", date(2000, 3, 1), 2000), ("B", date(2000, 6, 1), 2001),
         ("C", date(2000, 9, 1), 2000), ("D", date(2000, 12, 1), 2001)],
        AlignmentRule((3, 1), (6, 1), 4, ("C",)), id="tie-earliest-day"),
    pytest.param(  # tie between "no day in its own year" and 1 February: the earlier wins
        [("X", date(2000, 2, 1), 2000), ("Y", date(2000, 1, 15), 2001)],
        AlignmentRule((1, 0), (1, 15), 2, ("X",)), id="tie-with-none-same-year"),
    pytest.param(  # same day, both ways
        [("A", date(2000, 5, 1), 2000), ("B", date(2001, 5, 1), 2002),
         ("C", date(2002, 10, 1), 2002), ("D", date(2003, 12, 1), 2004)],
        AlignmentRule((10, 1), (12, 1), 4, ("B",)), id="same-day-conflict"),
    pytest.param(
        [("A", date(2000, 2, 1), 2000), ("B", date(2001, 7, 4), 2001),
         ("C", date(2002, 12, 30), 2002)],
        AlignmentRule((12, 30), None, 3, ()), id="all-same-year"),
    pytest.param(
        [("A", date(2000, 3, 1), 2001), ("B", date(2001, 11, 30), 2002)],
        AlignmentRule((1, 0), (3, 1), 2, ()), id="all-next-year"),
    pytest.param(  # year 1 two years on, or before signing: no vote, not an exception
        [("A", date(2000, 3, 1), 2000), ("B", date(2001, 11, 10), 2001),
         ("C", date(2002, 12, 5), 2003), ("Far", date(2003, 5, 1), 2005),
         ("Before", date(2004, 5, 1), 2003)],
        AlignmentRule((11, 10), (12, 5), 3, ()), id="non-voters"),
])
def test_infer_rule(accords, expected):
    assert infer_rule(accords) == expected


def test_infer_rule_consequences():
    # the all-same-year rule sends a day later than any observed one to the next year
    rule = infer_rule([("A", date(2000, 2, 1), 2000), ("B", date(2002, 12, 30), 2002)])
    assert rule.first_year(date(2001, 12, 31)) == 2002
    # the all-next-year rule sends 1 January to the next year
    rule = infer_rule([("A", date(2000, 3, 1), 2001)])
    assert rule.first_year(date(2001, 1, 1)) == 2002


def test_infer_rule_accepts_an_iterator():
    triples = iter([("A", date(2000, 3, 1), 2000), ("C", date(2002, 12, 5), 2003)])
    assert infer_rule(triples) == AlignmentRule((3, 1), (12, 5), 2, ())


@pytest.mark.parametrize("accords", [
    [],
    [("Far", date(2000, 5, 1), 2002)],
    [("Before", date(2000, 5, 1), 1999), ("Far", date(2001, 5, 1), 2011)],
])
def test_infer_rule_without_votes(accords):
    with pytest.raises(ValueError):
        infer_rule(accords)


#: PAM_ID v1.5 (29 July 2015): accord (date as in its name) and the calendar year coded as
#: year_count 1.
PAM_ID_V15 = [
    ("National Pact", date(1991, 1, 6), 1992),  # Mali
    ("Sudan Comprehensive Peace Agreement", date(2005, 1, 9), 2005),
    ("Chapultepec Peace Agreement", date(1992, 1, 16), 1992),
    ("Memorandum of Settlement (Bodo Accord)", date(1993, 2, 20), 1993),
    ("Ouagadougou Political Agreement (OPA)", date(2007, 3, 4), 2007),
    ("Luena Memorandum of Understanding", date(2002, 4, 4), 2002),
    ("Northern Ireland Good Friday Agreement", date(1998, 4, 10), 1998),
    ("Agreement Between the Republic Niger Government and the ORA", date(1995, 4, 15), 1995),
    ("Agreement between the Republic of Indonesia and the Portuguese Republic on East Timor",
     date(1999, 5, 5), 1999),
    ("Agreement for the Reform and Civil Concord", date(2001, 5, 12), 2001),
    ("General Agreement on the Establishment of Peace and National Accord in Tajikistan",
     date(1997, 6, 27), 1997),
    ("Lomé Peace Agreement", date(1999, 7, 7), 1999),
    ("Arusha Accord – 4 August 1993", date(1993, 8, 4), 1993),
    ("Ohrid Agreement", date(2001, 8, 13), 2001),
    ("MoU between the Government of the Republic of Indonesia and the Free Aceh Movement",
     date(2005, 8, 15), 2005),
    ("Accra Peace Agreement", date(2003, 8, 18), 2003),
    ("Bougainville Peace Agreement", date(2001, 8, 30), 2001),
    ("Mindanao Final Agreement", date(1996, 9, 2), 1996),
    ("General Peace Agreement for Mozambique", date(1992, 10, 4), 1992),
    ("Taif Accord", date(1989, 10, 22), 1989),
    ("Framework for a Comprehensive Political Settlement of the Cambodia Conflict",
     date(1991, 10, 23), 1991),
    ("Abuja Peace Agreement", date(1998, 11, 1), 1998),
    ("Arusha Peace and Reconciliation Agreement / Pretoria Protocol", date(2003, 11, 2), 2003),
    ("Erdut Agreement", date(1995, 11, 12), 1995),
    ("Lusaka Protocol", date(1994, 11, 15), 1994),
    ("Interim Constitution Accord", date(1993, 11, 17), 1993),
    ("General Framework Agreement for Peace in Bosnia and Herzegovina", date(1995, 11, 21), 1996),
    ("Comprehensive Peace Agreement", date(2006, 11, 21), 2007),
    ("Abidjan Peace Agreement", date(1996, 11, 30), 1997),
    ("Chittagong Hill Tracts Peace Accord (CHT)", date(1997, 12, 2), 1998),
    ("Accord de paix et de la reconciliation nationale", date(1994, 12, 26), 1995),
    ("Accord for a Firm and Lasting Peace", date(1996, 12, 29), 1997),
    ("Agreement on Ending Hostilities in the Republic of Congo", date(1999, 12, 29), 2000),
    ("General Peace Agreement between the Government of the Republic of Senegal and MFDC",
     date(2004, 12, 30), 2005),
]


def test_infer_rule_pam_id_v15():
    assert len(PAM_ID_V15) == 34
    rule = infer_rule(PAM_ID_V15)
    assert rule == AlignmentRule((11, 17), (11, 21), 34, ("National Pact",))
    # the default rule has the same thresholds
    assert (rule.last_same_year, rule.first_next_year) == (
        DEFAULT_RULE.last_same_year, DEFAULT_RULE.first_next_year)
    # order does not matter
    assert infer_rule(reversed(PAM_ID_V15)) == rule


# --- properties ------------------------------------------------------------------------------

days = st.dates(date(2001, 1, 1), date(2001, 12, 31)).map(lambda d: (d.month, d.day))
rules = st.one_of(
    st.just(DEFAULT_RULE), st.just(MIDYEAR),
    days.map(lambda cut: AlignmentRule(cut, None)),
)


@PROPS
@given(rules, st.dates(date(1985, 1, 1), date(2030, 12, 31)))
@example(DEFAULT_RULE, date(2016, 11, 17))
@example(DEFAULT_RULE, date(2016, 11, 18))
@example(DEFAULT_RULE, date(2016, 12, 31))
def test_prop_first_year_is_signing_year_or_next(rule, signed):
    first = rule.first_year(signed)
    assert first in (signed.year, signed.year + 1)
    # a later day of the same year never moves year 1 earlier
    if signed < date(signed.year, 12, 31):
        assert rule.first_year(signed + timedelta(days=1)) >= first


@PROPS
@given(rules, st.dates(date(1985, 1, 1), date(2030, 12, 31)),
       st.dates(date(1980, 1, 1), date(2050, 12, 31)),
       st.one_of(st.none(), st.integers(1984, 2032)))
@example(DEFAULT_RULE, date(2016, 11, 24), date(2016, 12, 31), None)
@example(DEFAULT_RULE, date(2016, 11, 24), date(2017, 12, 31), None)
@example(DEFAULT_RULE, date(2016, 11, 17), date(2016, 12, 31), None)
@example(DEFAULT_RULE, date(2016, 11, 24), date(2026, 12, 31), None)
def test_prop_years_agree_with_year_ends(rule, signed, as_of, override):
    ends = [rule.year_end(signed, n, override) for n in range(1, MAX_YEARS + 1)]
    # every year end is a 31 December, one calendar year apart
    assert all(e.month == 12 and e.day == 31 for e in ends)
    assert [e.year for e in ends] == list(range(ends[0].year, ends[0].year + MAX_YEARS))
    # years completed: the year ends on or before as_of
    assert rule.years_completed(signed, as_of, override) == sum(1 for e in ends if e <= as_of)
    # the year under way: after the previous year's end, up to its own end (within 1..10)
    year = rule.current_year(signed, as_of, override)
    assert 1 <= year <= MAX_YEARS
    if year > 1:
        assert ends[year - 2] < as_of
    if year < MAX_YEARS:
        assert as_of <= ends[year - 1]


@st.composite
def consistent_accords(draw):
    """Triples that a single threshold explains: year 1 is the next year after `cut`."""
    cut = draw(st.one_of(st.just((1, 0)), days))
    signed = draw(st.lists(st.dates(date(1989, 1, 1), date(2012, 12, 31)),
                           min_size=1, max_size=12))
    triples = [(f"A{i}", d, d.year + (1 if (d.month, d.day) > cut else 0))
               for i, d in enumerate(signed)]
    return triples


@PROPS
@given(consistent_accords())
def test_prop_infer_rule_fits_consistent_accords(triples):
    rule = infer_rule(triples)
    assert rule.exceptions == ()
    assert rule.observed == len(triples)
    for _name, signed, first in triples:
        assert rule.first_year(signed) == first
    assert AlignmentRule.from_dict(rule.as_dict()) == rule


ALL_CUTS = [(1, 0)] + [(d.month, d.day) for d in
                       (date(2000, 1, 1) + timedelta(days=i) for i in range(366))]


@st.composite
def any_accords(draw):
    """Triples with year 1 in the signing year or the next, whatever the signing day."""
    signed = draw(st.lists(st.dates(date(1989, 1, 1), date(2012, 12, 31)),
                           min_size=1, max_size=10))
    return [(f"A{i}", d, d.year + draw(st.integers(0, 1))) for i, d in enumerate(signed)]


@PROPS
@given(any_accords())
@example([("A", date(2000, 5, 1), 2000), ("B", date(2001, 5, 1), 2002)])
def test_prop_infer_rule_misplaces_fewest(triples):
    def misplaced(cut):
        return sorted(n for n, d, first in triples
                      if ((d.month, d.day) > cut) != (first == d.year + 1))

    rule = infer_rule(triples)
    fewest = min(len(misplaced(cut)) for cut in ALL_CUTS)
    assert len(rule.exceptions) == fewest
    assert list(rule.exceptions) == misplaced(rule.last_same_year)
    # no earlier cut does as well; no next-year accord after the cut is earlier than the first
    assert all(len(misplaced(cut)) > fewest for cut in ALL_CUTS if cut < rule.last_same_year)
    later = [(d.month, d.day) for _n, d, first in triples
             if first == d.year + 1 and (d.month, d.day) > rule.last_same_year]
    assert rule.first_next_year == (min(later) if later else None)
