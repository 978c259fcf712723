"""When a request repeats one just recorded: the browser's Back button and a second press
of "submit" send a form again with a fresh page's token, so neither the form token nor the
version catches it. One rule for every create form (status records, events and their
sources, role grants, cut-offs): the same author giving the same values within
RESUBMIT_WINDOW of the first, while the first is still open (a status record or an event
still pending review), records nothing and is answered as already recorded."""
from __future__ import annotations

from datetime import datetime, timedelta

#: How long after a first submission an identical one is taken as its repetition.
RESUBMIT_WINDOW = timedelta(minutes=15)


def repeats(given: tuple, earlier: tuple, *, same_author: bool, earlier_at: datetime,
            now: datetime, still_open: bool = True) -> bool:
    """Whether a submission giving the values `given` repeats an earlier one holding
    `earlier` (same shape, compared whole), recorded at `earlier_at` (aware UTC, like `now`)
    by the same author (`same_author`) and still open (`still_open`: e.g. pending review).
    A submission after the window, by someone else, or after the first was reviewed is a
    new one."""
    return (same_author and still_open and given == earlier
            and now - earlier_at <= RESUBMIT_WINDOW)
