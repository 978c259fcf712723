"""domain.changes by hand: what moved between two reports."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.changes import Side, compare, delta, ranked_points
from tracker.domain.metrics import ProvisionInfo, Summary

P = [ProvisionInfo(1, "1.1", ("1",), frozenset({"gender"}), True),
     ProvisionInfo(2, "1.2", ("1",), frozenset(), False, deadline=date(2020, 6, 30)),
     ProvisionInfo(3, "2.1", ("2",), frozenset({"gender", "ethnic"}), True),
     ProvisionInfo(4, "2.2", ("2",), frozenset(), False, deadline=date(2019, 1, 1))]


def test_the_lists_and_the_changes():
    before = Side(date(2020, 1, 1), {1: 1, 2: 2, 3: 2})
    after = Side(date(2020, 12, 31), {1: 3, 2: 1, 3: 2, 4: 1})
    found = compare(P, before, after)
    assert [(m.provision.code, m.before, m.after) for m in found.moved_up] == [
        ("1.1", 1, 3), ("2.2", 0, 1)]
    assert [m.provision.code for m in found.moved_down] == ["1.2"]
    assert [m.provision.code for m in found.newly_complete] == ["1.1"]
    assert [p.code for p in found.newly_overdue] == ["1.2"]  # 2.2 was overdue already
    assert [m.provision.code for m in found.priority_unmoved] == ["2.1"]
    change = found.as_dict()["change"]
    # 5/12 -> 7/12 of the points, shown 41.67 -> 58.33: the change shown is their difference
    assert change["score"] == 16.66
    assert change["shares"]["complete"] == 25.0 and change["shares"]["not_initiated"] == -25.0
    tags = found.as_dict()["by_tag"]
    assert [t["tag"] for t in tags] == ["ethnic", "gender"]
    assert ranked_points(found)[0][0] == "1"  # 3/6 -> 4/6 against 2/6 -> 3/6: both +16.67
    assert delta(Summary(), Summary((1, 0, 0, 0)))["score"] is None


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.integers(0, 3), min_size=4, max_size=4),
       st.lists(st.integers(0, 3), min_size=4, max_size=4))
def test_every_provision_that_differs_is_up_or_down(old, new):
    before = Side(date(2020, 1, 1), dict(zip((1, 2, 3, 4), old)))
    after = Side(date(2021, 1, 1), dict(zip((1, 2, 3, 4), new)))
    found = compare(P, before, after)
    differ = {i for i, (a, b) in enumerate(zip(old, new), 1) if a != b}
    assert {m.provision.id for m in found.moved_up + found.moved_down} == differ
    assert not {m.provision.id for m in found.priority_unmoved} & differ
    same = compare(P, after, after).as_dict()
    assert same["change"]["score"] == 0 and not same["moved_up"] and not same["moved_down"]


def test_the_change_shown_is_the_difference_of_the_figures_shown():
    from fractions import Fraction

    from tracker.domain.changes import shown_difference

    # 40.476... shown 40.48 and 46.833... shown 46.83: +6.35 (not the exact +6.357 -> 6.36,
    # nor +6.34 from rounding the other way)
    assert shown_difference(Fraction(4047619, 100000), Fraction(4683333, 100000), 2) == \
        Fraction("6.35")
    assert shown_difference(Fraction(2147, 100), Fraction(2885, 100), 2) == Fraction("7.38")
    assert shown_difference(None, 1, 2) is None


def test_revisions_are_listed_apart_from_progress():
    """The earlier date as published, and as known later (a late record raised 1.1 on that
    date): 1.1 is a revision, not a move; 2.1 moved between the dates."""
    published = Side(date(2020, 1, 1), {1: 1, 2: 2, 3: 1})
    known_later = Side(date(2020, 1, 1), {1: 3, 2: 2, 3: 1})
    after = Side(date(2020, 12, 31), {1: 3, 2: 2, 3: 2})
    found = compare(P, published, after, known_later)
    assert [m.provision.code for m in found.moved_up] == ["2.1"]
    assert found.newly_complete == []
    assert [(m.provision.code, m.before, m.after) for m in found.revised] == [("1.1", 1, 3)]
    shown = found.as_dict()
    assert shown["revised_since_publication"][0]["code"] == "1.1"
    assert shown["change"]["score"] == round(
        shown["after"]["score"] - shown["before"]["score"], 2)
