"""Kept answers (tracker/kept.py): an anonymous visitor's dashboard, charts and API figures
are answered again without the app until the next write, on every process that shares the
write generation; nothing personal, nothing stale, nothing a view did not mark is kept."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from status_helpers import submit_level

from tracker import kept
from tracker.dashboard import asked
from tracker.extensions import db

SLUG = "colombia-2016-demo"
KEPT_URLS = [f"/accords/{SLUG}/dashboard", f"/accords/{SLUG}/charts/status.svg",
             f"/api/v1/accords/{SLUG}/summary", f"/api/v1/accords/{SLUG}/timeline?freq=month"]


@pytest.fixture
def front(app):
    middleware = app.extensions["kept_answers"]
    middleware.served = 0
    return middleware


def _write(demo, code="1.1.1", level=3):
    return submit_level(demo, code, level)


@pytest.mark.parametrize("url", KEPT_URLS)
def test_a_public_read_is_answered_again_from_what_was_kept(client, front, url):
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert front.served == 1 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    revalidated = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""
    assert "Content-Length" not in revalidated.headers or revalidated.headers[
        "Content-Length"] == "0"
    assert front.served == 2


@pytest.mark.parametrize("url", KEPT_URLS)
def test_after_a_write_the_answer_is_the_new_one(client, front, demo, url):
    before = client.get(url)
    _write(demo, "1.1.1", 3)
    after = client.get(url)
    assert front.served == 0  # the write changed the generation: made anew
    assert after.headers["ETag"] != before.headers["ETag"]
    again = client.get(url)
    assert front.served == 1 and again.get_data() == after.get_data()


def test_a_write_through_one_process_is_seen_by_every_other(app, demo):
    """Two processes of one machine: two kept-answer layers over the app sharing only the
    write generation (the file in the instance folder), as two workers do."""
    other = kept.KeptAnswers(app.wsgi_app.app, app.extensions["kept_generation"])
    from werkzeug.test import Client

    from flask import Response

    mine, theirs = app.test_client(), Client(other, Response)
    url = f"/accords/{SLUG}/charts/status.svg"
    old = theirs.get(url).get_data()
    assert theirs.get(url).get_data() == old and other.served == 1
    mine.get(url)
    _write(demo, "1.1.1", 3)  # through "this" process
    new = theirs.get(url).get_data()
    assert other.served == 1 and new != old
    assert new == mine.get(url).get_data()


@pytest.mark.parametrize("credentials", ["cookie", "authorization"])
def test_a_request_with_a_cookie_or_credentials_is_never_answered_from_what_was_kept(
        client, front, credentials):
    url = f"/api/v1/accords/{SLUG}/summary"
    client.get(url)
    headers = {}
    if credentials == "cookie":
        client.set_cookie("session", "x")
    else:
        headers["Authorization"] = "Basic eDp5"
    client.get(url, headers=headers)
    assert front.served == 0


def test_a_logged_in_readers_answers_are_never_kept(client, front, login, make_user):
    login(make_user("viewer"))
    for url in KEPT_URLS:
        for _ in range(2):
            assert client.get(url).status_code == 200
    assert front.served == 0 and not front.kept.items


@pytest.mark.parametrize("url", ["/", "/accords", f"/accords/{SLUG}", "/reference",
                                 f"/accords/{SLUG}/events", f"/accords/{SLUG}/dashboard?as_of=x"])
def test_answers_no_view_marked_are_never_kept(client, front, url):
    for _ in range(2):
        client.get(url)
    assert front.served == 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_languages_and_encodings_are_kept_apart(client, front, language):
    url = f"/accords/{SLUG}/dashboard"
    english = client.get(url, headers={"Accept-Language": "en"}).get_data()
    spanish = client.get(url, headers={"Accept-Language": "es"}).get_data()
    packed = client.get(url, headers={"Accept-Language": language, "Accept-Encoding": "gzip"})
    assert english != spanish and front.served == 0
    again = client.get(url, headers={"Accept-Language": language})
    assert again.get_data() == (english if language == "en" else spanish) and front.served == 1
    assert packed.headers["Content-Encoding"] == "gzip"


def test_a_kept_answer_is_made_anew_when_too_old_or_on_another_day(app, client, front,
                                                                  monkeypatch):
    url = f"/api/v1/accords/{SLUG}/summary"
    client.get(url)
    monkeypatch.setattr(front, "seconds", 0.0)
    client.get(url)
    assert front.served == 0
    monkeypatch.setattr(front, "seconds", 60.0)
    client.get(url)
    assert front.served == 1

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal()) + timedelta(days=1)

    monkeypatch.setattr(kept, "date", Tomorrow)
    client.get(url)
    assert front.served == 1


def test_an_unreadable_generation_sends_every_request_through_the_app(client, front,
                                                                     monkeypatch):
    url = f"/api/v1/accords/{SLUG}/summary"
    client.get(url)
    monkeypatch.setattr(front.generation, "read", lambda: None)
    assert client.get(url).status_code == 200
    assert front.served == 0


def test_every_commit_changes_the_generation_orm_or_not(app):
    generation = app.extensions["kept_generation"]
    before = generation.read()
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
        connection.execute(text("SELECT 1"))  # a command's own transaction, outside the ORM
        connection.commit()
    after_connection = generation.read()
    assert after_connection != before
    db.session.execute(text("UPDATE accords SET revision = revision WHERE 1 = 0"))
    db.session.commit()
    assert generation.read() != after_connection


def test_the_redis_generation_is_shared_and_a_failing_redis_reads_none():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    one = kept.RedisGeneration(url, "tracker:test:generation")
    two = kept.RedisGeneration(url, "tracker:test:generation")
    before = two.read()
    one.bump()
    assert two.read() != before and two.read() == one.read()
    gone = kept.RedisGeneration("redis://127.0.0.1:1/0", "tracker:test:generation")
    assert gone.read() is None
    held = one.read()
    one.client.delete(one.key)  # Redis restarted without its data
    assert two.read() not in (None, held, before)


def test_a_kept_answer_still_notes_what_was_asked(app, client, front, demo, monkeypatch):
    monkeypatch.setattr(asked, "NOTE_EVERY", 0.0)
    store = app.extensions["chartstore"]
    url = f"/accords/{SLUG}/charts/groups.svg"
    client.get(url)
    store.clear()  # forget the note the app made: only the kept answer's remains
    client.get(url)
    assert front.served == 1
    with app.test_request_context():
        assert [v.chart for v in asked.recent(demo.id)] == ["groups"]


def test_the_kept_answers_are_bounded_by_count_and_bytes(app):
    bounded = kept.KeptAnswers(app.wsgi_app.app, app.extensions["kept_generation"], size=3,
                               max_bytes=10)
    for number in range(5):
        bounded.kept.put(number, kept._Answer("200 OK", None, b"x" * 4, None, "g", date.today(),
                                              0.0, None))
    assert list(bounded.kept.items) == [3, 4] and bounded.kept.bytes == 8
    bounded.kept.clear()
    assert bounded.kept.bytes == 0


def test_a_failed_login_leaves_the_generation_as_it_was(app, client, make_user):
    """A transaction that wrote only a login's counters or the audit trail changes no public
    read: anyone failing to log in cannot expire everyone's kept answers."""
    generation = app.extensions["kept_generation"]
    make_user("viewer", email="someone@example.org")
    db.session.commit()
    before = generation.read()
    for email in ("someone@example.org", "nobody@example.org"):
        answer = client.post("/login", data={"email": email, "password": "not the password"})
        assert answer.status_code == 400
    assert generation.read() == before


