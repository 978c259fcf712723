"""A verified status record written through the services, as every write path makes one:
what tests of caches and kept answers write to make an accord's figures change."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker import services
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.models import Provision


def submit_level(accord, code: str = "1.1.1", level: int = 3):
    """Record `level` for provision `code` of `accord`, effective today, verified; returns
    the record."""
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == accord.id, Provision.code == code))
    change = services.StatusChange(
        provision=provision, expected_version=provision.version,
        submission=Submission(level=level, effective_on=date.today(),
                              evidence_text="Published in the official gazette"))
    return services.submit([change], verified=True)[0]
