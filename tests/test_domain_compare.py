"""Pure domain layer: comparison with reference accords at equal time since signing.

Expected values are worked out by hand and written as literals; they are never recomputed with
the code under test.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.domain.compare import (
    MAX_YEARS,
    AccordData,
    Distribution,
    TypeComparison,
    anniversary,
    compare_types,
    current_year,
    percentile,
    reference_levels,
    score_curve,
    type_levels,
    year_end,
    years_elapsed,
)
from tracker.domain.metrics import Record, levels_as_of, summarize

F = Fraction
PROPS = settings(max_examples=150, deadline=None, database=None)


def rec(rid: int, pid: int, level: int, effective: date, recorded: datetime | None = None,
        state: str = "verified") -> Record:
    return Record(pid, level, effective,
                  recorded or datetime.combine(effective, time(12), UTC), rid, state)


# --- dates since signing ---------------------------------------------------------------------

@pytest.mark.parametrize("signed, years, expected", [
    (date(2016, 11, 24), 0, date(2016, 11, 24)),
    (date(2016, 11, 24), 1, date(2017, 11, 24)),
    (date(2016, 11, 24), 10, date(2026, 11, 24)),
    (date(2020, 2, 29), 1, date(2021, 2, 28)),  # clipped in a common year
    (date(2020, 2, 29), 4, date(2024, 2, 29)),
    (date(2020, 2, 29), 5, date(2025, 2, 28)),
])
def test_anniversary(signed, years, expected):
    assert anniversary(signed, years) == expected


@pytest.mark.parametrize("signed, years, expected", [
    (date(2016, 11, 24), 0, date(2016, 12, 31)),
    (date(2016, 11, 24), 1, date(2017, 12, 31)),
    (date(2016, 1, 1), 1, date(2017, 12, 31)),
    (date(2020, 2, 29), 3, date(2023, 12, 31)),
])
def test_year_end(signed, years, expected):
    assert year_end(signed, years) == expected


@pytest.mark.parametrize("signed, as_of, expected", [
    (date(2016, 11, 24), date(2016, 11, 24), 0),
    (date(2016, 11, 24), date(2017, 11, 23), 0),
    (date(2016, 11, 24), date(2017, 11, 24), 1),
    (date(2016, 11, 24), date(2017, 12, 31), 1),
    (date(2016, 11, 24), date(2026, 11, 23), 9),
    (date(2016, 11, 24), date(2026, 11, 24), 10),
    (date(2016, 11, 24), date(2030, 1, 1), 13),
    (date(2016, 11, 24), date(2016, 1, 1), 0),  # before signing: 0, not negative
    (date(2016, 11, 24), date(2010, 12, 31), 0),
    (date(2019, 2, 28), date(2020, 2, 28), 1),
    (date(2019, 2, 28), date(2020, 2, 27), 0),
    # signed on 29 February
    (date(2020, 2, 29), date(2021, 2, 27), 0),
    (date(2020, 2, 29), date(2021, 2, 28), 1),  # anniversary() clips to 28 February
    (date(2020, 2, 29), date(2021, 3, 1), 1),
    (date(2020, 2, 29), date(2024, 2, 28), 3),
    (date(2020, 2, 29), date(2024, 2, 29), 4),
])
def test_years_elapsed(signed, as_of, expected):
    assert years_elapsed(signed, as_of) == expected


@pytest.mark.parametrize("signed, as_of, expected", [
    (date(2016, 11, 24), date(2016, 11, 24), 1),
    (date(2016, 11, 24), date(2017, 11, 23), 1),
    (date(2016, 11, 24), date(2017, 11, 24), 2),
    (date(2016, 11, 24), date(2025, 11, 23), 9),
    (date(2016, 11, 24), date(2025, 11, 24), 10),
    (date(2016, 11, 24), date(2026, 11, 24), 10),  # 11th year, capped
    (date(2016, 11, 24), date(2040, 6, 1), 10),
    (date(2016, 11, 24), date(2015, 1, 1), 1),  # before signing
    (date(2020, 2, 29), date(2021, 2, 27), 1),
    (date(2020, 2, 29), date(2021, 2, 28), 2),
    (date(2020, 2, 29), date(2021, 3, 1), 2),
])
def test_current_year(signed, as_of, expected):
    assert current_year(signed, as_of) == expected


def test_max_years():
    assert MAX_YEARS == 10


def test_feb_29_years_elapsed_agrees_with_anniversary():
    # the year is reached on the anniversary as anniversary() places it: 28 February
    signed = date(2020, 2, 29)
    first = anniversary(signed, 1)
    assert first == date(2021, 2, 28)
    assert years_elapsed(signed, first) == 1
    assert current_year(signed, first) == 2


def test_feb_29_score_curve_includes_year_reached_on_its_anniversary():
    # compare_types(year=1) reads the accord on 2021-02-28, so the curve has year 1 that day
    accord = AccordData("leap", "Leap", date(2020, 2, 29), {1: "DDR"},
                        [rec(1, 1, 3, date(2020, 6, 1))], None)
    assert compare_types(accord, [], 1).accord_as_of == date(2021, 2, 28)
    curve = score_curve(accord, [], date(2021, 2, 28), years=2)
    assert curve[0].accord_score == 100


def test_feb_29_score_curve_from_1_march():
    accord = AccordData("leap", "Leap", date(2020, 2, 29), {1: "DDR"},
                        [rec(1, 1, 3, date(2020, 6, 1))], None)
    curve = score_curve(accord, [], date(2021, 3, 1), years=2)
    assert [p.accord_score for p in curve] == [100, None]


# --- type levels -----------------------------------------------------------------------------

def test_type_levels_mean_per_type():
    types = {1: "A", 2: "A", 3: "A", 4: "B", 5: None, 6: "C"}
    levels = {1: 3, 2: 1, 4: 2, 5: 3}  # 3 and 6 have no level: 0
    result = type_levels(types, levels)
    assert result == {"A": F(4, 3), "B": F(2), "C": F(0)}
    assert all(type(v) is Fraction for v in result.values())
    assert type_levels({}, {1: 3}) == {}
    assert type_levels({1: None}, {1: 3}) == {}


# --- distribution and percentile -------------------------------------------------------------

@pytest.mark.parametrize("values, n, mean, median, q1, q3, minimum, maximum", [
    ([F(3, 2)], 1, F(3, 2), F(3, 2), F(3, 2), F(3, 2), F(3, 2), F(3, 2)),
    ([F(2), F(0)], 2, F(1), F(1), F(1, 2), F(3, 2), F(0), F(2)),
    ([F(1), F(3, 2)], 2, F(5, 4), F(5, 4), F(9, 8), F(11, 8), F(1), F(3, 2)),
    ([F(0), F(1), F(3)], 3, F(4, 3), F(1), F(1, 2), F(2), F(0), F(3)),
    ([F(3), F(0), F(2), F(1)], 4, F(3, 2), F(3, 2), F(3, 4), F(9, 4), F(0), F(3)),
    ([F(3), F(1, 2), F(5, 2), F(1), F(2)], 5, F(9, 5), F(2), F(1), F(5, 2), F(1, 2), F(3)),
    ([F(1), F(1), F(1), F(1)], 4, F(1), F(1), F(1), F(1), F(1), F(1)),
])
def test_distribution_of(values, n, mean, median, q1, q3, minimum, maximum):
    d = Distribution.of(values)
    assert (d.n, d.mean, d.median, d.q1, d.q3, d.minimum, d.maximum) == (
        n, mean, median, q1, q3, minimum, maximum)
    assert all(type(getattr(d, a)) is Fraction
               for a in ("mean", "median", "q1", "q3", "minimum", "maximum"))


def test_distribution_as_dict():
    d = Distribution.of([F(0), F(1), F(3)])
    assert d.as_dict(2) == {"n": 3, "mean": 1.33, "median": 1.0, "q1": 0.5, "q3": 2.0,
                            "min": 0.0, "max": 3.0}
    assert d.as_dict(0) == {"n": 3, "mean": 1.0, "median": 1.0, "q1": 1.0, "q3": 2.0,
                            "min": 0.0, "max": 3.0}


VALUES = [F(0), F(1), F(1), F(2), F(3)]


@pytest.mark.parametrize("value, values, expected", [
    (F(1), VALUES, F(40)),  # 1 below, 2 equal: (2 + 2) / 10
    (F(0), VALUES, F(10)),
    (F(3), VALUES, F(90)),
    (F(5, 2), VALUES, F(80)),
    (F(3, 2), VALUES, F(60)),
    (F(4), VALUES, F(100)),
    (F(-1), VALUES, F(0)),
    (F(2), [F(2)], F(50)),
    (F(1), [F(2)], F(0)),
    (F(3), [F(2)], F(100)),
    (F(1), [F(1), F(1), F(1)], F(50)),
    (F(2), [F(1), F(1), F(3)], F(200, 3)),
])
def test_percentile_mid_rank(value, values, expected):
    assert percentile(value, values) == expected


# --- the monitored accord and the reference set ----------------------------------------------

MON = AccordData(
    "mon", "Monitored", date(2016, 11, 24),
    {1: "DDR", 2: "DDR", 3: "ELEC", 4: "REFUGEE", 5: None},
    [
        rec(1, 1, 3, date(2017, 6, 1)),
        rec(2, 2, 1, date(2017, 10, 1)),
        rec(3, 3, 1, date(2017, 11, 24), datetime(2017, 11, 24, 9, tzinfo=UTC)),
        # pending, same effective date, recorded later: counts only with include_pending
        rec(4, 3, 3, date(2017, 11, 24), datetime(2017, 11, 24, 15, tzinfo=UTC), "pending"),
        rec(5, 4, 1, date(2017, 11, 25)),  # the day after the first anniversary
        rec(6, 2, 3, date(2018, 5, 1)),
        rec(7, 5, 3, date(2019, 2, 1)),  # untyped: in the score, not in the types
        rec(8, 1, 0, date(2017, 8, 1), state="rejected"),
    ],
)
REF_A = AccordData(  # coded 10 years
    "ref-a", "Reference A", date(2000, 3, 15), {11: "DDR", 12: "ELEC", 13: "ELEC"},
    [rec(11, 11, 1, date(2001, 6, 1)), rec(12, 12, 3, date(2001, 12, 31)),
     rec(13, 13, 2, date(2002, 1, 1))],
    horizon_years=10,
)
REF_B = AccordData(  # coded 1 year only
    "ref-b", "Reference B", date(2005, 7, 1), {21: "DDR", 22: "ELEC", 23: "LAND"},
    [rec(21, 21, 3, date(2006, 1, 1)), rec(22, 22, 1, date(2006, 5, 5)),
     rec(23, 23, 2, date(2006, 2, 2))],
    horizon_years=1,
)
REF_C = AccordData(  # coded 10 years, one type
    "ref-c", "Reference C", date(2010, 1, 10), {31: "DDR", 32: "DDR"},
    [rec(31, 31, 2, date(2010, 6, 1)), rec(32, 32, 2, date(2012, 12, 31))],
    horizon_years=10,
)
REF_UNCODED = AccordData(  # never coded: must never count
    "ref-x", "Uncoded", date(2008, 1, 1), {41: "DDR", 42: "ELEC", 43: "REFUGEE"},
    [rec(41, 41, 3, date(2008, 6, 1)), rec(42, 42, 3, date(2008, 6, 1)),
     rec(43, 43, 3, date(2008, 6, 1))],
    horizon_years=None,
)
REFS = [REF_A, REF_B, REF_C, REF_UNCODED]


def _rows(comparison):
    return {t.type_code: t for t in comparison.types}


@pytest.mark.parametrize("accord, year, expected", [
    (REF_A, 0, False), (REF_A, 1, True), (REF_A, 10, True), (REF_A, 11, False),
    (REF_B, 1, True), (REF_B, 2, False),
    (REF_UNCODED, 1, False),
])
def test_coded_in(accord, year, expected):
    assert accord.coded_in(year) is expected


def test_reference_levels_at_year_end():
    assert reference_levels(REF_A, 1) == {11: 1, 12: 3}
    assert reference_levels(REF_A, 2) == {11: 1, 12: 3, 13: 2}
    assert reference_levels(REF_C, 1) == {31: 2}


def test_levels_on_and_include_pending():
    day = date(2017, 11, 24)
    assert MON.levels_on(day) == {1: 3, 2: 1, 3: 1}
    assert replace(MON, include_pending=True).levels_on(day) == {1: 3, 2: 1, 3: 3}


def test_compare_types_year_1():
    c = compare_types(MON, REFS, 1)
    assert (c.year, c.accord_as_of, c.reference_accords) == (1, date(2017, 11, 24), 3)
    assert [t.type_code for t in c.types] == ["DDR", "ELEC", "REFUGEE"]  # LAND not ours
    ddr, elec, refugee = c.types
    # DDR: ours (3 + 1) / 2 = 2; references A 1, B 3, C (2 + 0) / 2 = 1
    assert ddr.accord_level == 2
    assert ddr.reference == Distribution(3, F(5, 3), F(1), F(1), F(2), F(1), F(3))
    assert ddr.difference == F(1, 3)
    assert ddr.percentile == F(200, 3)
    assert ddr.above_mean is True
    # ELEC: ours 1; references A (3 + 0) / 2 = 3/2 (13 starts the next day), B 1
    assert elec.accord_level == 1
    assert elec.reference == Distribution(2, F(5, 4), F(5, 4), F(9, 8), F(11, 8), F(1), F(3, 2))
    assert elec.difference == F(-1, 4)
    assert elec.percentile == F(25)
    assert elec.above_mean is False
    # REFUGEE: only the uncoded reference has it
    assert refugee == TypeComparison("REFUGEE", F(0), None, None)
    assert refugee.difference is None
    assert refugee.above_mean is False
    assert (c.compared, c.above) == (2, 1)


def test_compare_types_year_1_as_dict():
    assert compare_types(MON, REFS, 1).as_dict() == {
        "year": 1, "accord_as_of": "2017-11-24", "reference_accords": 3,
        "types_compared": 2, "types_above_mean": 1,
        "types": [
            {"provision_type": "DDR", "accord_level": 2.0,
             "reference": {"n": 3, "mean": 1.67, "median": 1.0, "q1": 1.0, "q3": 2.0,
                           "min": 1.0, "max": 3.0},
             "difference": 0.33, "percentile": 66.7, "above_mean": True},
            {"provision_type": "ELEC", "accord_level": 1.0,
             "reference": {"n": 2, "mean": 1.25, "median": 1.25, "q1": 1.13, "q3": 1.38,
                           "min": 1.0, "max": 1.5},
             "difference": -0.25, "percentile": 25.0, "above_mean": False},
            {"provision_type": "REFUGEE", "accord_level": 0.0, "reference": None,
             "difference": None, "percentile": None, "above_mean": False},
        ],
    }


def test_compare_types_year_1_include_pending():
    c = compare_types(replace(MON, include_pending=True), REFS, 1)
    elec = _rows(c)["ELEC"]
    assert elec.accord_level == 3
    assert elec.difference == F(7, 4)
    assert elec.percentile == 100
    assert _rows(c)["DDR"].accord_level == 2  # the rejected record still does not count
    assert (c.compared, c.above) == (2, 2)


def test_compare_types_year_2_excludes_references_not_coded():
    c = compare_types(MON, REFS, 2)
    # B is coded for one year only and the uncoded one never: A and C remain
    assert (c.year, c.accord_as_of, c.reference_accords) == (2, date(2018, 11, 24), 2)
    rows = _rows(c)
    assert rows["DDR"].accord_level == 3
    assert rows["DDR"].reference == Distribution(2, F(3, 2), F(3, 2), F(5, 4), F(7, 4),
                                                 F(1), F(2))
    assert rows["DDR"].percentile == 100
    assert rows["ELEC"].accord_level == 1
    assert rows["ELEC"].reference == Distribution(1, F(5, 2), F(5, 2), F(5, 2), F(5, 2),
                                                  F(5, 2), F(5, 2))
    assert rows["ELEC"].difference == F(-3, 2)
    assert rows["ELEC"].percentile == 0
    assert rows["REFUGEE"].accord_level == 1
    assert rows["REFUGEE"].reference is None
    assert (c.compared, c.above) == (2, 1)


def test_compare_types_as_of_now():
    as_of = date(2018, 4, 1)
    year = current_year(MON.signed_on, as_of)
    assert year == 2
    c = compare_types(MON, REFS, year, as_of=as_of)
    assert (c.year, c.accord_as_of, c.reference_accords) == (2, as_of, 2)
    rows = _rows(c)
    # provision 2 is still 1 on 1 April 2018 (3 from 1 May): DDR (3 + 1) / 2 = 2
    assert {code: t.accord_level for code, t in rows.items()} == {
        "DDR": 2, "ELEC": 1, "REFUGEE": 1}
    assert rows["DDR"].difference == F(1, 2)
    assert rows["DDR"].percentile == 75  # one below, one equal among two
    assert rows["DDR"].above_mean is True
    assert (c.compared, c.above) == (2, 1)


def test_compare_types_year_without_coded_references():
    c = compare_types(MON, REFS, 11)
    assert c.reference_accords == 0
    assert all(t.reference is None and t.percentile is None for t in c.types)
    assert (c.compared, c.above) == (0, 0)
    assert compare_types(MON, [], 1).reference_accords == 0


# --- score curve -----------------------------------------------------------------------------

def test_score_curve():
    curve = score_curve(MON, REFS, date(2020, 1, 15))
    assert [p.year for p in curve] == list(range(1, 11))
    # anniversaries: 2017-11-24 levels 3,1,1,0,0 = 5; 2018-11-24 3,3,1,1,0 = 8; 2019: 11
    assert [p.accord_score for p in curve] == [F(100, 3), F(160, 3), F(220, 3)] + [None] * 7
    # year 1: A 400/9, B 200/3, C 100/3; later years: A and C, both 200/3
    assert curve[0].reference == Distribution(3, F(1300, 27), F(400, 9), F(350, 9),
                                              F(500, 9), F(100, 3), F(200, 3))
    for point in curve[1:]:
        assert point.reference == Distribution(2, *[F(200, 3)] * 6)


def test_score_curve_as_dict():
    curve = score_curve(MON, REFS, date(2020, 1, 15))
    assert curve[0].as_dict() == {
        "year": 1, "accord_score": 33.33,
        "reference": {"n": 3, "mean": 48.15, "median": 44.44, "q1": 38.89, "q3": 55.56,
                      "min": 33.33, "max": 66.67},
    }
    assert curve[3].as_dict() == {
        "year": 4, "accord_score": None,
        "reference": {"n": 2, "mean": 66.67, "median": 66.67, "q1": 66.67, "q3": 66.67,
                      "min": 66.67, "max": 66.67},
    }


@pytest.mark.parametrize("as_of, scores", [
    (date(2017, 11, 23), [None] * 10),
    (date(2017, 11, 24), [F(100, 3)] + [None] * 9),
    (date(2030, 1, 1), [F(100, 3), F(160, 3)] + [F(220, 3)] * 8),
])
def test_score_curve_years_reached(as_of, scores):
    assert [p.accord_score for p in score_curve(MON, REFS, as_of)] == scores


def test_score_curve_beyond_coded_years_and_empty_reference():
    empty = AccordData("ref-e", "Empty", date(2001, 1, 1), {}, [], horizon_years=10)
    curve = score_curve(MON, REFS + [empty], date(2020, 1, 15), years=12)
    assert len(curve) == 12
    assert [p.reference.n if p.reference else None for p in curve] == (
        [3] + [2] * 9 + [None, None])  # the empty reference has no score
    assert [p.accord_score for p in curve[9:]] == [None, None, None]


def test_score_curve_include_pending():
    curve = score_curve(replace(MON, include_pending=True), REFS, date(2020, 1, 15), years=3)
    assert [p.accord_score for p in curve] == [F(140, 3), F(200, 3), F(260, 3)]


# --- properties ------------------------------------------------------------------------------

fractions = st.fractions(min_value=0, max_value=3, max_denominator=12)


@PROPS
@given(st.lists(fractions, min_size=1, max_size=12))
def test_prop_distribution_is_ordered(values):
    d = Distribution.of(values)
    assert d.n == len(values)
    assert d.minimum <= d.q1 <= d.median <= d.q3 <= d.maximum
    assert d.minimum <= d.mean <= d.maximum
    assert (d.minimum, d.maximum) == (min(values), max(values))


@PROPS
@given(fractions, st.lists(fractions, min_size=1, max_size=12))
def test_prop_percentile_in_range(value, values):
    p = percentile(value, values)
    assert 0 <= p <= 100
    if value > max(values):
        assert p == 100
    if value < min(values):
        assert p == 0


@PROPS
@given(st.dates(date(1990, 1, 1), date(2030, 12, 31)), st.integers(1, 12))
@example(date(2020, 2, 29), 1)
@example(date(2020, 2, 29), 4)
@example(date(2020, 2, 29), 5)
def test_prop_years_elapsed_on_anniversary(signed, years):
    day = anniversary(signed, years)
    assert years_elapsed(signed, day) == years
    assert years_elapsed(signed, day - timedelta(days=1)) == years - 1
    assert current_year(signed, day) == min(years + 1, 10)


@PROPS
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3),
                          st.dates(date(2016, 1, 1), date(2022, 12, 31))), max_size=15),
       st.dates(date(2016, 1, 1), date(2024, 12, 31)), st.booleans())
def test_prop_score_curve_matches_levels_at_anniversaries(rows, as_of, include_pending):
    records = [rec(i, pid, level, when, state="pending" if i % 3 == 0 else "verified")
               for i, (pid, level, when) in enumerate(rows, start=1)]
    accord = AccordData("p", "P", date(2016, 11, 24), {1: "A", 2: "A", 3: "B", 4: None},
                        records, include_pending=include_pending)
    for point in score_curve(accord, [], as_of):
        assert point.reference is None
        day = anniversary(accord.signed_on, point.year)
        if day <= as_of:
            levels = levels_as_of(records, day, include_pending)
            assert point.accord_score == summarize([1, 2, 3, 4], levels).score
        else:
            assert point.accord_score is None
