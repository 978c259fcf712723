"""Every form that posts is checked by the server only (`novalidate`): its refusals come in
the reader's language, in the error summary and at the field, never as the browser's own
bubbles in the browser's language."""
from __future__ import annotations

import re
from pathlib import Path

import tracker

TEMPLATES = Path(tracker.__file__).parent / "templates"


def test_every_posting_form_leaves_validation_to_the_server():
    lacking = [f"{path.relative_to(TEMPLATES)}: {tag}"
               for path in sorted(TEMPLATES.rglob("*.html"))
               for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8"))
               if re.search(r'method="post"', tag, re.I) and "novalidate" not in tag]
    assert lacking == []
