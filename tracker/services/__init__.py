"""The writes: status records, reviews, priority flags and provision edits, each audited in
one transaction.

Every function here either commits everything it was asked to do, or raises and leaves the
database as it was. Validation rules live in `domain.rules`; permissions are checked by the
caller (`permissions`), because the caller knows who is asking and answers 403.

One module per concept: `transaction` (what every write shares: commit or roll back, the
accord taken first, the audit event, the refusals), `status` (status records and their
history), `uploads` (an update workbook's confirmation), `review` (review decisions) and
`provisions` (a provision's priority flag and structure). The names callers use are
reachable here as `services.X`.
"""
from ..storage import Unavailable
from .provisions import STRUCTURE_FIELDS, edit_provision, set_priority
from .review import check_decision, decide, review
from .status import Recorded, StatusChange, check, current_level, history, record_json, submit
from .transaction import Conflict, Invalid, NotPending, audit, touch
from .uploads import AlreadyRecorded, confirm_upload

__all__ = ["AlreadyRecorded", "Conflict", "Invalid", "NotPending", "Recorded",
           "STRUCTURE_FIELDS", "StatusChange", "Unavailable", "audit", "check",
           "check_decision", "confirm_upload", "current_level", "decide", "edit_provision",
           "history", "record_json", "review", "set_priority", "submit", "touch"]
