"""An editor offered no update form (the offline workbook on the accord's page, the status
form on a provision's) is told why; viewers and visitors, to whom no form is owed, are not."""
from __future__ import annotations

from sqlalchemy import select

from cutoff_helpers import small_accord
from tracker.extensions import db
from tracker.models import Provision, Section

SLUG = "colombia-2016-demo"
NOTE = 'id="why-no-update"'


def test_an_editor_of_another_accord_is_told_why(client, demo, make_user, login):
    login(make_user("editor", small_accord()))
    page = client.get(f"/accords/{SLUG}").get_data(as_text=True)
    assert NOTE in page and "You edit other accords" in page
    provision = client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    assert NOTE in provision and "Record a status update" not in provision
    client.post("/language/es")
    assert "Usted edita otros acuerdos" in client.get(f"/accords/{SLUG}").get_data(as_text=True)


def test_a_section_editor_is_told_why_on_a_provision_of_another_section(client, demo,
                                                                         make_user, login):
    first = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                      Provision.code == "1.1.1"))
    other = db.session.scalar(select(Section).where(
        Section.accord_id == demo.id, Section.parent_id.is_(None),
        Section.id != first.section.id, Section.code != first.section.code.split(".")[0]))
    login(make_user("editor", demo, other))
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    assert NOTE in page and f"You edit section {other.code} of this accord" in page
    assert NOTE not in client.get(f"/accords/{SLUG}").get_data(as_text=True)  # the workbook


def test_viewers_visitors_and_editors_with_the_form_see_no_note(client, demo, make_user,
                                                                 login):
    assert NOTE not in client.get(f"/accords/{SLUG}").get_data(as_text=True)
    login(make_user("viewer", demo))
    assert NOTE not in client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    login(make_user("editor", demo))
    assert NOTE not in client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
