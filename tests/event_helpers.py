"""Helpers for the event tests: sample files of each accepted kind (made here, by their
published signatures and containers), and an event input on the demo accord."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from openpyxl import Workbook

from tracker.events.services import EventInput, NewSource, Upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
TEXT = "Acta de la reunión en Tibú, 3 de marzo.\nAsistentes: 40.\n".encode()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             b'2006/content-types"><Override PartName="/word/document.xml" '
             b'ContentType="application/'
             b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": types, "_rels/.rels": b"<Relationships/>",
                 "word/document.xml": b"<w:document/>"})


def docm() -> bytes:
    """A Word document carrying a VBA project (macros)."""
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             b'2006/content-types"><Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": types, "_rels/.rels": b"<Relationships/>",
                 "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00" * 64})


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03" + b"\x00" * 120
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def new_source(**values) -> NewSource:
    base = dict(title="Informe de seguimiento", kind="report", publisher="Procuraduría",
                published_on=date(2019, 3, 5), url="https://example.org/informe.pdf",
                language="es", attachment=Upload(PDF, "informe.pdf"))
    base.update(values)
    return NewSource(**base)


def event_input(accord, **values) -> EventInput:
    """An acceptable event on `accord` bearing on its first two provisions."""
    first, second = accord.provisions[0], accord.provisions[1]
    base = dict(accord=accord, occurred_on=date(2019, 3, 3), title="Entrega de tierras en Tibú",
                provisions=[(first, "advances"), (second, "sets_back")],
                sources=[new_source()], description="Se entregaron 300 hectáreas.",
                place_code="54810", actors="Agencia Nacional de Tierras")
    base.update(values)
    return EventInput(**base)


def assert_refused_at_the_item(html: str, kind: str, row_id: int, words: str) -> None:
    """A decision refused for what the row is or cites: the row's own focusable alert says
    `words`, the error summary links to it, and the reason box is neither invalid nor
    holds the message (it is for "a reason is required to reject" only)."""
    alert = re.search(rf'<div class="conflict refusal" role="alert" id="{kind}-refusal-'
                      rf'{row_id}" tabindex="-1">(.*?)</div>', html, re.S)
    assert alert is not None and words in alert.group(1)
    summary = html[html.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert f'href="#{kind}-refusal-{row_id}"' in summary and words in summary
    assert summary.count("<li>") == 1  # not again as the reason box's error
    prefix = "" if kind == "record" else f"{kind}-"
    box = re.search(rf'<input[^>]*id="{prefix}reason-{row_id}"[^>]*>', html).group(0)
    assert "aria-invalid" not in box and f'id="{prefix}reason-{row_id}-error"' not in html
    verify = re.search(rf'<input[^>]*id="{prefix}verify-{row_id}"[^>]*>', html).group(0)
    assert f'aria-describedby="{kind}-refusal-{row_id}"' in verify
