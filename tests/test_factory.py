import importlib

from tracker import create_app


def test_config_overrides_environment(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "TESTING": True})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/tracker.db"


def test_import_has_no_side_effects():
    module = importlib.reload(importlib.import_module("tracker"))
    assert not hasattr(module, "app")
    assert module.__version__


def test_upload_limit_and_csrf_lifetime_are_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] > 0
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_a_worker_that_makes_no_workbook_never_loads_openpyxl(tmp_path):
    """openpyxl costs about 20 MB a process: the app, its command line and its pages load it
    only when a workbook is made or read (the PDF brief's memory target depends on it)."""
    script = (
        "import sys\n"
        "from tracker import create_app\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}})\n"
        "app.test_client().get('/healthz')\n"
        "print('openpyxl' in sys.modules)\n"
        "from tracker.excel import Book\n"
        "Book().sheet('S', ())\n"
        "print('openpyxl' in sys.modules)\n"
    )
    assert _python(script).split() == ["False", "True"]


def test_every_module_imports_on_its_own():
    """Each module of the package imports first, in a fresh interpreter state, without a
    circular import (a test file or a command may import any of them first)."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import tracker\n"
        "names = sorted(m.name for m in pkgutil.walk_packages(tracker.__path__, 'tracker.'))\n"
        "for name in names:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'tracker']:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        print(f'{name}: {exc!r}')\n"
    )
    assert _python(script) == ""


def _python(script: str) -> str:
    """What `script` prints when run by this Python in a process of its own (which must
    succeed)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout
