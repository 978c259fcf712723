"""Pure domain layer: the 0-3 scale, rounding, status as of a date, summaries, timelines, pace.

Expected values are worked out by hand and written as literals; they are never recomputed with
the code under test. The property tests at the end check invariants on random records.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.metrics import (
    PROJECTION_HORIZON_DAYS,
    Filters,
    Pace,
    ProvisionInfo,
    Record,
    Summary,
    add_months,
    flags_hold_since,
    group_summaries,
    levels_as_of,
    month_end,
    months_between,
    ordered,
    overdue,
    pace,
    period_ends,
    ratio,
    select,
    summarize,
    timeline,
)
from tracker.domain.scale import (
    LevelError,
    level_key,
    level_label,
    parse_level,
    round_half_up,
    round_ratio,
)


def at(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=UTC)


def rec(rid: int, pid: int, level: int, effective: date, recorded: datetime | None = None,
        state: str = "verified") -> Record:
    """A record; by default recorded at noon UTC on its effective date."""
    return Record(pid, level, effective,
                  recorded or datetime.combine(effective, time(12), UTC), rid, state)


# --- scale: parse_level ----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (0, 0), (1, 1), (2, 2), (3, 3),
    ("0", 0), ("1", 1), ("2", 2), ("3", 3),
    (" 1 ", 1), ("2\n", 2),
    ("2.0", 2), ("0.0", 0), ("3.0", 3),
    (2.0, 2), (0.0, 0),
])
def test_parse_level_accepts(value, expected):
    result = parse_level(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [
    True, False, 4, -1, 10, "4", "-1", "+2", "x", "", " ", ".0", "2.5", "2.", "two",
    2.5, -1.0, 4.0, float("nan"), None, [2], b"2",
])
def test_parse_level_rejects(value):
    with pytest.raises(LevelError):
        parse_level(value)


def test_level_error_is_a_value_error():
    assert issubclass(LevelError, ValueError)


def test_parse_level_rejects_digits_int_would_misread():
    # str.isdigit() is True for these, but they are not the ASCII levels (int("²") even
    # raises a bare ValueError): they must all be refused with LevelError
    for value in ("²", "³", "2²", "３", "٣"):
        with pytest.raises(LevelError):
            parse_level(value)


@pytest.mark.parametrize("level, key, label", [
    (0, "not_initiated", "Not initiated"),
    (1, "minimal", "Minimal"),
    (2, "intermediate", "Intermediate"),
    (3, "complete", "Complete"),
])
def test_level_keys_and_labels(level, key, label):
    assert level_key(level) == key
    assert level_label(level) == label


# --- scale: round_half_up --------------------------------------------------------------------

@pytest.mark.parametrize("value, places, expected", [
    # halves go up (not to even, as the built-in round does)
    (Fraction(1, 2), 0, 1.0),
    (Fraction(5, 2), 0, 3.0),
    (0.5, 0, 1.0),
    (2.5, 0, 3.0),
    (Fraction(1, 8), 2, 0.13),
    (0.125, 2, 0.13),
    (Fraction(1, 200), 2, 0.01),
    (Fraction(1, 16), 3, 0.063),
    (Fraction(1, 16) * 100, 1, 6.3),
    # fractions are rounded exactly
    (Fraction(16, 27) * 100, 2, 59.26),
    (Fraction(1600, 27), 1, 59.3),
    (Fraction(1, 3) * 100, 1, 33.3),
    (Fraction(2, 3) * 100, 1, 66.7),
    (Fraction(200, 3), 2, 66.67),
    (Fraction(1, 3), 0, 0.0),
    (Fraction(2675, 1000), 2, 2.68),
    # floats are rounded as written (their shortest repr), not as stored in binary
    (2.675, 2, 2.68),
    (1.005, 2, 1.01),
    (0.045, 2, 0.05),
    (0.1 + 0.2, 1, 0.3),
    # ints, and negative halves (away from zero, symmetrically)
    (7, 2, 7.0),
    (100, 1, 100.0),
    (Fraction(-1, 8), 2, -0.13),
    (Fraction(-1, 3), 2, -0.33),
])
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert result == expected
    assert type(result) is float


def test_round_half_up_fraction_near_a_half_is_exact():
    # within 1e-30 of a rounding boundary: a 28-digit Decimal division would call it a tie
    assert round_half_up(Fraction(5 * 10**30 - 1, 10**33), 2) == 0.0
    assert round_half_up(Fraction(5 * 10**30 + 1, 10**33), 2) == 0.01
    assert round_half_up(Fraction(-(5 * 10**30 - 1), 10**33), 2) == 0.0


def test_round_half_up_large_values():
    assert round_half_up(10**30, 2) == 1e30
    assert round_half_up(Fraction(10**40 + 1, 2), 0) == 5e39


@settings(max_examples=400, deadline=None)
@given(st.integers(-10**12, 10**12), st.integers(1, 10**9), st.integers(0, 4))
def test_round_ratio_is_the_exact_half_up_rounding(numerator, denominator, places):
    # the definition, in fractions: |x| * 10^places + 1/2, floored, signed, over 10^places
    exact = Fraction(numerator, denominator)
    magnitude = (abs(exact) * 10**places + Fraction(1, 2)).__floor__()
    expected = float(Fraction(magnitude if exact >= 0 else -magnitude, 10**places))
    assert round_ratio(numerator, denominator, places) == expected
    assert round_half_up(exact, places) == expected


@settings(max_examples=300, deadline=None)
@given(st.tuples(*[st.integers(0, 400)] * 4))
def test_summary_as_dict_rounds_its_exact_shares_and_score(counts_):
    # as_dict rounds in integers; the same figures from the exact shares and score
    summary = Summary(counts_)
    shown = summary.as_dict()
    for level, key in enumerate(("not_initiated", "minimal", "intermediate", "complete")):
        share = summary.share(level)
        assert shown["shares"][key] == (None if share is None else
                                        round_half_up(share * 100, 1))
    assert shown["score"] == (None if summary.score is None else round_half_up(summary.score, 2))


# --- Summary ---------------------------------------------------------------------------------

@pytest.mark.parametrize("counts_, expected", [
    ((1, 1, 1, 1), {
        "provisions": 4,
        "counts": {"not_initiated": 1, "minimal": 1, "intermediate": 1, "complete": 1},
        "shares": {"not_initiated": 25.0, "minimal": 25.0, "intermediate": 25.0,
                   "complete": 25.0},
        "score": 50.0}),
    ((1, 2, 0, 0), {
        "provisions": 3,
        "counts": {"not_initiated": 1, "minimal": 2, "intermediate": 0, "complete": 0},
        "shares": {"not_initiated": 33.3, "minimal": 66.7, "intermediate": 0.0,
                   "complete": 0.0},
        "score": 22.22}),  # 200/9
    ((0, 1, 1, 1), {
        "provisions": 3,
        "counts": {"not_initiated": 0, "minimal": 1, "intermediate": 1, "complete": 1},
        "shares": {"not_initiated": 0.0, "minimal": 33.3, "intermediate": 33.3,
                   "complete": 33.3},
        "score": 66.67}),  # 600/9
    ((1, 2, 4, 2), {
        "provisions": 9,
        "counts": {"not_initiated": 1, "minimal": 2, "intermediate": 4, "complete": 2},
        "shares": {"not_initiated": 11.1, "minimal": 22.2, "intermediate": 44.4,
                   "complete": 22.2},
        "score": 59.26}),  # 1600/27
    ((1, 0, 0, 15), {
        "provisions": 16,
        "counts": {"not_initiated": 1, "minimal": 0, "intermediate": 0, "complete": 15},
        "shares": {"not_initiated": 6.3, "minimal": 0.0, "intermediate": 0.0,
                   "complete": 93.8},  # 6.25 and 93.75 both go up
        "score": 93.75}),
    ((0, 7, 0, 1), {
        "provisions": 8,
        "counts": {"not_initiated": 0, "minimal": 7, "intermediate": 0, "complete": 1},
        "shares": {"not_initiated": 0.0, "minimal": 87.5, "intermediate": 0.0,
                   "complete": 12.5},
        "score": 41.67}),  # 1000/24
    ((0, 0, 0, 1), {
        "provisions": 1,
        "counts": {"not_initiated": 0, "minimal": 0, "intermediate": 0, "complete": 1},
        "shares": {"not_initiated": 0.0, "minimal": 0.0, "intermediate": 0.0,
                   "complete": 100.0},
        "score": 100.0}),
    ((0, 0, 0, 0), {
        "provisions": 0,
        "counts": {"not_initiated": 0, "minimal": 0, "intermediate": 0, "complete": 0},
        "shares": {"not_initiated": None, "minimal": None, "intermediate": None,
                   "complete": None},
        "score": None}),
])
def test_summary_as_dict(counts_, expected):
    assert Summary(counts_).as_dict() == expected


def test_summary_exact_figures():
    s = Summary((1, 2, 4, 2))
    assert s.provisions == 9
    assert s.score == Fraction(1600, 27)
    assert s.share(0) == Fraction(1, 9)
    assert s.share(2) == Fraction(4, 9)
    assert Summary().score is None
    assert Summary().share(3) is None
    assert Summary().provisions == 0


def test_summarize_missing_provision_is_level_zero_and_extra_levels_ignored():
    # provision 3 and 4 have no level; provision 9 is not in the set
    s = summarize([1, 2, 3, 4], {1: 3, 2: 1, 9: 2})
    assert s.counts == (2, 1, 0, 1)
    assert summarize([], {1: 3}).counts == (0, 0, 0, 0)


# --- levels_as_of ----------------------------------------------------------------------------

HISTORY = [
    rec(1, 1, 1, date(2020, 1, 10)),
    rec(2, 1, 2, date(2020, 3, 1)),
    rec(3, 1, 3, date(2020, 6, 1)),
    rec(4, 2, 3, date(2020, 2, 1)),
    rec(5, 2, 1, date(2020, 4, 15)),  # reversal: 3 then 1
]


@pytest.mark.parametrize("as_of, expected", [
    (date(2019, 12, 31), {}),
    (date(2020, 1, 9), {}),
    (date(2020, 1, 10), {1: 1}),  # the effective date itself counts
    (date(2020, 2, 1), {1: 1, 2: 3}),
    (date(2020, 2, 29), {1: 1, 2: 3}),
    (date(2020, 3, 1), {1: 2, 2: 3}),
    (date(2020, 4, 14), {1: 2, 2: 3}),
    (date(2020, 4, 15), {1: 2, 2: 1}),  # the reversal shows 1
    (date(2020, 5, 31), {1: 2, 2: 1}),
    (date(2020, 6, 1), {1: 3, 2: 1}),
    (date(2030, 1, 1), {1: 3, 2: 1}),
])
def test_levels_as_of_latest_effective_on_or_before(as_of, expected):
    assert levels_as_of(HISTORY, as_of) == expected
    assert levels_as_of(list(reversed(HISTORY)), as_of) == expected


def test_same_effective_date_later_recorded_wins():
    d = date(2020, 3, 1)
    records = [
        rec(10, 1, 2, d, at(2020, 3, 5)),
        rec(5, 1, 1, d, at(2020, 3, 2)),
        # recording time beats id: the later recorded one has the lower id
        rec(3, 2, 3, d, at(2020, 3, 9)),
        rec(7, 2, 1, d, at(2020, 3, 2)),
    ]
    assert levels_as_of(records, d) == {1: 2, 2: 3}
    assert levels_as_of(records[::-1], d) == {1: 2, 2: 3}


def test_same_effective_date_and_recording_time_higher_id_wins():
    d = date(2020, 3, 1)
    records = [rec(9, 1, 2, d, at(2020, 3, 1)), rec(4, 1, 1, d, at(2020, 3, 1))]
    assert levels_as_of(records, d) == {1: 2}
    assert levels_as_of(records[::-1], d) == {1: 2}


def test_recording_time_only_breaks_ties_on_effective_date():
    # a backdated entry recorded later does not override a later effective date
    records = [
        rec(1, 1, 3, date(2020, 1, 1), at(2020, 6, 1)),
        rec(2, 1, 1, date(2020, 2, 1), at(2020, 2, 2)),
    ]
    assert levels_as_of(records, date(2020, 3, 1)) == {1: 1}
    assert levels_as_of(records, date(2020, 1, 31)) == {1: 3}


def test_recorded_at_compares_instants_across_time_zones():
    plus5 = timezone(timedelta(hours=5))
    d = date(2020, 3, 1)
    records = [
        # 10:00 at UTC+5 is 05:00 UTC: earlier than 06:00 UTC although "10" > "06"
        Record(1, 3, d, datetime(2020, 3, 1, 10, tzinfo=plus5), 2),
        Record(1, 1, d, datetime(2020, 3, 1, 6, tzinfo=UTC), 1),
    ]
    assert levels_as_of(records, d) == {1: 1}


def test_pending_counted_only_with_include_pending():
    records = [
        rec(1, 1, 1, date(2020, 1, 1)),
        rec(2, 1, 3, date(2020, 2, 1), state="pending"),
        rec(3, 2, 2, date(2020, 1, 15), state="pending"),
    ]
    as_of = date(2020, 3, 1)
    assert levels_as_of(records, as_of) == {1: 1}
    assert levels_as_of(records, as_of, include_pending=True) == {1: 3, 2: 2}


def test_rejected_never_counted():
    records = [
        rec(1, 1, 1, date(2020, 1, 1)),
        rec(2, 1, 3, date(2020, 2, 1), state="rejected"),
        rec(3, 2, 2, date(2020, 1, 15), state="rejected"),
    ]
    as_of = date(2020, 3, 1)
    assert levels_as_of(records, as_of) == {1: 1}
    assert levels_as_of(records, as_of, include_pending=True) == {1: 1}


def test_ordered_keeps_counted_records_in_effect_order():
    a = rec(1, 1, 1, date(2020, 2, 1))
    b = rec(2, 2, 2, date(2020, 1, 1), at(2020, 1, 5))
    c = rec(3, 2, 3, date(2020, 1, 1), at(2020, 1, 2))
    p = rec(4, 1, 3, date(2020, 1, 20), state="pending")
    r = rec(5, 1, 0, date(2020, 1, 10), state="rejected")
    assert ordered([a, b, c, p, r]) == [c, b, a]
    assert ordered([a, b, c, p, r], include_pending=True) == [c, b, p, a]


# --- calendar helpers ------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (date(2021, 1, 31), 1, date(2021, 2, 28)),
    (date(2020, 1, 31), 1, date(2020, 2, 29)),
    (date(2020, 3, 31), -1, date(2020, 2, 29)),
    (date(2021, 3, 31), -1, date(2021, 2, 28)),
    (date(2020, 5, 31), 1, date(2020, 6, 30)),
    (date(2020, 8, 31), -6, date(2020, 2, 29)),
    (date(2020, 2, 29), 12, date(2021, 2, 28)),
    (date(2020, 2, 29), 48, date(2024, 2, 29)),
    (date(2020, 12, 15), 1, date(2021, 1, 15)),
    (date(2021, 1, 15), -1, date(2020, 12, 15)),
    (date(2021, 1, 31), -13, date(2019, 12, 31)),
    (date(2020, 10, 31), -12, date(2019, 10, 31)),
    (date(2020, 6, 15), 0, date(2020, 6, 15)),
])
def test_add_months_clips_day(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("d, expected", [
    (date(2020, 2, 10), date(2020, 2, 29)),
    (date(2021, 2, 1), date(2021, 2, 28)),
    (date(2100, 2, 1), date(2100, 2, 28)),
    (date(2000, 2, 1), date(2000, 2, 29)),
    (date(2021, 12, 5), date(2021, 12, 31)),
    (date(2021, 4, 30), date(2021, 4, 30)),
])
def test_month_end(d, expected):
    assert month_end(d) == expected


@pytest.mark.parametrize("start, end, freq, expected", [
    (date(2020, 1, 15), date(2020, 4, 10), "month",
     [date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31), date(2020, 4, 10)]),
    (date(2021, 1, 1), date(2021, 3, 31), "month",
     [date(2021, 1, 31), date(2021, 2, 28), date(2021, 3, 31)]),
    (date(2019, 11, 30), date(2020, 2, 1), "month",
     [date(2019, 11, 30), date(2019, 12, 31), date(2020, 1, 31), date(2020, 2, 1)]),
    (date(2021, 5, 20), date(2021, 5, 20), "month", [date(2021, 5, 20)]),
    (date(2021, 5, 2), date(2021, 5, 20), "month", [date(2021, 5, 20)]),
    (date(2021, 5, 2), date(2021, 5, 31), "month", [date(2021, 5, 31)]),
    (date(2020, 2, 10), date(2020, 11, 15), "quarter",
     [date(2020, 3, 31), date(2020, 6, 30), date(2020, 9, 30), date(2020, 11, 15)]),
    (date(2020, 12, 1), date(2021, 7, 1), "quarter",
     [date(2020, 12, 31), date(2021, 3, 31), date(2021, 6, 30), date(2021, 7, 1)]),
    (date(2020, 4, 1), date(2020, 6, 30), "quarter", [date(2020, 6, 30)]),
    (date(2020, 4, 1), date(2020, 5, 1), "quarter", [date(2020, 5, 1)]),
    (date(2016, 11, 24), date(2019, 6, 30), "year",
     [date(2016, 12, 31), date(2017, 12, 31), date(2018, 12, 31), date(2019, 6, 30)]),
    (date(2016, 11, 24), date(2018, 12, 31), "year",
     [date(2016, 12, 31), date(2017, 12, 31), date(2018, 12, 31)]),
    (date(2016, 1, 1), date(2016, 3, 1), "year", [date(2016, 3, 1)]),
])
def test_period_ends(start, end, freq, expected):
    assert period_ends(start, end, freq) == expected


@pytest.mark.parametrize("freq", ["month", "quarter", "year"])
def test_period_ends_end_before_start_is_empty(freq):
    assert period_ends(date(2020, 5, 2), date(2020, 5, 1), freq) == []


def test_period_ends_default_is_month():
    assert period_ends(date(2020, 1, 15), date(2020, 2, 10)) == [date(2020, 1, 31),
                                                                  date(2020, 2, 10)]


@pytest.mark.parametrize("freq", ["week", "months", "", "Month"])
def test_period_ends_rejects_unknown_frequency(freq):
    with pytest.raises(ValueError):
        period_ends(date(2020, 1, 1), date(2020, 6, 1), freq)
    with pytest.raises(ValueError):  # checked before the empty range
        period_ends(date(2020, 6, 1), date(2020, 1, 1), freq)


# --- timeline --------------------------------------------------------------------------------

TL_GROUPS = {"all": [1, 2, 3, 4], "priority": [1, 2], "security": [2, 3]}
TL_RECORDS = [
    rec(1, 1, 2, date(2020, 1, 10)),
    rec(2, 2, 1, date(2020, 2, 15)),
    rec(3, 2, 3, date(2020, 3, 20)),
    rec(4, 3, 1, date(2020, 3, 31)),
    rec(5, 1, 1, date(2020, 3, 5)),  # provision 1 goes back from 2 to 1
    rec(6, 5, 3, date(2020, 1, 1)),  # provision 5 is in no group
    rec(7, 4, 3, date(2020, 2, 1), state="pending"),
    rec(8, 3, 3, date(2020, 2, 1), state="rejected"),
]
TL_DATES = [date(2019, 12, 31), date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)]


def _counts(series):
    return {name: [s.counts for s in summaries] for name, summaries in series.items()}


def test_timeline_several_groups_provision_in_two_groups():
    result = timeline(TL_GROUPS, TL_RECORDS, TL_DATES)
    assert list(result) == ["all", "priority", "security"]
    assert _counts(result) == {
        "all": [(4, 0, 0, 0), (3, 0, 1, 0), (2, 1, 1, 0), (1, 2, 0, 1)],
        "priority": [(2, 0, 0, 0), (1, 0, 1, 0), (0, 1, 1, 0), (0, 1, 0, 1)],
        "security": [(2, 0, 0, 0), (2, 0, 0, 0), (1, 1, 0, 0), (0, 1, 0, 1)],
    }


def test_timeline_include_pending():
    result = timeline(TL_GROUPS, TL_RECORDS, TL_DATES, include_pending=True)
    assert _counts(result) == {
        "all": [(4, 0, 0, 0), (3, 0, 1, 0), (1, 1, 1, 1), (0, 2, 0, 2)],
        "priority": [(2, 0, 0, 0), (1, 0, 1, 0), (0, 1, 1, 0), (0, 1, 0, 1)],
        "security": [(2, 0, 0, 0), (2, 0, 0, 0), (1, 1, 0, 0), (0, 1, 0, 1)],
    }


def test_timeline_scores():
    result = timeline(TL_GROUPS, TL_RECORDS, TL_DATES)
    # all at 2020-03-31: levels 1, 3, 1, 0 -> 100 * 5 / 12
    assert [s.score for s in result["all"]] == [0, Fraction(50, 3), Fraction(25), Fraction(125, 3)]


def test_timeline_empty_group_no_dates_and_duplicate_ids():
    result = timeline({"none": [], "dup": [1, 1, 2]}, TL_RECORDS, [date(2020, 1, 31)])
    assert _counts(result) == {"none": [(0, 0, 0, 0)], "dup": [(1, 0, 1, 0)]}
    assert timeline(TL_GROUPS, TL_RECORDS, []) == {"all": [], "priority": [], "security": []}


# --- subsets ---------------------------------------------------------------------------------

PROVISIONS = [
    ProvisionInfo(1, "1.1.1", ("1", "1.1"), frozenset({"gender"}), True, "ELEC",
                  deadline=date(2020, 6, 30)),
    ProvisionInfo(2, "1.2.1", ("1", "1.2"), frozenset({"gender", "ethnic"}), False, "DDR",
                  deadline=date(2019, 12, 31)),
    ProvisionInfo(3, "2.1.1", ("2", "2.1"), frozenset(), True, "DDR"),
    ProvisionInfo(4, "2.1.2", ("2", "2.1"), frozenset({"ethnic"}), False, None,
                  responsible_actor="Government", time_frame="short"),
    ProvisionInfo(5, "3.1", ("3",), frozenset(), False, "ELEC",
                  responsible_actor="FARC", time_frame="long"),
]
LEVELS = {1: 3, 2: 1, 3: 2, 5: 0}  # 4 has no record


@pytest.mark.parametrize("filters, codes", [
    (Filters(), ["1.1.1", "1.2.1", "2.1.1", "2.1.2", "3.1"]),
    (Filters(section="1"), ["1.1.1", "1.2.1"]),
    (Filters(section="1.1"), ["1.1.1"]),
    (Filters(section="2.1"), ["2.1.1", "2.1.2"]),
    (Filters(section="3"), ["3.1"]),
    (Filters(section="1.1.1"), []),  # a provision code, not a section
    (Filters(section="9"), []),
    (Filters(tag="gender"), ["1.1.1", "1.2.1"]),
    (Filters(tag="ethnic"), ["1.2.1", "2.1.2"]),
    (Filters(tag="land"), []),
    (Filters(priority=True), ["1.1.1", "2.1.1"]),
    (Filters(priority=False), ["1.2.1", "2.1.2", "3.1"]),
    (Filters(provision_type="DDR"), ["1.2.1", "2.1.1"]),
    (Filters(provision_type="ELEC"), ["1.1.1", "3.1"]),
    (Filters(responsible_actor="Government"), ["2.1.2"]),
    (Filters(time_frame="long"), ["3.1"]),
    (Filters(section="2", priority=True), ["2.1.1"]),
    (Filters(tag="ethnic", provision_type="DDR"), ["1.2.1"]),
    (Filters(section="1", tag="gender", priority=False), ["1.2.1"]),
])
def test_select(filters, codes):
    assert [p.code for p in select(PROVISIONS, filters)] == codes


def test_group_summaries_by_type_skips_untyped():
    result = group_summaries(PROVISIONS, LEVELS, lambda p: [p.type_code] if p.type_code else [])
    assert result == {"ELEC": Summary((1, 0, 0, 1)), "DDR": Summary((0, 1, 1, 0))}


def test_group_summaries_by_tag_provision_in_several_groups():
    result = group_summaries(PROVISIONS, LEVELS, lambda p: sorted(p.tags))
    assert result == {"gender": Summary((0, 1, 0, 1)), "ethnic": Summary((1, 1, 0, 0))}


def test_group_summaries_by_section_at_any_depth():
    result = group_summaries(PROVISIONS, LEVELS, lambda p: p.section_path)
    assert result == {
        "1": Summary((0, 1, 0, 1)),
        "1.1": Summary((0, 0, 0, 1)),
        "1.2": Summary((0, 1, 0, 0)),
        "2": Summary((1, 0, 1, 0)),
        "2.1": Summary((1, 0, 1, 0)),
        "3": Summary((1, 0, 0, 0)),
    }


def test_group_summaries_by_top_section_of_a_selection():
    chosen = select(PROVISIONS, Filters(priority=True))
    result = group_summaries(chosen, LEVELS, lambda p: p.section_path[:1])
    assert result == {"1": Summary((0, 0, 0, 1)), "2": Summary((0, 0, 1, 0))}


# --- priority --------------------------------------------------------------------------------

@pytest.mark.parametrize("numerator, denominator, expected", [
    (Fraction(200, 3), Fraction(50), 1.333),
    (Fraction(50), Fraction(200, 3), 0.75),
    (Fraction(5), Fraction(3), 1.667),
    (Fraction(1), Fraction(16), 0.063),
    (Fraction(1), Fraction(2000), 0.001),
    (Fraction(2, 3), Fraction(1, 3), 2.0),
    (Fraction(0), Fraction(40), 0.0),
    (None, Fraction(1), None),
    (Fraction(1), None, None),
    (Fraction(1), Fraction(0), None),
    (Fraction(0), Fraction(0), None),
    (None, None, None),
])
def test_ratio(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


@pytest.mark.parametrize("changes, expected", [
    ([], None),
    ([(1, date(2020, 3, 1))], date(2020, 3, 1)),
    ([(1, date(2020, 3, 1)), (2, date(2021, 1, 15)), (1, date(2020, 7, 1))], date(2021, 1, 15)),
])
def test_flags_hold_since(changes, expected):
    assert flags_hold_since(changes) == expected
    assert flags_hold_since(iter(changes)) == expected


# --- pace ------------------------------------------------------------------------------------

def test_months_between():
    assert months_between(date(2024, 1, 1), date(2028, 1, 1)) == 48  # 1461 days
    assert months_between(date(2024, 1, 1), date(2024, 1, 1)) == 0


def test_pace_change_monthly_and_projection():
    p = pace(Fraction(50), Fraction(45), Fraction(26), date(2024, 1, 1), None)
    # 2 points a month, 50 to go: 25 months = int(25 x 30.4375) = 760 days
    assert p == Pace(score=50.0, change_since_previous=5.0, monthly_change_12m=2.0,
                     projected_completion=date(2026, 1, 30), months_to_target=None,
                     required_monthly_change=None)
    assert p.as_dict() == {
        "score": 50.0, "change_since_previous": 5.0, "monthly_change_12m": 2.0,
        "projected_completion": "2026-01-30", "months_to_target": None,
        "required_monthly_change": None,
    }


def test_pace_exact_fractions():
    p = pace(Fraction(1600, 27), Fraction(1400, 27), Fraction(1000, 27), date(2023, 6, 30), None)
    # change 200/27; monthly (600/27)/12 = 50/27; remaining 1100/27 -> 22 months -> 669 days
    assert p.score == 59.26
    assert p.change_since_previous == 7.41
    assert p.monthly_change_12m == 1.852
    assert p.projected_completion == date(2025, 4, 29)


def test_pace_required_monthly_change_to_target():
    p = pace(Fraction(50), Fraction(45), Fraction(26), date(2024, 1, 1), date(2028, 1, 1))
    assert p.months_to_target == 48.0
    assert p.required_monthly_change == 1.042  # 50 / 48
    p = pace(Fraction(50), None, None, date(2024, 1, 1), date(2026, 1, 1))
    # 731 days = 24.016... months; 50 / 24.016... = 2.0819...
    assert p.months_to_target == 24.0
    assert p.required_monthly_change == 2.082


@pytest.mark.parametrize("now, year_ago, monthly", [
    (Fraction(40), Fraction(40), 0.0),  # no change
    (Fraction(40), Fraction(52), -1.0),  # going backwards
])
def test_pace_no_projection_without_positive_pace(now, year_ago, monthly):
    p = pace(now, Fraction(40), year_ago, date(2024, 1, 1), None)
    assert p.monthly_change_12m == monthly
    assert p.projected_completion is None


@pytest.mark.parametrize("year_ago, monthly", [(Fraction(90), 0.833), (Fraction(100), 0.0)])
def test_pace_complete_projects_as_of(year_ago, monthly):
    p = pace(Fraction(100), Fraction(95), year_ago, date(2024, 1, 1), date(2028, 1, 1))
    assert p.projected_completion == date(2024, 1, 1)
    assert p.monthly_change_12m == monthly
    assert p.required_monthly_change == 0.0
    assert p.months_to_target == 48.0


@pytest.mark.parametrize("target", [date(2023, 12, 31), date(2024, 1, 1), None])
def test_pace_target_not_ahead_gives_none(target):
    p = pace(Fraction(50), Fraction(45), Fraction(26), date(2024, 1, 1), target)
    assert p.months_to_target is None
    assert p.required_monthly_change is None
    assert p.projected_completion == date(2026, 1, 30)


def test_pace_without_scores():
    p = pace(None, None, None, date(2024, 1, 1), date(2028, 1, 1))
    assert p == Pace(None, None, None, None, None, None)
    p = pace(Fraction(50), None, None, date(2024, 1, 1), None)
    assert p == Pace(50.0, None, None, None, None, None)
    p = pace(None, Fraction(40), Fraction(30), date(2024, 1, 1), date(2028, 1, 1))
    assert p == Pace(None, None, None, None, None, None)


def test_pace_projection_horizon():
    assert PROJECTION_HORIZON_DAYS == 73200
    as_of = date(2024, 1, 1)
    # 90 points to go at 1/12 a month: 1080 months = int(32872.5) days -> 90 years on
    p = pace(Fraction(10), None, Fraction(9), as_of, None)
    assert p.monthly_change_12m == 0.083
    assert p.projected_completion == date(2114, 1, 1)
    # 90 points to go at 1/120 a month: 10800 months, far beyond 200 years
    p = pace(Fraction(10), None, Fraction(99, 10), as_of, None)
    assert p.monthly_change_12m == 0.008
    assert p.projected_completion is None


@pytest.mark.parametrize("days, expected", [
    (73200, date(2224, 6, 1)),  # exactly on the horizon: still a date
    (73201, None),
])
def test_pace_projection_horizon_boundary(days, expected):
    months = Fraction(days * 1200, 36525)  # exactly `days` days
    monthly = Fraction(60) / months  # 60 points to go
    p = pace(Fraction(40), None, Fraction(40) - 12 * monthly, date(2024, 1, 1), None)
    assert p.projected_completion == expected


# --- overdue ---------------------------------------------------------------------------------

OVERDUE_PROVISIONS = [
    ProvisionInfo(1, "2.1", deadline=date(2020, 6, 30)),
    ProvisionInfo(2, "1.5", deadline=date(2020, 6, 30)),
    ProvisionInfo(3, "1.1", deadline=date(2020, 12, 31)),
    ProvisionInfo(4, "3.1", deadline=date(2021, 1, 1)),
    ProvisionInfo(5, "0.9"),
    ProvisionInfo(6, "4.4", deadline=date(2019, 3, 1)),
]
OVERDUE_LEVELS = {1: 1, 3: 3, 4: 2, 5: 0, 6: 2}  # 2 has no record


@pytest.mark.parametrize("as_of, codes", [
    (date(2019, 3, 1), []),  # deadline day itself is not late
    (date(2019, 3, 2), ["4.4"]),
    (date(2021, 1, 1), ["4.4", "1.5", "2.1"]),  # 1.1 complete; 3.1 due today
    (date(2021, 1, 2), ["4.4", "1.5", "2.1", "3.1"]),
])
def test_overdue(as_of, codes):
    assert [p.code for p in overdue(OVERDUE_PROVISIONS, OVERDUE_LEVELS, as_of)] == codes


# --- properties ------------------------------------------------------------------------------

PIDS = [1, 2, 3, 4, 5]
FEW_DATES = [date(2020, 1, 1), date(2020, 6, 30), date(2020, 12, 31)]
FEW_TIMES = [datetime(2021, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, 0, 0, 1, tzinfo=UTC)]
effective_dates = st.one_of(st.sampled_from(FEW_DATES),
                            st.dates(date(2020, 1, 1), date(2021, 12, 31)))
recorded_times = st.one_of(
    st.sampled_from(FEW_TIMES),
    st.datetimes(datetime(2020, 1, 1), datetime(2022, 6, 30), timezones=st.just(UTC)))
STATES = ["verified", "pending", "rejected"]
PROPS = settings(max_examples=150, deadline=None, database=None)


@st.composite
def record_lists(draw, states=STATES, max_size=20, ids_above=0):
    rows = draw(st.lists(st.tuples(
        st.sampled_from(PIDS), st.integers(0, 3), effective_dates, recorded_times,
        st.sampled_from(states)), max_size=max_size))
    ids = draw(st.lists(st.integers(ids_above + 1, ids_above + 10_000), min_size=len(rows),
                        max_size=len(rows), unique=True))
    return [Record(pid, level, eff, when, rid, state)
            for (pid, level, eff, when, state), rid in zip(rows, ids)]


query_dates = st.dates(date(2019, 12, 1), date(2022, 1, 31))
sorted_dates = st.lists(query_dates, max_size=8, unique=True).map(sorted)


@PROPS
@given(record_lists(), query_dates, st.booleans())
def test_prop_counts_sum_to_provisions_and_score_in_range(records, as_of, include_pending):
    s = summarize(PIDS, levels_as_of(records, as_of, include_pending))
    assert s.provisions == len(PIDS)
    assert all(n >= 0 for n in s.counts)
    assert 0 <= s.score <= 100
    assert 0 <= s.as_dict()["score"] <= 100
    assert set(levels_as_of(records, as_of, include_pending)) <= set(PIDS)


@PROPS
@given(record_lists(), record_lists(ids_above=10_000), query_dates, st.booleans())
def test_prop_records_after_as_of_change_nothing(records, extra, as_of, include_pending):
    later = [r for r in extra if r.effective_on > as_of]
    before = levels_as_of(records, as_of, include_pending)
    assert levels_as_of(records + later, as_of, include_pending) == before
    dates = [as_of]
    groups = {"all": PIDS, "odd": [1, 3, 5]}
    assert (timeline(groups, records + later, dates, include_pending)
            == timeline(groups, records, dates, include_pending))


@PROPS
@given(st.data(), record_lists(), sorted_dates, st.booleans())
def test_prop_input_order_never_matters(data, records, dates, include_pending):
    shuffled = data.draw(st.permutations(records))
    groups = {"all": PIDS, "some": [2, 3]}
    for d in dates:
        assert (levels_as_of(shuffled, d, include_pending)
                == levels_as_of(records, d, include_pending))
    assert (timeline(groups, shuffled, dates, include_pending)
            == timeline(groups, records, dates, include_pending))


@PROPS
@given(record_lists(), query_dates, st.sets(st.sampled_from(PIDS)), st.booleans())
def test_prop_subset_counts_never_exceed_whole(records, as_of, subset, include_pending):
    levels = levels_as_of(records, as_of, include_pending)
    part, whole = summarize(subset, levels), summarize(PIDS, levels)
    assert all(p <= w for p, w in zip(part.counts, whole.counts))
    assert part.provisions == len(subset)


@PROPS
@given(record_lists(max_size=25),
       st.dictionaries(st.sampled_from(["a", "b", "c"]),
                       st.sets(st.integers(1, 7)), max_size=3),  # 6 and 7 have no records
       sorted_dates, st.booleans())
def test_prop_timeline_equals_levels_as_of_then_summarize(records, groups, dates,
                                                          include_pending):
    result = timeline(groups, records, dates, include_pending)
    assert list(result) == list(groups)
    for name, ids in groups.items():
        assert len(result[name]) == len(dates)
        for d, summary in zip(dates, result[name]):
            assert summary == summarize(ids, levels_as_of(records, d, include_pending))


@PROPS
@given(record_lists(states=["verified", "rejected"]), sorted_dates)
def test_prop_include_pending_same_without_pending_records(records, dates):
    for d in dates:
        assert levels_as_of(records, d, True) == levels_as_of(records, d, False)
    groups = {"all": PIDS}
    assert timeline(groups, records, dates, True) == timeline(groups, records, dates, False)


@PROPS
@given(record_lists(), sorted_dates, st.booleans())
def test_prop_rejected_records_change_nothing(records, dates, include_pending):
    kept = [r for r in records if r.review_state != "rejected"]
    groups = {"all": PIDS}
    for d in dates:
        assert levels_as_of(kept, d, include_pending) == levels_as_of(records, d, include_pending)
    assert (timeline(groups, kept, dates, include_pending)
            == timeline(groups, records, dates, include_pending))


@PROPS
@given(st.dates(date(1990, 1, 1), date(2060, 12, 31)), st.integers(-240, 240))
def test_prop_add_months_lands_in_target_month(d, months):
    moved = add_months(d, months)
    assert moved.year * 12 + moved.month == d.year * 12 + d.month + months
    assert moved.day == min(d.day, month_end(moved).day)


@PROPS
@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 4000),
       st.sampled_from(["month", "quarter", "year"]))
def test_prop_period_ends_ascending_and_end_last(start, span, freq):
    end = start + timedelta(days=span)
    points = period_ends(start, end, freq)
    assert points[-1] == end
    assert all(a < b for a, b in pairwise(points))
    assert all(p == month_end(p) for p in points[:-1])
    assert points[0] >= start


def test_flag_dates_are_those_of_most_flags_in_force():
    from tracker.domain.metrics import FlagDates, flag_dates

    march, june, july = date(2018, 3, 29), date(2018, 6, 1), date(2018, 7, 1)
    changes = [(pid, march, (1, pid), True) for pid in range(1, 6)]
    # one flag set later, one set then cleared, one cleared and set again later
    changes += [(6, june, (2, 6), True), (5, june, (3, 5), False),
                (4, march, (4, 4), False), (4, july, (5, 4), True)]
    flagged = {1, 2, 3, 4, 6}
    assert flag_dates(changes, flagged) == FlagDates(march, 3, 5, july)
    assert flag_dates([], set()) == FlagDates(None, 0, 0, None)
    # ties: the earliest date
    assert flag_dates([(1, june, 1, True), (2, march, 2, True)], {1, 2}).most_on == march