def test_a_write_of_public_data_beside_quiet_tables_changes_the_generation(app, demo):
    from tracker.services import audit

    generation = app.extensions["kept_generation"]
    before = generation.read()
    audit("test.only", "accord", demo.id)
    demo.revision += 1
    db.session.commit()
    assert generation.read() != before


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_plain_sql_through_the_session_counts_as_a_write_once_committed(app, end):
    generation = app.extensions["kept_generation"]
    before = generation.read()
    db.session.execute(text("UPDATE users SET failed_logins = failed_logins WHERE 1 = 0"))
    getattr(db.session, end)()
    assert (generation.read() != before) == (end == "commit")


def test_the_clients_address_does_not_split_what_is_kept(client, front):
    url = f"/api/v1/accords/{SLUG}/summary"
    for number in range(1, 5):
        client.get(url, headers={"X-Forwarded-For": f"10.0.0.{number}"})
    assert front.served == 3


def test_one_database_however_its_url_is_spelled(app, tmp_path):
    from types import SimpleNamespace

    def identity(url):
        return kept.database_identity(SimpleNamespace(config={"SQLALCHEMY_DATABASE_URI": url}))

    assert identity(f"sqlite:///{tmp_path}/a.db") == identity(f"sqlite:///{tmp_path}/./x/../a.db")
    assert identity("postgresql+psycopg://postgres@localhost:5432/test") == identity(
        "postgresql://other:secret@127.0.0.1:5432/test")
    assert identity(f"sqlite:///{tmp_path}/a.db") != identity(f"sqlite:///{tmp_path}/b.db")


def test_a_generation_file_removed_is_made_again_with_a_new_token(tmp_path):
    generation = kept.FileGeneration(tmp_path / "generation")
    held = generation.read()
    (tmp_path / "generation").unlink()
    again = generation.read()
    assert again is not None and again != held


def test_a_commit_changes_the_generation_of_its_own_database_only(app, tmp_path):
    from tracker import create_app

    other = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}"})
    mine, theirs = app.extensions["kept_generation"], other.extensions["kept_generation"]
    before_mine, before_theirs = mine.read(), theirs.read()
    with other.app_context():
        with db.engine.connect() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            connection.commit()
    assert theirs.read() != before_theirs and mine.read() == before_mine
