"""The report workbook as LibreOffice prints it: every page carries the sheet's name and the
accord in its header, and the Summary sheet (with its chart) takes at most two pages."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from tracker.cutoffs.services import publish
from tracker.excel.report import report_workbook

pytestmark = pytest.mark.libreoffice


def _pdf_pages(tmp_path, data: bytes) -> list[str]:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "report.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    result = subprocess.run(
        [program, "--headless", "--norestore",
         f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(io.BytesIO((out / "report.pdf").read_bytes()))
    return [page.extract_text() or "" for page in reader.pages]


def test_the_summary_sheet_prints_on_at_most_two_pages(app, demo, tmp_path):
    first = publish(demo, "Report 1", date(2019, 2, 28))
    from tracker.cutoffs.report import Moment

    data = report_workbook(demo, date(2020, 2, 29), include_unverified=False,
                           show_authors=False, cutoff_label="Report 2",
                           since=Moment.of(first))
    pages = _pdf_pages(tmp_path, data)
    summary = [text for text in pages if text.lstrip().startswith("Summary")
               or "\nSummary\n" in f"\n{text}\n"]
    assert 1 <= len(summary) <= 2, [p[:80] for p in pages[:12]]
    assert all("Report 2" in text for text in pages)  # the header names the cut-off
    changes = [text for text in pages if text.lstrip().startswith("Changes")]
    assert changes and "Moved up" in " ".join(changes)
