from datetime import datetime, timedelta, timezone

from tracker.domain.resubmit import RESUBMIT_WINDOW, repeats

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_the_same_values_by_the_same_author_within_the_window_repeat():
    assert repeats((1, "a"), (1, "a"), same_author=True, earlier_at=NOW - RESUBMIT_WINDOW,
                   now=NOW)


def test_other_values_another_author_a_later_time_or_a_closed_first_do_not_repeat():
    recent = NOW - timedelta(minutes=1)
    assert not repeats((1, "a"), (1, "b"), same_author=True, earlier_at=recent, now=NOW)
    assert not repeats((1, "a"), (1, "a"), same_author=False, earlier_at=recent, now=NOW)
    assert not repeats((1, "a"), (1, "a"), same_author=True,
                       earlier_at=NOW - RESUBMIT_WINDOW - timedelta(seconds=1), now=NOW)
    assert not repeats((1, "a"), (1, "a"), same_author=True, earlier_at=recent, now=NOW,
                       still_open=False)

