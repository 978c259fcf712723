"""A write that changes nothing records nothing (no row, no audit event, no version or
revision bump) and says so, on every way in: web forms, the offline workbook, the command
line."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker import services
from tracker.extensions import db
from tracker.models import Provision, StatusRecord

from test_excel_update import _download, _fill, _page, _upload
from test_forms_roundtrip import snapshot

SLUG = "colombia-2016-demo"
TODAY = date.today()


def _provision(demo, code: str) -> Provision:
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == code))


def _levels(client) -> dict[str, int]:
    api = client.get(f"/api/v1/accords/{SLUG}/provisions").get_json()["provisions"]
    return {p["code"]: p["level"] for p in api}


@pytest.mark.parametrize("flagged", [False, True])
def test_a_priority_flag_set_to_its_value_records_nothing(client, demo, make_user, login,
                                                          flagged):
    login(make_user("coordinator", demo))
    provision = next(p for p in demo.provisions if bool(p.priority) == flagged)
    before = snapshot()
    response = client.post(f"/accords/{SLUG}/provisions/{provision.code}/priority", data={
        "priority": "yes" if flagged else "no", "effective_on": TODAY.isoformat(),
        "reason": "Checked with the agency", "version": str(provision.version - 1)},
        follow_redirects=True)
    assert response.status_code == 200
    assert "Nothing changed" in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_priority_change_still_needs_a_reason(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    provision = next(p for p in demo.provisions if not p.priority)
    before = snapshot()
    response = client.post(f"/accords/{SLUG}/provisions/{provision.code}/priority", data={
        "priority": "yes", "effective_on": TODAY.isoformat(), "reason": "",
        "version": str(provision.version)})
    assert response.status_code == 400 and "a reason is required" in response.get_data(
        as_text=True)
    assert snapshot() == before


def test_editing_a_provision_to_its_own_values_writes_nothing(demo):
    provision = _provision(demo, "6.1.5")
    values = {name: getattr(provision, name) for name in services.STRUCTURE_FIELDS}
    before = snapshot()
    assert services.edit_provision(provision, values, list(reversed(provision.tag_names)),
                                   provision.version) is False
    assert snapshot() == before
    values["responsible_actor"] = "Consejería para la Estabilización"
    assert services.edit_provision(provision, values, provision.tag_names,
                                   provision.version) is True
    assert snapshot() != before


def test_a_workbook_row_giving_the_current_level_is_no_change(client, demo, make_user, login):
    login(make_user("editor", demo))
    levels = _levels(client)
    same, rising = [code for code, level in levels.items() if level < 3][:2]
    data = _fill(_download(client), {same: {"new_level": levels[same], "effective_on": TODAY}})
    before = snapshot()
    response = _upload(client, data)
    assert response.status_code == 200
    page = _page(response)
    assert "no change: this level is already recorded" in page
    assert "No change: these values are already recorded." in page
    assert snapshot() == before  # not even the upload is kept
    data = _fill(_download(client), {
        same: {"new_level": levels[same], "effective_on": TODAY},
        rising: {"new_level": levels[rising] + 1, "effective_on": TODAY,
                 "evidence_text": "Decree 123"}})
    response = _upload(client, data)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    assert "Record 1 status change" in _page(preview)
    client.post(response.headers["Location"] + "/confirm")
    recorded = db.session.scalars(select(StatusRecord).where(
        StatusRecord.accord_id == demo.id, StatusRecord.source == "excel"))
    assert [r.provision.code for r in recorded] == [rising]


def test_a_workbook_confirmation_is_shown_as_one(client, demo, make_user, login):
    login(make_user("editor", demo))
    levels = _levels(client)
    code = next(code for code, level in levels.items() if level > 0)
    data = _fill(_download(client), {code: {"new_level": levels[code], "effective_on": TODAY,
                                            "note": "Checked: still in force"}})
    response = _upload(client, data)
    assert response.status_code == 302
    assert "confirms the current level" in _page(client.get(response.headers["Location"]))
    client.post(response.headers["Location"] + "/confirm")
    login(make_user("coordinator", demo))
    page = _page(client.get("/review"))
    assert "no change of level" in page


def _statuses(tmp_path, text: str) -> str:
    path = tmp_path / "statuses.csv"
    path.write_text("provision_code,level,effective_on,evidence,note\n" + text)
    return str(path)


def test_importing_the_level_in_force_without_evidence_records_nothing(runner, demo,
                                                                       tmp_path):
    provision = next(p for p in demo.provisions
                     if services.current_level(p, TODAY) > 0)
    level = services.current_level(provision, TODAY)
    before = snapshot()
    result = runner.invoke(args=["import-statuses", SLUG, _statuses(
        tmp_path, f"{provision.code},{level},{TODAY.isoformat()},,\n")])
    assert result.exit_code == 0, result.output
    assert "created 0 status records" in result.output and "nothing to record" in result.output
    assert snapshot() == before
    result = runner.invoke(args=["import-statuses", SLUG, _statuses(
        tmp_path, f"{provision.code},{level},{TODAY.isoformat()},,Confirmed by the agency\n"
                  f"{provision.code},0,{demo.signed_on.isoformat()},,\n")])
    assert "created 1 status records" in result.output  # the confirmation, not the 0 at signing
    assert snapshot() != before
