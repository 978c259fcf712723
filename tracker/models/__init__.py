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
                   TIME_FRAMES, UTCDateTime, one_of, utcnow)
from .accounts import Organization, User, RoleGrant  # noqa: F401
from .accords import (Accord, Section, ProvisionType, Provision, ProvisionTag, PriorityChange)  # noqa: F401
from .reference import ReferenceSet, ReferenceYear, ReferenceCoding  # noqa: F401
from .history import (StatusRecord, AuditEvent, LevelChange, LevelSummary, UploadBatch,
                      UPLOAD_STATES)  # noqa: F401

# Packages that own their models join the one metadata here. Imported as modules, not names:
# when one of them is imported first, it is still loading when it reaches this line.
from ..cutoffs import models as _cutoffs  # noqa: E402,F401
from ..places import models as _places  # noqa: E402,F401
from ..events import models as _events  # noqa: E402,F401
