"""tags stored by their key: a tag typed as a known tag's label (género, etnico) or as a
spelling of another tag of the same accord (reincorporacion beside reincorporación) becomes
that tag's key, so no two tags of an accord display the same name in any language

The same rule as `tracker.domain.tags` at this revision, with the known tags' names as they
were then (the rule is copied, not imported: a migration stays as it was written). A
provision holding both spellings keeps one row; every accord whose tags changed has its
revision raised (its caches and ETags follow), and its level summary with it (tags do not
change levels). Nothing else is touched. The merge cannot be undone: downgrade keeps it.

Revision ID: 0012_tag_keys
Revises: 0011_level_candidates
"""
import re
import unicodedata
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0012_tag_keys"
down_revision = "0011_level_candidates"
branch_labels = None
depends_on = None

#: The known tags and every name they displayed at this revision (English key, Spanish label).
KNOWN = {"gender": ("gender", "género"), "ethnic": ("ethnic", "étnico"),
         "territorial": ("territorial",)}


def _fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


def _keys(tags: Counter) -> dict[str, str]:
    """Each stored tag of one accord -> its key: a known tag's key when it reads as one of
    its names, else the spelling most provisions carry among those that fold alike (ties:
    the first in sort order)."""
    by_folded = {_fold(name): key for key, names in KNOWN.items() for name in names}
    for tag, _count in sorted(tags.items(), key=lambda item: (-item[1], item[0])):
        by_folded.setdefault(_fold(tag), tag)
    return {tag: by_folded[_fold(tag)] for tag in tags}


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT provision_tags.provision_id, provision_tags.tag, provisions.accord_id "
        "FROM provision_tags JOIN provisions ON provisions.id = provision_tags.provision_id"
    )).all()
    per_accord: dict[int, Counter] = defaultdict(Counter)
    held: dict[int, set] = defaultdict(set)
    for provision_id, tag, accord_id in rows:
        per_accord[accord_id][tag] += 1
        held[provision_id].add(tag)
    keys = {accord_id: _keys(tags) for accord_id, tags in per_accord.items()}
    touched = set()
    for provision_id, tag, accord_id in rows:
        key = keys[accord_id][tag]
        if key == tag:
            continue
        connection.execute(sa.text("DELETE FROM provision_tags WHERE provision_id = :p "
                                   "AND tag = :t"), {"p": provision_id, "t": tag})
        if key not in held[provision_id]:
            connection.execute(sa.text("INSERT INTO provision_tags (provision_id, tag) "
                                       "VALUES (:p, :t)"), {"p": provision_id, "t": key})
            held[provision_id].add(key)
        touched.add(accord_id)
    for accord_id in sorted(touched):
        connection.execute(sa.text(
            "UPDATE level_summaries SET revision = revision + 1 WHERE accord_id = :a AND "
            "revision = (SELECT revision FROM accords WHERE id = :a)"), {"a": accord_id})
        connection.execute(sa.text("UPDATE accords SET revision = revision + 1 WHERE id = :a"),
                           {"a": accord_id})


def downgrade():
    pass  # merged spellings cannot be told apart again; the schema is unchanged
