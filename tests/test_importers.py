"""The command-line importers: good files load, bad files name every bad row and write nothing."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tracker import queries
from tracker.extensions import db
from tracker.figures import AccordFigures
from tracker.models import Accord, AuditEvent, RoleGrant, User

STRUCTURE = (
    "code,section,text,provision_type,priority,tags,deadline\n"
    "1.1,1 Land > 1.1 Access,Give land titles,Natural Resource Management,yes,gender;ethnic,"
    "2025-01-01\n"
    "1.2,1 Land > 1.1 Access,Build a cadastre,,no,,\n"
    "2.1,2 Security,Ceasefire,CFR,1,territorial,\n"
)


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def small_accord(runner, tmp_path):
    path = _write(tmp_path, "structure.csv", STRUCTURE)
    result = runner.invoke(args=["import-accord", path, "--name", "Small Accord", "--country",
                                 "Nowhere", "--signed-on", "2019-05-01", "--slug", "small"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Accord).where(Accord.slug == "small"))


def test_import_accord_builds_structure(small_accord):
    assert [p.code for p in small_accord.provisions] == ["1.1", "1.2", "2.1"]
    first = small_accord.provisions[0]
    assert first.section.code == "1.1" and first.section.parent.code == "1"
    assert first.provision_type.code == "NRM" and first.priority
    assert first.tag_names == ["ethnic", "gender"] and first.deadline == date(2025, 1, 1)
    assert small_accord.provisions[2].provision_type.code == "CFR"
    assert small_accord.kind == "monitored" and not small_accord.illustrative


def test_import_accord_twice_is_refused(runner, small_accord, tmp_path, row_counts):
    before = row_counts()
    path = _write(tmp_path, "structure.csv", STRUCTURE)
    result = runner.invoke(args=["import-accord", path, "--name", "Small Accord", "--country",
                                 "Nowhere", "--signed-on", "2019-05-01", "--slug", "small"])
    assert result.exit_code == 1 and "already exists" in result.output
    assert row_counts() == before


def test_import_statuses_then_figures(runner, small_accord, tmp_path):
    path = _write(tmp_path, "s.csv", "provision_code,level,effective_on,evidence,note\n"
                  "2.1,3,2020-01-10,Decree 1,\n1.1,1,2019-06-01,,first step\n"
                  "1.1,2,2020-02-01,Report,\n")
    result = runner.invoke(args=["import-statuses", "small", path])
    assert result.exit_code == 0, result.output
    assert "created 3 status records" in result.output
    summary = AccordFigures(small_accord).summary(date(2020, 3, 1))
    assert summary["counts"] == {"not_initiated": 1, "minimal": 0, "intermediate": 1,
                                 "complete": 1}
    again = runner.invoke(args=["import-statuses", "small", path])
    assert "created 0 status records" in again.output and "3 row(s) already" in again.output


def test_import_statuses_from_xlsx(runner, small_accord, tmp_path):
    content = _xlsx([["provision_code", "level", "effective_on", "evidence", "note"],
                     ["1.2", 2, date(2021, 3, 3), "Law", None]])
    path = _write(tmp_path, "s.xlsx", content)
    result = runner.invoke(args=["import-statuses", "small", path])
    assert result.exit_code == 0, result.output
    assert AccordFigures(small_accord).summary(date(2021, 3, 3))["counts"]["intermediate"] == 1


# Two days ahead, not one: computed when the tests are collected, it must still be in the
# future when a run that began before midnight reaches it.
IN_TWO_DAYS = (date.today() + timedelta(days=2)).isoformat()
HEADER = "provision_code,level,effective_on,evidence,note\n"


@pytest.mark.parametrize("body, expected", [
    (HEADER + "1.1,4,2020-01-01,,\n", "row 2: level must be 0, 1, 2 or 3"),
    (HEADER + "1.1,1,2020-01-01,,\n1.2,-1,2020-01-01,,\n", "row 3: level must be"),
    (HEADER + f"1.1,1,{IN_TWO_DAYS},,\n", "row 2: effective date"),
    (HEADER + "1.1,1,2019-01-01,,\n", "row 2: effective date 2019-01-01 is before the signing"),
    (HEADER + "9.9,1,2020-01-01,,\n", "row 2: unknown provision code '9.9'"),
    (HEADER + "1.1,1,2020-01-01,,\n1.1,2,2020-01-01,,\n", "row 3: duplicate row for 1.1"),
    (HEADER + "1.1,1,2020-13-01,,\n", "row 2: '2020-13-01' is not a date"),
    ("code,level,effective_on,evidence,note\n1.1,1,2020-01-01,,\n",
     "row 1: missing column(s): provision_code"),
    ("", "the file is empty"),
    (HEADER, "no data rows"),
])
def test_bad_status_files_change_nothing(runner, small_accord, tmp_path, row_counts, body,
                                         expected):
    before = row_counts()
    result = runner.invoke(args=["import-statuses", "small", _write(tmp_path, "bad.csv", body)])
    assert result.exit_code == 1
    assert expected in result.output
    assert "Nothing was written." in result.output
    assert row_counts() == before


def test_every_bad_row_is_reported(runner, small_accord, tmp_path):
    body = HEADER + "1.1,7,2020-01-01,,\n1.2,1,nope,,\n2.1,1,2020-01-01,,\nx,1,2020-01-01,,\n"
    result = runner.invoke(args=["import-statuses", "small", _write(tmp_path, "bad.csv", body)])
    for row in ("row 2:", "row 3:", "row 5:"):
        assert row in result.output
    assert "row 4:" not in result.output


@pytest.mark.parametrize("name, content, expected", [
    # What a file is comes from its content: text is read as CSV whatever its name.
    ("data.txt", "a,b\n", "unknown column(s): a, b"),
    ("data.xlsx", b"not a zip at all", "unknown column(s): not a zip at all"),
    ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "this is a PNG file (image/png), not a spreadsheet"),
    ("data.xlsx", b"PK\x03\x04 cut short", "not a readable XLSX workbook"),
])
def test_files_that_are_not_tables(runner, small_accord, tmp_path, row_counts, name, content,
                                   expected):
    before = row_counts()
    result = runner.invoke(args=["import-statuses", "small", _write(tmp_path, name, content)])
    assert result.exit_code == 1 and expected in result.output
    assert row_counts() == before


def test_formula_cells_are_refused(runner, small_accord, tmp_path):
    content = _xlsx([["provision_code", "level", "effective_on", "evidence", "note"],
                     ["1.2", 2, "2021-03-03", "=HYPERLINK(\"http://x\")", None]])
    result = runner.invoke(args=["import-statuses", "small", _write(tmp_path, "f.xlsx", content)])
    assert result.exit_code == 1 and "row 2: cell D2 holds a formula" in result.output


@pytest.mark.parametrize("body, expected", [
    ("code,section,text,provision_type,priority,tags,deadline\n1,A,t,Nonsense,no,,\n",
     "row 2: unknown provision type 'Nonsense'"),
    ("code,section,text,provision_type,priority,tags,deadline\n1,A,t,,maybe,,\n",
     "row 2: 'maybe' is not a yes/no value"),
    ("code,section,text,provision_type,priority,tags,deadline\n1,A,t,,no,,\n1,A,u,,no,,\n",
     "row 3: duplicate provision code '1'"),
    ("code,section,text,provision_type,priority,tags,deadline\n1,A,t,,no,,31/12/2020\n",
     "row 2: '31/12/2020' is not a date"),
    ("code,section,text\n1,A,t\n", "missing column(s): provision_type, priority, tags, deadline"),
])
def test_bad_structure_files(runner, tmp_path, row_counts, body, expected):
    before = row_counts()
    result = runner.invoke(args=["import-accord", _write(tmp_path, "s.csv", body), "--name",
                                 "Bad", "--country", "X", "--signed-on", "2019-01-01"])
    assert result.exit_code == 1 and expected in result.output
    assert row_counts() == before


REFERENCE = ("accord,country,signed_on,provision_type,year,level\n"
             "Test Accord,Testland,2001-03-04,CFR,2002,1\n"
             "Test Accord,Testland,2001-03-04,CFR,2003,3\n"
             "Test Accord,Testland,2001-03-04,Amnesty,2002,2\n"
             "Test Accord,Testland,2001-03-04,Amnesty,2003,\n")


def test_import_reference_creates_an_accord(runner, tmp_path):
    path = _write(tmp_path, "ref.csv", REFERENCE)
    result = runner.invoke(args=["import-reference", path, "--set", "Test set"])
    assert result.exit_code == 0, result.output
    accord = db.session.scalar(select(Accord).where(Accord.name == "Test Accord"))
    assert accord.kind == "reference" and accord.reference_set == "Test set"
    assert not accord.illustrative
    (ref,) = queries.reference_data("Test set")
    # signed in March: year 1 is 2001 (PAM's rule), so 2002 is year 2 and 2003 year 3;
    # 2003: CFR 3 and Amnesty blank (not in the accord that year): 3/3
    assert {y: (c.calendar_year, dict(c.levels)) for y, c in ref.years.items()} == {
        2: (2002, {"CFR": 1, "AMN": 2}), 3: (2003, {"CFR": 3})}
    assert ref.years[3].score == 100
    again = runner.invoke(args=["import-reference", path, "--set", "Other"])
    assert again.exit_code == 1 and "already imported as reference set 'Test set'" in again.output


def test_import_reference_from_xlsx(runner, tmp_path):
    rows = [line.split(",") for line in REFERENCE.strip().splitlines()]
    path = _write(tmp_path, "ref.xlsx", _xlsx(rows))
    assert runner.invoke(args=["import-reference", path]).exit_code == 0


@pytest.mark.parametrize("line, expected", [
    ("Test Accord,Testland,2001-03-04,XYZ,2002,1", "unknown provision type 'XYZ'"),
    ("Test Accord,Testland,2001-03-04,CFR,2002,1", "duplicate row for CFR in 2002"),
    ("Test Accord,Testland,2001-03-04,DEM,1999,1", "is not a calendar year from the signing"),
    ("Test Accord,Testland,2001-03-04,DEM,2002,9", "column level: 9 is outside 0-3"),
    ("Test Accord,Otherland,2001-03-04,DEM,2002,1", "country or signing date differ"),
    ("Test Accord,Testland,04/03/2001,DEM,2002,1", "is not a date"),
])
def test_bad_reference_rows(runner, tmp_path, row_counts, line, expected):
    before = row_counts()
    path = _write(tmp_path, "ref.csv", REFERENCE + line + "\n")
    result = runner.invoke(args=["import-reference", path])
    assert result.exit_code == 1
    assert "row 6:" in result.output and expected in result.output
    assert row_counts() == before


def test_reference_import_never_touches_a_monitored_accord(runner, demo, tmp_path):
    version, provisions = demo.revision, len(demo.provisions)
    line = f"{demo.name},{demo.country},{demo.signed_on},CFR,2018,1\n"
    path = _write(tmp_path, "ref.csv", "accord,country,signed_on,provision_type,year,level\n"
                  + line)
    result = runner.invoke(args=["import-reference", path, "--set", "Same name"])
    assert result.exit_code == 0, result.output
    db.session.refresh(demo)
    assert (demo.revision, len(demo.provisions), demo.kind) == (version, provisions, "monitored")
    (copy,) = queries.reference_data("Same name")
    assert copy.name == demo.name and copy.slug != demo.slug


def test_users_create(runner, monkeypatch, demo):
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "a long enough password")
    result = runner.invoke(args=["users", "create", "Partner@Example.org", "--role", "editor",
                                 "--org", "Partner NGO", "--accord", demo.slug])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "partner@example.org"))
    assert user.organization.name == "Partner NGO"
    assert user.password_hash.startswith("$argon2") and "long enough" not in user.password_hash
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
    assert (grant.role, grant.accord_id) == ("editor", demo.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                      AuditEvent.object_id == user.id))


@pytest.mark.parametrize("args, password, expected", [
    (["nobody", "--role", "editor"], "a long enough password", "is not an email address"),
    (["x@example.org", "--role", "editor"], "short", "at least 10 characters"),
    (["x@example.org", "--role", "editor", "--accord", "nope"], "a long enough password",
     "no accord with slug 'nope'"),
])
def test_users_create_refusals(runner, monkeypatch, row_counts, args, password, expected):
    before = row_counts()
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", password)
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code == 1 and expected in result.output
    assert row_counts() == before


def test_users_grant_a_section_role(runner, monkeypatch, demo):
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "a long enough password")
    runner.invoke(args=["users", "create", "p@example.org", "--role", "viewer"])
    result = runner.invoke(args=["users", "grant", "p@example.org", "--role", "editor",
                                 "--accord", demo.slug, "--section", "2"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "p@example.org"))
    grant = next(g for g in user.roles if g.role == "editor")
    assert grant.section.code == "2" and grant.accord_id == demo.id
    again = runner.invoke(args=["users", "grant", "p@example.org", "--role", "editor",
                                "--accord", demo.slug, "--section", "2"])
    assert again.exit_code == 1 and "already granted" in again.output
    missing = runner.invoke(args=["users", "grant", "p@example.org", "--role", "editor",
                                  "--accord", demo.slug, "--section", "99"])
    assert missing.exit_code == 1 and "no section '99'" in missing.output
