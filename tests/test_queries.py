"""The reads behind the figures agree with the full history."""
from datetime import date

import pytest

from tracker import queries, services
from tracker.domain import metrics
from tracker.domain.rules import Submission


@pytest.fixture
def mixed_history(demo):
    """Pending, rejected, repeated and reversed records on top of the seed."""
    first, second = demo.provisions[0], demo.provisions[1]
    changes = [(first, 2, date(2023, 1, 1)), (first, 2, date(2023, 6, 1)),
               (first, 1, date(2023, 9, 1)), (second, 3, date(2024, 2, 1))]
    records = []
    for provision, level, when in changes:
        records += services.submit([services.StatusChange(
            provision, Submission(level, when, None, "evidence"), provision.version)],
            verified=False)
    services.review(records[0], "verified", "")
    services.review(records[2], "rejected", "no source")
    return records


@pytest.mark.parametrize("include_pending", [False, True])
def test_level_changes_give_the_same_levels_as_every_record(demo, mixed_history,
                                                            include_pending):
    every = queries.records(demo.id, include_rejected=True)
    changes = queries.level_changes(demo.id, include_pending)
    assert 0 < len(changes) < len(every)
    dates = metrics.period_ends(demo.signed_on, date.today(), "month")
    for day in dates[::7] + [date(2023, 6, 1), date(2023, 9, 1), date.today()]:
        assert metrics.levels_as_of(changes, day, include_pending) == \
            metrics.levels_as_of(every, day, include_pending), day
    full = metrics.timeline({"all": [p.id for p in demo.provisions]}, every, dates,
                            include_pending)
    fast = metrics.timeline({"all": [p.id for p in demo.provisions]}, changes, dates,
                            include_pending)
    assert full == fast


def test_records_come_in_effect_order(demo, mixed_history):
    records = queries.records(demo.id)
    keys = [(r.effective_on, r.recorded_at, r.id) for r in records]
    assert keys == sorted(keys)
    assert all(r.review_state != "rejected" for r in records)
