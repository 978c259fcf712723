"""The schema: accords, their structure, provisions and append-only status history.

Rules that matter are database constraints (CHECKs, UNIQUEs, foreign keys and, in the
migration, triggers that keep status records append-only), not only Python checks.

One module a concept: `base` (vocabularies, the UTC column type), `accounts`, `accords`
(structure), `reference` (reference sets) and `history` (status records, audit events, the
level-change summary, uploads). Everything is importable from `tracker.models`; packages that
own their models (cut-offs) are imported here so there is one metadata.
"""
from __future__ import annotations

from .base import (ACCORD_KINDS, CONTENT_LANGUAGES, RECORD_SOURCES, REVIEW_STATES, ROLES,  # noqa: F401
                   TIME_FRAMES, UTCDateTime, utcnow)
from .accounts import Organization, User, RoleGrant  # noqa: F401
from .accords import (Accord, Section, ProvisionType, Provision, ProvisionTag, PriorityChange)  # noqa: F401
from .reference import ReferenceSet, ReferenceYear, ReferenceCoding  # noqa: F401
from .history import (StatusRecord, AuditEvent, LevelChange, LevelSummary, UploadBatch,
                      UPLOAD_STATES)  # noqa: F401
from ..cutoffs.models import Cutoff  # noqa: E402,F401  (its own package; one metadata)
from ..places.models import Place  # noqa: E402,F401  (its own package; one metadata)
from ..events.models import Event  # noqa: E402,F401  (its own package; one metadata)
