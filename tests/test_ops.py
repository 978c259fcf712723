"""Health and readiness probes, request logs, proxies."""
import json
import logging

from tracker import create_app
from tracker.extensions import db


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["status"] == "ready"


def _probe(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    try:
        return app.test_client().get("/readyz")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_readyz_database_unreachable():
    response = _probe("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert response.status_code == 503
    assert "database unreachable" in response.get_json()["reason"]


def test_readyz_not_migrated(tmp_path):
    response = _probe(f"sqlite:///{tmp_path / 'empty.db'}")
    assert response.status_code == 503
    assert "migrations not at head" in response.get_json()["reason"]


def test_one_structured_line_per_request(client, caplog, make_user, login):
    user = login(make_user("viewer"))
    logger = logging.getLogger("tracker.request")
    logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="tracker.request"):
            client.get("/methodology?secret=abc", headers={"X-Request-ID": "req-42"})
    finally:
        logger.propagate = False
    # caplog may see a record twice (its own handler and the root's); one request, one line.
    lines = {json.loads(r.getMessage())["request_id"]: json.loads(r.getMessage())
             for r in caplog.records if r.name == "tracker.request"}
    assert list(lines) == ["req-42"]
    line = lines["req-42"]
    assert line["method"] == "GET" and line["path"] == "/methodology" and line["status"] == 200
    assert line["request_id"] == "req-42" and line["user_id"] == user.id
    assert line["duration_ms"] >= 0
    assert "secret" not in json.dumps(line) and user.email not in json.dumps(line)


def test_errors_show_the_request_id(client):
    response = client.get("/accords/nope", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "trace-me"
    assert "trace-me" in response.get_data(as_text=True)


def test_proxy_headers_trusted_only_when_configured(monkeypatch, app):
    monkeypatch.setenv("TRACKER_PROXIES", "1")
    proxied = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True})

    @proxied.get("/_scheme")
    def scheme():
        from flask import request
        return request.scheme

    response = proxied.test_client().get("/_scheme", headers={"X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "https"
    with proxied.app_context():
        db.engine.dispose()
