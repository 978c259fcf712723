"""Process caches: every one is known, so the cold path (benchmarks, a fresh worker) can be
reproduced by emptying them all."""
import importlib
import pkgutil
import re
from pathlib import Path

import tracker
from tracker.cache import Recent, clear_process_caches, process_caches


def _tracker_modules():
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if info.name.endswith("gunicorn_conf"):
            continue
        yield importlib.import_module(info.name)


def test_every_module_level_cache_is_registered_and_named():
    found = [value for module in _tracker_modules() for value in vars(module).values()
             if isinstance(value, Recent)]
    assert found, "the figures' caches at least exist"
    registered = process_caches()
    for cache in found:
        assert cache in registered
        assert cache.name, "a cache says what it keeps"


def test_clear_process_caches_empties_them_all():
    from tracker import figures
    from tracker.dashboard import shared

    figures._LOADED.put(("key",), [1])
    shared._DRAWN.put("etag", b"bytes")
    assert clear_process_caches() >= 2
    assert figures._LOADED.get(("key",)) is None
    assert shared._DRAWN.get("etag") is None


def test_text_extents_outlive_a_write_but_not_a_fresh_start():
    """A text's extent in a font depends on no data: emptying the data caches (a write, a
    restore, the cold path of the benchmarks) keeps it; a fresh process has none."""
    from tracker.charts import text

    text._EXTENTS.put(("text", "font"), (1.0, 2.0, 0.5))
    clear_process_caches()
    assert text._EXTENTS.get(("text", "font")) == (1.0, 2.0, 0.5)
    clear_process_caches(everything=True)
    assert text._EXTENTS.get(("text", "font")) is None


def test_no_unregistered_memo_in_the_code():
    """A functools cache would outlive a write unseen by clear_process_caches."""
    root = Path(tracker.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\blru_cache\b|functools\.cache\b|@cache\b", text), path


def test_a_deploy_that_renders_differently_never_gets_old_pages_or_charts(app, monkeypatch):
    """Shared pages and charts (and ETags) are keyed by the code's fingerprint, not only by the
    version number: a template changed under the same version makes new keys."""
    from tracker import __version__, build
    from tracker.dashboard import shared

    first = build.fingerprint()
    assert first.startswith(__version__ + "+")
    with app.test_request_context():
        before = shared.etag_for(("state",), "page")
        monkeypatch.setattr(build, "_fingerprint", first + "-changed")
        assert shared.etag_for(("state",), "page") != before


def test_the_fingerprint_follows_the_package_files(tmp_path, monkeypatch):
    from tracker import build

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>gender</p>")
    monkeypatch.setattr(build, "PACKAGE", tmp_path)
    monkeypatch.setattr(build, "_fingerprint", None)
    one = build.fingerprint()
    page.write_text("<p>género</p>")
    monkeypatch.setattr(build, "_fingerprint", None)
    assert build.fingerprint() != one


def test_once_makes_its_value_once():
    from tracker.cache import once

    made = []
    value = once(lambda: made.append(1) or len(made))
    assert value() == value() == 1 and made == [1]
