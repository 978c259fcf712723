"""The provision timeline's order, by hand."""
from datetime import date

from tracker.domain.timeline import timeline


def test_newest_first_records_above_the_days_events_then_higher_ids():
    events = [(date(2020, 1, 1), 1, "e1"), (date(2021, 5, 1), 2, "e2"),
              (date(2021, 5, 1), 3, "e3")]
    records = [(date(2021, 5, 1), 10, "r10"), (date(2019, 1, 1), 11, "r11"),
               (date(2022, 1, 1), 12, "r12")]
    assert [e.item for e in timeline(events, records)] == \
        ["r12", "r10", "e3", "e2", "e1", "r11"]
    assert [e.kind for e in timeline(events, [])] == ["event"] * 3
    assert timeline([], []) == []
