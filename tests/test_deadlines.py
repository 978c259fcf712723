"""A provision's deadline may not fall before its accord was signed nor more than 50 years
after (one rule, `domain.rules.deadline_problem`), refused at the field on the edit form (400)
and by row in the structure importer, with nothing written; an accord's target date likewise
(`target_date_problem`)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tracker.domain.rules import PLAN_HORIZON_YEARS, deadline_problem, target_date_problem
from tracker.extensions import db
from tracker.models import Accord, Provision

from htmlforms import parse
from test_failed_forms import assert_summary

SLUG = "colombia-2016-demo"
SIGNED = date(2016, 11, 24)


@pytest.mark.parametrize("deadline, refused", [
    (None, False), (SIGNED, False), (SIGNED + timedelta(days=1), False),
    (SIGNED - timedelta(days=1), True), (date(1990, 1, 1), True),
    (date(2066, 11, 24), False), (date(2066, 11, 25), True), (date(9999, 12, 31), True),
])
def test_the_rule(deadline, refused):
    assert PLAN_HORIZON_YEARS == 50  # the messages say 50
    assert (deadline_problem(deadline, SIGNED) is not None) == refused
    assert (target_date_problem(deadline, SIGNED) is not None) == refused


def test_the_horizon_of_an_accord_signed_on_29_february():
    assert deadline_problem(date(2066, 2, 28), date(2016, 2, 29)) is None
    assert deadline_problem(date(2066, 3, 1), date(2016, 2, 29)) is not None


def test_the_edit_form_refuses_a_deadline_before_signing_at_the_field(
        client, demo, make_user, login, row_counts):
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/6.1.5/edit"
    form = next(f for f in parse(client.get(url).get_data(as_text=True)).forms
                if any(c.name == "section" for c in f.controls))
    data = form.submission()
    day_before = (demo.signed_on - timedelta(days=1)).isoformat()
    data["deadline"] = [day_before]
    data["responsible_actor"] = ["Kept actor"]
    counts = row_counts()
    response = client.post(url, data=data)
    assert response.status_code == 400
    html = assert_summary(response, "deadline")
    assert "the deadline is before the accord was signed" in html
    assert 'id="deadline-error"' in html and "Kept actor" in html
    assert row_counts() == counts
    data["deadline"] = [demo.signed_on.isoformat()]  # the signing day itself is fine
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "6.1.5"))
    assert provision.deadline == demo.signed_on


def test_the_edit_form_in_spanish_names_the_rule(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/6.1.5/edit"
    headers = {"Accept-Language": "es"}
    form = next(f for f in parse(client.get(url, headers=headers).get_data(as_text=True)).forms
                if any(c.name == "section" for c in f.controls))
    data = form.submission()
    data["deadline"] = ["2000-01-01"]
    response = client.post(url, data=data, headers=headers)
    assert response.status_code == 400
    assert "la fecha límite es anterior a la firma del acuerdo" in response.get_data(as_text=True)
    data["deadline"] = ["9999-12-31"]  # a slip that was saved and shown as "31 dic 9999"
    response = client.post(url, data=data, headers=headers)
    assert response.status_code == 400
    assert ("la fecha límite es más de 50 años posterior a la firma del acuerdo"
            in response.get_data(as_text=True))


@pytest.mark.parametrize("rows, extra, found", [
    ("1,1 A,t,,no,,2016-11-24\n2,1 A,u,,no,,2016-11-23\n", [],
     ["row 3", "before the accord was signed"]),
    ("1,1 A,t,,no,,2016-11-24\n2,1 A,u,,no,,2066-11-25\n", [],
     ["row 3", "the deadline is more than 50 years after the accord was signed"]),
    ("1,1 A,t,,no,,2016-11-24\n", ["--target-date", "2206-11-24"],
     ["the target date is more than 50 years after the accord was signed"]),
])
def test_the_importer_refuses_a_plan_date_out_of_range(runner, tmp_path, row_counts, rows,
                                                       extra, found):
    path = tmp_path / "structure.csv"
    path.write_text("code,section,text,provision_type,priority,tags,deadline\n" + rows)
    counts = row_counts()
    result = runner.invoke(args=["import-accord", str(path), "--name", "Deadlines",
                                 "--country", "Colombia", "--signed-on", "2016-11-24",
                                 "--slug", "deadlines", *extra])
    assert result.exit_code != 0
    assert all(part in result.output.lower() for part in found), result.output
    assert row_counts() == counts
    assert db.session.scalar(select(Accord).where(Accord.slug == "deadlines")) is None
