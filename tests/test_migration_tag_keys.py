"""Migration 0012: tags stored before the one tag rule (a Spanish label, a spelling without
accents) become their tag's key, so no two tags of an accord read alike."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

from sqlalchemy import create_engine, insert, select

from tracker import create_app
from tracker.domain.tags import clashes
from tracker.models import Accord, Provision, ProvisionTag


def _tags(engine, accord_id: int) -> dict[str, list[str]]:
    found = defaultdict(list)
    with engine.connect() as connection:
        for code, tag in connection.execute(
                select(Provision.code, ProvisionTag.tag)
                .join(ProvisionTag, ProvisionTag.provision_id == Provision.id)
                .where(Provision.accord_id == accord_id).order_by(ProvisionTag.tag)):
            found[code].append(tag)
    return dict(found)


def test_stored_spellings_become_keys(tmp_path):
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    with app.app_context():
        upgrade(revision="0011_level_candidates")
    held = {"1": ["gender", "género"], "2": ["genero", "étnico", "reincorporación"],
            "3": ["reincorporacion", "territorial"], "4": ["reincorporación"]}
    with engine.begin() as connection:
        for number, slug in ((1, "old"), (2, "other")):
            connection.execute(insert(Accord.__table__).values(
                id=number, slug=slug, name=slug, country="Colombia",
                signed_on=date(2016, 11, 24), signed_on_verified=True, kind="monitored",
                illustrative=False, public=True, revision=3,
                created_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        for number, (code, tags) in enumerate(held.items(), start=1):
            connection.execute(insert(Provision.__table__).values(
                id=number, accord_id=1, code=code, text=code, priority=False, version=1))
            for tag in tags:
                connection.execute(insert(ProvisionTag.__table__).values(
                    provision_id=number, tag=tag))
        connection.execute(insert(Provision.__table__).values(
            id=9, accord_id=2, code="1", text="1", priority=False, version=1))
        connection.execute(insert(ProvisionTag.__table__).values(provision_id=9,
                                                                  tag="reincorporacion"))
    with app.app_context():
        upgrade()
    assert _tags(engine, 1) == {"1": ["gender"], "2": ["ethnic", "gender", "reincorporación"],
                                "3": ["reincorporación", "territorial"],
                                "4": ["reincorporación"]}
    shown = {"gender": {"gender", "género"}, "ethnic": {"ethnic", "étnico"},
             "territorial": {"territorial"}, "reincorporación": {"reincorporación"}}
    assert clashes(shown) == []
    # another accord's only spelling is its own key: untouched, its revision too
    assert _tags(engine, 2) == {"1": ["reincorporacion"]}
    with engine.connect() as connection:
        revisions = dict(connection.execute(select(Accord.id, Accord.revision)).all())
    assert revisions == {1: 4, 2: 3}
    engine.dispose()
