"""One style for every reason shown: a sentence with a capital and a final stop; after a
field's label and a colon, lower case and a final stop."""
from __future__ import annotations

from html import unescape

from test_web import provision  # noqa: F401 (fixture)

SLUG = "colombia-2016-demo"


def test_every_reason_is_shown_as_a_sentence():
    from tracker.domain.text import as_sentence

    assert as_sentence("the date is in the future") == "The date is in the future."
    assert as_sentence("Nothing changed.") == "Nothing changed."
    assert as_sentence("¿seguro?") == "¿seguro?"
    assert as_sentence("«Nivel»='9' debe ser uno de 0, 1") == "«Nivel»='9' debe ser uno de 0, 1."
    assert as_sentence("the level must be 0-3", capital=False) == "the level must be 0-3."
    assert as_sentence("") == ""
    assert as_sentence("known_at='x' is in the future") == "known_at='x' is in the future."



def test_a_refused_form_and_an_error_page_show_reasons_as_sentences(client, demo, make_user,
                                                                    login, provision):  # noqa: F811
    login(make_user("editor", demo))
    data = {"level": "2", "effective_on": "2999-01-01", "evidence_text": "Report",
            "evidence_url": "", "note": "", "version": str(provision.version)}
    page = unescape(client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                                data=data).get_data(as_text=True))
    assert "<p>The effective date is in the future.</p>" in page  # at the field
    assert ": the effective date is in the future.</a>" in page  # in the summary
    refused = unescape(client.get(f"/accords/{SLUG}/provisions?level=9").get_data(as_text=True))
    assert "must be one of 0, 1, 2, 3.</span>" in refused  # at the field
    assert "must be one of 0, 1, 2, 3.</a>" in refused  # in the summary
