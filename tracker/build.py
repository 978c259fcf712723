"""What this process serves as code: the app version plus a digest of the package's own files
(Python, templates, static files, compiled translations), so that anything kept across
processes or sent to browsers under a key (the shared chart and page store, ETags) is never
served again by a deploy that renders it differently, even with an unchanged version number."""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__

PACKAGE = Path(__file__).resolve().parent
#: The kinds of files that shape what the app renders.
SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".mo", ".csv", ".json", ".ttf"}

_fingerprint: str | None = None  # computed once per process: code does not change under it


def fingerprint() -> str:
    """"<version>+<first 12 hex digits of SHA-256 over every package file's path and bytes>";
    computed on first use (about 2 MB read once per process)."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
                digest.update(path.read_bytes())
        _fingerprint = f"{__version__}+{digest.hexdigest()[:12]}"
    return _fingerprint
