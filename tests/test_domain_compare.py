"""Pure domain layer: comparison with reference accords at equal time since signing.

Expected values are worked out by hand and written as literals; they are never recomputed with
the code under test.

Alignment (see test_domain_alignment.py): under the default rule the monitored accord, signed
on 24 November 2016 (after 17 November), has year 1 = 2017, read on 2017-12-31; year N is read
on 31 December of 2016 + N. Reference accords are coded per year_count, used as is.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.domain.alignment import DEFAULT_RULE, AlignmentRule
from tracker.domain.compare import (
    MAX_YEARS,
    AccordData,
    Distribution,
    ReferenceAccord,
    ReferenceYear,
    TypeComparison,
    compare_types,
    percentile,
    reference_curve,
    score_curve,
    type_levels,
)
from tracker.domain.metrics import Record, levels_as_of, summarize

F = Fraction
PROPS = settings(max_examples=150, deadline=None, database=None)
RY = ReferenceYear


def rec(rid: int, pid: int, level: int, effective: date, recorded: datetime | None = None,
        state: str = "verified") -> Record:
    return Record(pid, level, effective,
                  recorded or datetime.combine(effective, time(12), UTC), rid, state)


def test_max_years_is_alignments():
    assert MAX_YEARS == 10


# --- type levels -----------------------------------------------------------------------------

def test_type_levels_mean_and_count_per_type():
    types = {1: "A", 2: "A", 3: "A", 4: "B", 5: None, 6: "C"}
    levels = {1: 3, 2: 1, 4: 2, 5: 3}  # 3 and 6 have no level: 0
    result = type_levels(types, levels)
    assert result == {"A": (F(4, 3), 3), "B": (F(2), 1), "C": (F(0), 1)}
    assert all(type(mean) is Fraction for mean, _n in result.values())
    assert type_levels({}, {1: 3}) == {}
    assert type_levels({1: None}, {1: 3}) == {}


# --- reference years -------------------------------------------------------------------------

@pytest.mark.parametrize("levels, expected", [
    ({}, None),
    ({"DDR": 3}, F(100)),
    ({"DDR": 0}, F(0)),
    ({"DDR": 1, "ELEC": 2}, F(50)),
    ({"DDR": 3, "ELEC": 1, "LAND": 2}, F(200, 3)),
    ({"A": 0, "B": 0, "C": 1}, F(100, 9)),
])
def test_reference_year_score(levels, expected):
    score = RY(2001, levels).score
    assert score == expected
    if expected is not None:
        assert type(score) is Fraction


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
        rec(3, 3, 1, date(2017, 12, 31), datetime(2017, 12, 31, 9, tzinfo=UTC)),
        # pending, same effective date, recorded later: counts only with include_pending
        rec(4, 3, 3, date(2017, 12, 31), datetime(2017, 12, 31, 15, tzinfo=UTC), "pending"),
        rec(5, 4, 1, date(2018, 1, 1)),  # the day after year 1 ends
        rec(6, 2, 3, date(2018, 5, 1)),
        rec(7, 5, 3, date(2019, 2, 1)),  # untyped: in the score, not in the types
        rec(8, 1, 0, date(2017, 8, 1), state="rejected"),
    ],
)
# Year N since signing -> the reference accord's levels that year, as coded.
REF_A = ReferenceAccord(  # coded 10 years
    "ref-a", "Reference A", date(2000, 3, 15),
    {1: RY(2000, {"DDR": 1, "ELEC": 2}),
     **{n: RY(1999 + n, {"DDR": 1, "ELEC": 3}) for n in range(2, 11)}},
)
REF_B = ReferenceAccord(  # coded 1 year only
    "ref-b", "Reference B", date(2005, 7, 1),
    {1: RY(2005, {"DDR": 3, "ELEC": 1, "LAND": 2})},
)
REF_C = ReferenceAccord(  # coded 10 years, one type; signed late: year 1 is 2011
    "ref-c", "Reference C", date(2010, 12, 20),
    {1: RY(2011, {"DDR": 1}), **{n: RY(2010 + n, {"DDR": 3}) for n in range(2, 11)}},
)
REF_UNCODED = ReferenceAccord("ref-x", "Uncoded", date(2008, 1, 1), {})  # must never count
REFS = [REF_A, REF_B, REF_C, REF_UNCODED]
REF_GAP = ReferenceAccord(  # coded in years 1 and 3, not 2
    "ref-g", "Gap", date(2004, 12, 30),
    {1: RY(2005, {"DDR": 2, "REFUGEE": 3}), 3: RY(2007, {"DDR": 0, "REFUGEE": 2})},
)


def _rows(comparison):
    return {t.type_code: t for t in comparison.types}


@pytest.mark.parametrize("accord, year, expected", [
    (REF_A, 0, False), (REF_A, 1, True), (REF_A, 10, True), (REF_A, 11, False),
    (REF_B, 1, True), (REF_B, 2, False),
    (REF_UNCODED, 1, False),
    (REF_GAP, 1, True), (REF_GAP, 2, False), (REF_GAP, 3, True),
])
def test_coded_in(accord, year, expected):
    assert accord.coded_in(year) is expected


@pytest.mark.parametrize("accord, expected", [
    (REF_A, 10), (REF_B, 1), (REF_UNCODED, None), (REF_GAP, 3),
])
def test_last_year(accord, expected):
    assert accord.last_year == expected


def test_levels_on_and_include_pending():
    day = date(2017, 12, 31)
    assert MON.levels_on(day) == {1: 3, 2: 1, 3: 1}
    assert replace(MON, include_pending=True).levels_on(day) == {1: 3, 2: 1, 3: 3}


def test_compare_types_year_1():
    c = compare_types(MON, REFS, 1)
    assert (c.year, c.accord_as_of, c.reference_accords) == (1, date(2017, 12, 31), 3)
    assert [t.type_code for t in c.types] == ["DDR", "ELEC", "REFUGEE"]  # LAND not ours
    ddr, elec, refugee = c.types
    # DDR: ours (3 + 1) / 2 = 2 over two stipulations; references A 1, B 3, C 1
    assert (ddr.accord_level, ddr.stipulations) == (2, 2)
    assert ddr.reference == Distribution(3, F(5, 3), F(1), F(1), F(2), F(1), F(3))
    assert ddr.difference == F(1, 3)
    assert ddr.percentile == F(200, 3)
    assert ddr.above_mean is True
    # ELEC: ours 1 (the pending 3 does not count); references A 2, B 1
    assert (elec.accord_level, elec.stipulations) == (1, 1)
    assert elec.reference == Distribution(2, F(3, 2), F(3, 2), F(5, 4), F(7, 4), F(1), F(2))
    assert elec.difference == F(-1, 2)
    assert elec.percentile == F(25)
    assert elec.above_mean is False
    # REFUGEE: no reference accord coded in year 1 has it; ours starts the day after
    assert refugee == TypeComparison("REFUGEE", F(0), None, None, 1)
    assert refugee.difference is None
    assert refugee.above_mean is False
    assert (c.compared, c.above) == (2, 1)


def test_compare_types_default_rule_is_default():
    assert compare_types(MON, REFS, 1) == compare_types(MON, REFS, 1, rule=DEFAULT_RULE)


def test_compare_types_year_1_as_dict():
    assert compare_types(MON, REFS, 1).as_dict() == {
        "year": 1, "accord_as_of": "2017-12-31", "year_complete": True, "reference_accords": 3,
        "types_compared": 2, "types_above_mean": 1,
        "types": [
            {"provision_type": "DDR", "accord_level": 2.0, "stipulations": 2,
             "reference": {"n": 3, "mean": 1.67, "median": 1.0, "q1": 1.0, "q3": 2.0,
                           "min": 1.0, "max": 3.0},
             "difference": 0.33, "percentile": 66.7, "above_mean": True},
            {"provision_type": "ELEC", "accord_level": 1.0, "stipulations": 1,
             "reference": {"n": 2, "mean": 1.5, "median": 1.5, "q1": 1.25, "q3": 1.75,
                           "min": 1.0, "max": 2.0},
             "difference": -0.5, "percentile": 25.0, "above_mean": False},
            {"provision_type": "REFUGEE", "accord_level": 0.0, "stipulations": 1,
             "reference": None, "difference": None, "percentile": None,
             "above_mean": False},
        ],
    }


def test_type_comparison_as_dict_rounds_half_up():
    row = TypeComparison("DDR", F(5, 3), Distribution.of([F(1), F(2), F(2), F(3)]), F(125, 2), 3)
    # reference [1, 2, 2, 3]: mean 2, q1 7/4, q3 9/4; difference -1/3 -> -0.33
    assert row.as_dict() == {
        "provision_type": "DDR", "accord_level": 1.67, "stipulations": 3,
        "reference": {"n": 4, "mean": 2.0, "median": 2.0, "q1": 1.75, "q3": 2.25,
                      "min": 1.0, "max": 3.0},
        "difference": -0.33, "percentile": 62.5, "above_mean": False,
    }
    assert replace(row, percentile=F(1249, 20)).as_dict()["percentile"] == 62.5  # 62.45
    assert replace(row, accord_level=F(2)).above_mean is False  # equal to the mean


def test_compare_types_year_1_include_pending():
    c = compare_types(replace(MON, include_pending=True), REFS, 1)
    elec = _rows(c)["ELEC"]
    assert elec.accord_level == 3
    assert elec.difference == F(3, 2)
    assert elec.percentile == 100
    assert _rows(c)["DDR"].accord_level == 2  # the rejected record still does not count
    assert (c.compared, c.above) == (2, 2)


def test_compare_types_year_2_excludes_references_not_coded():
    c = compare_types(MON, REFS + [REF_GAP], 2)
    # B is coded for one year only, the gap accord not in year 2 and the uncoded one never
    assert (c.year, c.accord_as_of, c.reference_accords) == (2, date(2018, 12, 31), 2)
    rows = _rows(c)
    assert (rows["DDR"].accord_level, rows["DDR"].stipulations) == (3, 2)
    assert rows["DDR"].reference == Distribution(2, F(2), F(2), F(3, 2), F(5, 2), F(1), F(3))
    assert rows["DDR"].difference == 1
    assert rows["DDR"].percentile == 75  # one below, one equal among two
    assert rows["ELEC"].accord_level == 1
    assert rows["ELEC"].reference == Distribution(1, *[F(3)] * 6)
    assert rows["ELEC"].difference == -2
    assert rows["ELEC"].percentile == 0
    assert rows["REFUGEE"].accord_level == 1  # recorded on 2018-01-01
    assert rows["REFUGEE"].reference is None  # only the gap accord has it
    assert (c.compared, c.above) == (2, 1)


def test_compare_types_with_a_gap_year():
    c1 = compare_types(MON, REFS + [REF_GAP], 1)
    assert c1.reference_accords == 4
    refugee = _rows(c1)["REFUGEE"]
    assert refugee.reference == Distribution(1, *[F(3)] * 6)
    assert (refugee.difference, refugee.percentile) == (-3, 0)
    c3 = compare_types(MON, REFS + [REF_GAP], 3)
    assert (c3.accord_as_of, c3.reference_accords) == (date(2019, 12, 31), 3)
    rows = _rows(c3)
    # DDR: ours 3; references A 1, C 3, gap 0
    assert rows["DDR"].reference == Distribution(3, F(4, 3), F(1), F(1, 2), F(2), F(0), F(3))
    assert rows["DDR"].percentile == F(250, 3)  # two below, one equal among three
    assert rows["REFUGEE"].reference == Distribution(1, *[F(2)] * 6)
    assert (rows["REFUGEE"].accord_level, rows["REFUGEE"].difference) == (1, -1)


def test_compare_types_uses_year_count_not_calendar_year():
    # the same coding under other calendar years and signing date compares the same
    moved = ReferenceAccord("ref-a", "Reference A", date(1990, 12, 30),
                            {n: RY(1980 + n, y.levels) for n, y in REF_A.years.items()})
    for year in (1, 2, 10):
        assert (compare_types(MON, [moved, REF_B, REF_C], year)
                == compare_types(MON, [REF_A, REF_B, REF_C], year))


@pytest.mark.parametrize("accord, rule, year, as_of, levels", [
    # the accord's own first year: year 1 is 2016, so year 2 is read on 2017-12-31
    (replace(MON, first_year=2016), DEFAULT_RULE, 1, date(2016, 12, 31),
     {"DDR": 0, "ELEC": 0, "REFUGEE": 0}),
    (replace(MON, first_year=2016), DEFAULT_RULE, 2, date(2017, 12, 31),
     {"DDR": 2, "ELEC": 1, "REFUGEE": 0}),
    # a rule counting 24 November in its own year
    (MON, AlignmentRule((11, 30), (12, 1)), 2, date(2017, 12, 31),
     {"DDR": 2, "ELEC": 1, "REFUGEE": 0}),
    # the accord's first year wins over the rule
    (replace(MON, first_year=2018), AlignmentRule((11, 30), (12, 1)), 1, date(2018, 12, 31),
     {"DDR": 3, "ELEC": 1, "REFUGEE": 1}),
    (MON, DEFAULT_RULE, 3, date(2019, 12, 31), {"DDR": 3, "ELEC": 1, "REFUGEE": 1}),
])
def test_compare_types_first_year_and_rule(accord, rule, year, as_of, levels):
    c = compare_types(accord, REFS, year, rule=rule)
    assert c.accord_as_of == as_of
    assert {code: t.accord_level for code, t in _rows(c).items()} == levels


def test_compare_types_rule_does_not_move_references():
    # the reference accords are read at their year_count whatever the rule
    c = compare_types(MON, REFS, 1, rule=AlignmentRule((11, 30), (12, 1)))
    assert c.reference_accords == 3
    assert _rows(c)["DDR"].reference == Distribution(3, F(5, 3), F(1), F(1), F(2), F(1), F(3))


@pytest.mark.parametrize("as_of, year, references, levels", [
    # between signing and 31 December: year 1, nothing recorded yet
    (date(2016, 12, 15), 1, 3, {"DDR": 0, "ELEC": 0, "REFUGEE": 0}),
    (date(2017, 12, 31), 1, 3, {"DDR": 2, "ELEC": 1, "REFUGEE": 0}),
    (date(2018, 1, 1), 2, 2, {"DDR": 2, "ELEC": 1, "REFUGEE": 1}),
    (date(2018, 4, 1), 2, 2, {"DDR": 2, "ELEC": 1, "REFUGEE": 1}),
    (date(2018, 5, 1), 2, 2, {"DDR": 3, "ELEC": 1, "REFUGEE": 1}),
    (date(2030, 1, 1), 10, 2, {"DDR": 3, "ELEC": 1, "REFUGEE": 1}),
])
def test_compare_types_as_of_now(as_of, year, references, levels):
    assert DEFAULT_RULE.current_year(MON.signed_on, as_of) == year
    c = compare_types(MON, REFS, year, as_of=as_of)
    # read on as_of, or at the end of year 10 once it is over (2026-12-31)
    read_on = min(as_of, date(2026, 12, 31))
    assert (c.year, c.accord_as_of, c.reference_accords) == (year, read_on, references)
    assert c.complete == (read_on == date(2016 + year, 12, 31))
    assert {code: t.accord_level for code, t in _rows(c).items()} == levels


def test_compare_types_as_of_now_details():
    as_of = date(2018, 4, 1)
    c = compare_types(MON, REFS, 2, as_of=as_of)
    rows = _rows(c)
    # provision 2 is still 1 on 1 April 2018 (3 from 1 May): DDR (3 + 1) / 2 = 2 = the mean of
    # A 1 and C 3: not above it
    assert rows["DDR"].difference == 0
    assert rows["DDR"].percentile == 50  # one below, none equal among two
    assert rows["DDR"].above_mean is False
    assert (c.compared, c.above) == (2, 0)
    assert c.as_dict()["accord_as_of"] == "2018-04-01"


def test_compare_types_as_of_before_signing_day_counts_nothing():
    c = compare_types(MON, REFS, 1, as_of=date(2016, 11, 24))
    ddr = _rows(c)["DDR"]
    assert (ddr.accord_level, ddr.difference, ddr.percentile) == (0, F(-5, 3), 0)


def test_compare_types_year_without_coded_references():
    c = compare_types(MON, REFS, 11)
    assert (c.accord_as_of, c.reference_accords) == (date(2027, 12, 31), 0)
    assert all(t.reference is None and t.percentile is None for t in c.types)
    assert (c.compared, c.above) == (0, 0)
    assert compare_types(MON, [], 1).reference_accords == 0


def test_compare_types_accord_without_types():
    bare = AccordData("bare", "Bare", date(2016, 11, 24), {1: None},
                      [rec(1, 1, 3, date(2017, 1, 1))])
    c = compare_types(bare, REFS, 1)
    assert (c.types, c.reference_accords, c.compared, c.above) == ([], 3, 0, 0)


# --- reference curve -------------------------------------------------------------------------

# Scores: A year 1 {1, 2} 50, later {1, 3} 200/3; B year 1 {3, 1, 2} 200/3; C year 1 {1} 100/3,
# later {3} 100. Year 1: 100/3, 50, 200/3; years 2-10: 200/3, 100.
YEAR_1 = Distribution(3, F(50), F(50), F(125, 3), F(175, 3), F(100, 3), F(200, 3))
LATER = Distribution(2, F(250, 3), F(250, 3), F(75), F(275, 3), F(200, 3), F(100))


def test_reference_curve():
    curve = reference_curve(REFS)
    assert list(curve) == list(range(1, 11))
    assert curve[1] == YEAR_1
    assert all(curve[year] == LATER for year in range(2, 11))
    assert reference_curve(REFS, years=1) == {1: YEAR_1}
    assert reference_curve([]) == {}
    assert reference_curve([REF_UNCODED]) == {}


def test_reference_curve_with_gap_and_out_of_range_years():
    odd = ReferenceAccord("ref-o", "Odd", date(1995, 5, 5), {
        0: RY(1994, {"DDR": 3}),  # not a year since signing: never counted
        2: RY(1996, {}),  # no provision that year: no score
        11: RY(2005, {"DDR": 0, "ELEC": 3}),  # beyond the default ten years
    })
    assert {y: d.n for y, d in reference_curve(REFS + [REF_GAP, odd]).items()} == {
        1: 4, 2: 2, 3: 3, **{y: 2 for y in range(4, 11)}}
    assert reference_curve([odd], years=12) == {11: Distribution(1, *[F(50)] * 6)}
    assert reference_curve([REF_GAP], years=3) == {
        1: Distribution(1, *[F(250, 3)] * 6), 3: Distribution(1, *[F(100, 3)] * 6)}


# --- score curve -----------------------------------------------------------------------------

def test_score_curve():
    curve = score_curve(MON, REFS, date(2020, 1, 15))
    assert [p.year for p in curve] == list(range(1, 11))
    # year ends: 2017-12-31 levels 3,1,1,0,0 = 5; 2018-12-31 3,3,1,1,0 = 8; 2019-12-31: 11
    assert [p.accord_score for p in curve] == [F(100, 3), F(160, 3), F(220, 3)] + [None] * 7
    assert curve[0].reference == YEAR_1
    for point in curve[1:]:
        assert point.reference == LATER


def test_score_curve_as_dict():
    curve = score_curve(MON, REFS, date(2020, 1, 15))
    assert curve[0].as_dict() == {
        "year": 1, "accord_score": 33.33,
        "reference": {"n": 3, "mean": 50.0, "median": 50.0, "q1": 41.67, "q3": 58.33,
                      "min": 33.33, "max": 66.67},
    }
    assert curve[3].as_dict() == {
        "year": 4, "accord_score": None,
        "reference": {"n": 2, "mean": 83.33, "median": 83.33, "q1": 75.0, "q3": 91.67,
                      "min": 66.67, "max": 100.0},
    }


@pytest.mark.parametrize("as_of, scores", [
    (date(2016, 11, 24), [None] * 10),
    (date(2016, 12, 31), [None] * 10),  # 31 December of a late signing year: no year ended
    (date(2017, 12, 30), [None] * 10),
    (date(2017, 12, 31), [F(100, 3)] + [None] * 9),
    (date(2018, 1, 1), [F(100, 3)] + [None] * 9),
    (date(2018, 12, 31), [F(100, 3), F(160, 3)] + [None] * 8),
    (date(2030, 1, 1), [F(100, 3), F(160, 3)] + [F(220, 3)] * 8),
])
def test_score_curve_years_reached(as_of, scores):
    assert [p.accord_score for p in score_curve(MON, REFS, as_of)] == scores


@pytest.mark.parametrize("accord, rule, as_of, scores", [
    # year 1 is 2016 by the accord's own choice: read on 2016-12-31, 2017-12-31, ...
    (replace(MON, first_year=2016), DEFAULT_RULE, date(2018, 6, 1),
     [F(0), F(100, 3)] + [None] * 8),
    (MON, AlignmentRule((11, 30), (12, 1)), date(2016, 12, 31), [F(0)] + [None] * 9),
    (MON, AlignmentRule((11, 30), (12, 1)), date(2018, 12, 31),
     [F(0), F(100, 3), F(160, 3)] + [None] * 7),
])
def test_score_curve_first_year_and_rule(accord, rule, as_of, scores):
    assert [p.accord_score for p in score_curve(accord, REFS, as_of, rule=rule)] == scores


def test_score_curve_beyond_coded_years_and_empty_reference():
    empty = ReferenceAccord("ref-e", "Empty", date(2001, 1, 1),
                            {n: RY(2000 + n, {}) for n in range(1, 13)})
    curve = score_curve(MON, REFS + [empty], date(2020, 1, 15), years=12)
    assert len(curve) == 12
    assert [p.reference.n if p.reference else None for p in curve] == (
        [3] + [2] * 9 + [None, None])  # the empty reference has no score
    assert [p.accord_score for p in curve[9:]] == [None, None, None]
    assert [p.accord_score for p in score_curve(MON, REFS, date(2040, 1, 1), years=12)][9:] == [
        F(220, 3), F(220, 3), F(220, 3)]


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


@st.composite
def monitored(draw):
    """A small accord with random records, signing date, own first year and rule."""
    rows = draw(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3),
                                   st.dates(date(2015, 1, 1), date(2022, 12, 31))),
                         max_size=15))
    records = [rec(i, pid, level, when, state="pending" if i % 3 == 0 else "verified")
               for i, (pid, level, when) in enumerate(rows, start=1)]
    signed = draw(st.dates(date(2015, 1, 1), date(2017, 12, 31)))
    first_year = draw(st.one_of(st.none(), st.integers(signed.year, signed.year + 1)))
    return AccordData("p", "P", signed, {1: "A", 2: "A", 3: "B", 4: None}, records,
                      first_year=first_year, include_pending=draw(st.booleans()))


rules = st.sampled_from([DEFAULT_RULE, AlignmentRule((6, 30), (7, 1)),
                         AlignmentRule((1, 0), (1, 1)), AlignmentRule((12, 31), None)])


@PROPS
@given(monitored(), st.dates(date(2015, 1, 1), date(2030, 12, 31)), rules)
@example(AccordData("p", "P", date(2016, 11, 24), {1: "A"}, [rec(1, 1, 3, date(2017, 12, 31))]),
         date(2017, 12, 31), DEFAULT_RULE)
@example(AccordData("p", "P", date(2016, 11, 24), {1: "A"}, [rec(1, 1, 3, date(2016, 12, 1))]),
         date(2016, 12, 31), DEFAULT_RULE)
@example(AccordData("p", "P", date(2016, 11, 17), {1: "A"}, [rec(1, 1, 3, date(2016, 12, 1))]),
         date(2016, 12, 31), DEFAULT_RULE)
def test_prop_score_curve_matches_levels_at_year_ends(accord, as_of, rule):
    completed = rule.years_completed(accord.signed_on, as_of, accord.first_year)
    curve = score_curve(accord, [], as_of, rule=rule)
    assert [p.year for p in curve] == list(range(1, MAX_YEARS + 1))
    for point in curve:
        assert point.reference is None
        if point.year <= completed:
            day = rule.year_end(accord.signed_on, point.year, accord.first_year)
            assert day <= as_of
            levels = levels_as_of(accord.records, day, accord.include_pending)
            assert point.accord_score == summarize(accord.provision_types, levels).score
        else:
            assert point.accord_score is None
