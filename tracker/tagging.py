"""Typed tags to stored keys for every way in (provision edit form, structure importer):
the rule is `domain.tags`; this module feeds it the known tags' names in every language
(`i18n.known_tag_names`) and the free tags an accord already holds."""
from __future__ import annotations

from sqlalchemy import select

from .domain.tags import TagVocabulary
from .extensions import db
from .i18n import known_tag_names
from .models import Provision, ProvisionTag


def accord_tags(accord_id: int) -> set[str]:
    """The keys of every tag the accord's provisions carry."""
    return set(db.session.scalars(
        select(ProvisionTag.tag).join(Provision, Provision.id == ProvisionTag.provision_id)
        .where(Provision.accord_id == accord_id).distinct()))


def vocabulary(accord_id: int | None = None) -> TagVocabulary:
    """The tags a typed tag may mean: the known tags (key and label in every language),
    then the free tags of accord `accord_id` (none for an accord being created)."""
    names = known_tag_names()
    held = accord_tags(accord_id) if accord_id is not None else set()
    for key in sorted(held - names.keys()):
        names[key] = {key}
    return TagVocabulary(names)


def shown_names(keys) -> dict[str, set[str]]:
    """key -> every name it displays in any language (a free tag: itself), for checking
    that no two tags read alike (`domain.tags.clashes`)."""
    known = known_tag_names()
    return {key: known.get(key, {key}) for key in keys}
