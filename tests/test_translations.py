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


def test_placeholders_are_kept_in_every_translation():
    import re

    names = re.compile(r"%\((\w+)\)[sd]")
    for message in _po():
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(names.findall(ids[-1]))
        for text in strings:
            assert set(names.findall(text)) == wanted, (message.id, text)


def test_reasons_are_english_as_text_and_translated_when_shown(app):
    from flask_babel import force_locale

    from tracker.domain.messages import Message, N_
    from tracker.i18n import translate

    reason = Message(N_("%(column)s: %(reason)s"), column=Message(N_("New level (0-3)")),
                     reason=Message(N_("level must be 0, 1, 2 or 3, not %(value)s"),
                                    value="'5'"))
    assert str(reason) == "New level (0-3): level must be 0, 1, 2 or 3, not '5'"
    with app.test_request_context(), force_locale("es"):
        assert translate(reason) == "Nivel nuevo (0-3): el nivel debe ser 0, 1, 2 o 3, no '5'"
        assert translate(N_("the file is empty")) == "el archivo está vacío"
        assert translate("text no catalogue holds") == "text no catalogue holds"
