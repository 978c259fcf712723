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
    assert change["score"] == 16.67  # 5/12 -> 7/12 of the points
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
