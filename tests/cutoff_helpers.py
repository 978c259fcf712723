"""A small accord whose records carry chosen recording and review times, so figures as
known at a moment can be computed by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone

from tracker.extensions import db
from tracker.models import Accord, Provision, Section, StatusRecord

T0 = datetime(2023, 1, 1, tzinfo=timezone.utc)  # the accord is entered
T1 = datetime(2024, 1, 10, 9, 0, tzinfo=timezone.utc)
T2 = datetime(2024, 2, 10, 9, 0, tzinfo=timezone.utc)
T3 = datetime(2024, 3, 10, 9, 0, tzinfo=timezone.utc)
T4 = datetime(2024, 4, 10, 9, 0, tzinfo=timezone.utc)


def small_accord(slug: str = "hand-worked", public: bool = True) -> Accord:
    """Accord signed 2020-01-01 with provisions A (point 1, priority, tag gender), B (point
    1), C (point 2), D (point 2, deadline 2020-04-30), and these records:

    - A: 2 from 2020-06-01, recorded and verified at T1;
    - B: 3 from 2020-03-01, recorded at T1, verified at T3;
    - C: 1 from 2020-02-01, recorded at T2, rejected at T3;
    - D: 1 from 2020-01-15, recorded at T2, verified on entry with no review time;
    - A: 3 from 2020-05-01, recorded and verified at T4 (a late record, earlier date).
    """
    accord = Accord(slug=slug, name="Hand-worked accord", country="Nowhere",
                    signed_on=date(2020, 1, 1), created_at=T0, public=public)
    db.session.add(accord)
    db.session.flush()
    one = Section(accord_id=accord.id, code="1", title="Point one", position=1)
    two = Section(accord_id=accord.id, code="2", title="Point two", position=2)
    db.session.add_all([one, two])
    db.session.flush()
    from tracker.models import ProvisionTag

    made = {}
    for code, section, priority, deadline in (("A", one, True, None), ("B", one, False, None),
                                              ("C", two, False, None),
                                              ("D", two, False, date(2020, 4, 30))):
        made[code] = Provision(accord_id=accord.id, section_id=section.id, code=code,
                               text=code, priority=priority, deadline=deadline)
        db.session.add(made[code])
    db.session.flush()
    db.session.add(ProvisionTag(provision_id=made["A"].id, tag="gender"))
    for code, level, effective, recorded, state, reviewed in (
            ("A", 2, date(2020, 6, 1), T1, "verified", T1),
            ("B", 3, date(2020, 3, 1), T1, "verified", T3),
            ("C", 1, date(2020, 2, 1), T2, "rejected", T3),
            ("D", 1, date(2020, 1, 15), T2, "verified", None),
            ("A", 3, date(2020, 5, 1), T4, "verified", T4)):
        db.session.add(StatusRecord(accord_id=accord.id, provision_id=made[code].id,
                                    level=level, effective_on=effective, recorded_at=recorded,
                                    review_state=state, reviewed_at=reviewed, source="import"))
    db.session.commit()
    return accord
