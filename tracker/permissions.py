"""Who may do what: the one vocabulary of permission checks, used by views and templates."""
from __future__ import annotations

from .models import Accord

ROLE_RANK = {"viewer": 1, "editor": 2, "coordinator": 3, "admin": 4}


def _grants(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return user.roles


def is_admin(user) -> bool:
    return any(g.role == "admin" and g.accord_id is None for g in _grants(user))


def has_role_on(user, accord: Accord, minimum: str) -> bool:
    """Whether `user` holds `minimum` or a higher role over the whole accord (or everything)."""
    need = ROLE_RANK[minimum]
    return any(
        ROLE_RANK[g.role] >= need and (g.accord_id is None or g.accord_id == accord.id)
        and g.section_id is None
        for g in _grants(user)
    )


def has_any_role_on(user, accord: Accord) -> bool:
    return any(g.accord_id in (None, accord.id) for g in _grants(user))


def can_view(user, accord: Accord) -> bool:
    return accord.public or has_any_role_on(user, accord)
