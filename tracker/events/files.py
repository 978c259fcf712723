"""What an attached file is, judged by its content (never by its name), with the `filetype`
library's signatures plus a check for plain text.

Accepted: PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT and plain UTF-8 text. Refused whatever the
name: HTML, SVG and other markup (a browser would run it), executables and scripts, office
documents with macros, and anything not recognised. The size limit is the app's
`MAX_ATTACHMENT_BYTES`.
"""
from __future__ import annotations

import io
import zipfile

import filetype

from ..domain.messages import Message, N_

ACCEPTED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
}
EXECUTABLES = {"application/x-executable", "application/x-msdownload", "application/x-mach-binary",
               "application/x-elf", "application/x-sharedlib", "application/x-shellscript"}
#: Office documents are zip packages: checked for macros before they are accepted.
OFFICE = {kind for kind, ext in ACCEPTED.items() if ext in ("docx", "xlsx", "odt")}
#: Text that a browser or a shell could take as something to run.
_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<head", b"<body",
           b"<iframe", b"<object", b"<!--")


class Refused(Exception):
    """The file is not an acceptable attachment; `reason` says why (HTTP 400)."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(str(reason))


class TooLarge(Exception):
    """The file is over the size limit (HTTP 413)."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"the file has {size} bytes; the limit is {limit}")


def media_type(content: bytes, limit: int) -> str:
    """The media type of an acceptable attachment of `content` (one of ACCEPTED). Raises
    TooLarge over `limit` bytes, Refused with the reason otherwise."""
    if len(content) > limit:
        raise TooLarge(len(content), limit)
    if not content:
        raise Refused(N_("the file is empty"))
    found = filetype.guess_mime(content)
    if found in OFFICE:
        _check_office(content)
    if found in ACCEPTED:
        return found
    if found in EXECUTABLES or content.startswith(b"#!"):
        raise Refused(N_("the file is a program; programs are never accepted"))
    if found is None and _is_text(content):
        if _is_markup(content):
            raise Refused(N_("the file is HTML, SVG or other markup, which is not accepted "
                             "(save it as PDF instead)"))
        return "text/plain"
    raise Refused(Message(N_("files of this kind (%(kind)s) are not accepted: attach a PDF, "
                             "an image (PNG, JPEG, WebP), an office document (DOCX, XLSX, "
                             "ODT) or plain text"), kind=found or Message(N_("unknown"))))


def _check_office(content: bytes) -> None:
    """Refuse an office package that cannot be opened or that carries macros (a VBA project,
    a macro-enabled content type, OpenDocument Basic scripts)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [name.lower() for name in archive.namelist()]
            types = archive.read("[Content_Types].xml") \
                if "[content_types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        raise Refused(N_("the office document is damaged: it cannot be opened")) from None
    if (any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in names)
            or b"macroenabled" in types.lower()):
        raise Refused(N_("documents with macros are not accepted: save it without macros "
                         "(e.g. as .docx or .xlsx) or as PDF"))


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def _is_markup(content: bytes) -> bool:
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") or any(tag in head for tag in _MARKUP)
