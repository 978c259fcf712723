"""The Spanish catalogue is complete, compiled and current."""
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker" / "translations" / "es" / "LC_MESSAGES"


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def _po():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_compiled_catalogue_is_current():
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _po() if m.id and not m.fuzzy}
    assert compiled == source, "run `make translations` and commit the .mo"


def test_every_interface_string_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_", "-o", str(pot), str(ROOT)],
                   check=True, cwd=ROOT, capture_output=True)
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in _po()
                  if m.id and m.string and not m.fuzzy and (
                      isinstance(m.string, str) or all(m.string))}
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated (run `make translations`, then translate): {missing[:10]}"
