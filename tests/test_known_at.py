"""Figures as known at a moment: one rule (tracker.domain.known), the same in SQL, and every
figure and API answer accepts it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tracker import queries
from tracker.domain.known import known_by
from tracker.extensions import db
from tracker.figures import AccordFigures
from tracker.models import StatusRecord

from cutoff_helpers import T0, T1, T2, T3, T4, small_accord

TICK = timedelta(microseconds=1)
YEAR_END = date(2020, 12, 31)
MAY = date(2020, 5, 15)


def _counts(accord, as_of, moment):
    summary = AccordFigures(accord, known_at=moment).summary(as_of)
    return tuple(summary["counts"].values())


@pytest.mark.parametrize("moment, as_of, expected", [
    (T1 - TICK, YEAR_END, (4, 0, 0, 0)),  # nothing verified yet
    (T1, YEAR_END, (3, 0, 1, 0)),  # A=2 verified on entry at T1
    (T2 - TICK, YEAR_END, (3, 0, 1, 0)),
    (T2, YEAR_END, (2, 1, 1, 0)),  # D=1, verified with no review time: known when recorded
    (T3 - TICK, YEAR_END, (2, 1, 1, 0)),  # B recorded at T1 but pending until T3
    (T3, YEAR_END, (1, 1, 1, 1)),  # B=3 verified; C rejected never counts
    (T4, YEAR_END, (1, 1, 1, 1)),  # A's late record is effective before A's 2020-06-01 one
    (T3, MAY, (2, 1, 0, 1)),  # in May, A's 2020-06-01 record is not yet in effect
    (T4 - TICK, MAY, (2, 1, 0, 1)),
    (T4, MAY, (1, 1, 0, 2)),  # the late record (A=3 from 2020-05-01) is known from T4
    (None, MAY, (1, 1, 0, 2)),  # as known now
])
def test_known_at_matches_the_hand_computed_figures(app, moment, as_of, expected):
    accord = small_accord()
    assert _counts(accord, as_of, moment) == expected


def test_the_sql_rule_agrees_with_the_domain_rule(app, demo):
    accord = small_accord()
    rows = db.session.execute(select(StatusRecord).where(
        StatusRecord.accord_id.in_([accord.id, demo.id]))).scalars().all()
    moments = [T1 - TICK, T1, T2, T3 - TICK, T3, T4, max(r.recorded_at for r in rows)]
    for moment in moments:
        in_sql = set(db.session.scalars(select(StatusRecord.id).where(
            StatusRecord.accord_id.in_([accord.id, demo.id]),
            queries.known_clause(moment))))
        in_python = {r.id for r in rows
                     if known_by(r.review_state, r.recorded_at, r.reviewed_at, moment)}
        assert in_sql == in_python, moment


def test_every_figure_takes_known_at(app):
    accord = small_accord()
    then, now = AccordFigures(accord, known_at=T3), AccordFigures(accord)
    assert then.timeline(MAY)["all"][-1].counts == (2, 1, 0, 1)
    assert now.timeline(MAY)["all"][-1].counts == (1, 1, 0, 2)
    assert [p["level"] for p in then.provision_levels(MAY)] == [0, 3, 0, 1]
    assert then.pace(MAY).score != now.pace(MAY).score
    assert [p.code for p in then.overdue(MAY)] == ["D"]
    assert then.own_data().levels_on(MAY) != now.own_data().levels_on(MAY)


def test_naive_moments_are_refused(app):
    accord = small_accord()
    with pytest.raises(ValueError):
        AccordFigures(accord, known_at=T3.replace(tzinfo=None))


def _levels(counts: dict) -> tuple:
    return tuple(counts[k] for k in ("not_initiated", "minimal", "intermediate", "complete"))


def _get(client, path, **args):
    return client.get(f"/api/v1/accords/hand-worked/{path}", query_string=args)


def test_api_known_at(client):
    small_accord()
    then = _get(client, "summary", as_of="2020-05-15", known_at="2024-03-10T09:00:00+00:00")
    assert then.status_code == 200
    assert _levels(then.get_json()["counts"]) == (2, 1, 0, 1)
    assert then.get_json()["known_at"] == "2024-03-10T09:00:00+00:00"
    naive = _get(client, "summary", as_of="2020-05-15", known_at="2024-03-10T09:00:00")
    assert naive.get_json()["counts"] == then.get_json()["counts"]  # no offset: UTC
    now = _get(client, "summary", as_of="2020-05-15")
    assert _levels(now.get_json()["counts"]) == (1, 1, 0, 2)
    assert now.get_json()["known_at"] is None
    for path in ("timeline", "pace", "comparison", "provisions"):
        answer = _get(client, path, as_of="2020-05-15", known_at=T3.isoformat())
        assert answer.status_code == 200, (path, answer.get_json())
    levels = _get(client, "provisions", as_of="2020-05-15", known_at=T3.isoformat())
    assert [p["level"] for p in levels.get_json()["provisions"]] == [0, 3, 0, 1]


@pytest.mark.parametrize("value, reason", [
    ("yesterday", "is not an ISO 8601 timestamp"),
    ("2024-13-01T00:00", "is not an ISO 8601 timestamp"),
    ((T0 - TICK).isoformat(), "before the accord existed"),
    ("2999-01-01T00:00:00+00:00", "in the future"),
])
def test_api_bad_known_at_is_a_400_naming_it(client, value, reason):
    small_accord()
    for path in ("summary", "timeline", "pace", "comparison", "provisions"):
        answer = _get(client, path, known_at=value)
        assert answer.status_code == 400, path
        assert "known_at" in answer.get_json()["message"] and reason in answer.get_json()[
            "message"]


def test_api_known_at_does_not_go_with_pending(client, make_user, login):
    accord = small_accord()
    login(make_user("coordinator", accord))
    answer = _get(client, "summary", known_at=T3.isoformat(), include_pending="true")
    assert answer.status_code == 400 and "include_pending" in answer.get_json()["message"]


def test_a_moment_after_the_last_verification_shares_the_read_as_known_now(app, monkeypatch):
    """Nothing entered the figures after T4: as known at T4 is as known now, one read;
    as known at T3 (B's review and A's late record came after) is a read of its own."""
    from tracker import figures, queries

    accord = small_accord()
    figures.clear_caches()
    calls = []
    original = queries.level_changes

    def counted(accord_id, include_pending=False, known_at=None):
        calls.append(known_at)
        return original(accord_id, include_pending, known_at)

    monkeypatch.setattr(queries, "level_changes", counted)
    now = AccordFigures(accord).summary(MAY)
    assert AccordFigures(accord, known_at=T4).summary(MAY)["counts"] == now["counts"]
    assert AccordFigures(accord, known_at=T4 + TICK).summary(MAY)["known_at"] == (
        T4 + TICK).isoformat()
    assert calls == [None]
    assert not queries.known_after(accord.id, T4) and queries.known_after(accord.id, T4 - TICK)
    then = AccordFigures(accord, known_at=T4 - TICK).summary(MAY)
    assert calls == [None, T4 - TICK] and then["counts"] != now["counts"]
