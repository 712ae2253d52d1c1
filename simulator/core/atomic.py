"""Files written whole or not at all.

Every export (CSV tables, PDFs, mappings) is written to a hidden file beside the target and renamed
into place at the end: a full disk, a pulled USB stick or a crash half-way leaves the previous file
(or none), never half a file, and no part file stays behind. A device or pipe (``/dev/stdout``) is
written in place, since it cannot be renamed onto. A folder at the target is an ``IsADirectoryError``;
any other ``OSError`` passes on unchanged.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


def _part(target: Path) -> Path | None:
    """The hidden file written first, or None for a device or pipe (written in place)."""
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    if target.exists() and not target.is_file():
        return None
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def _discard(part: Path) -> None:
    try:
        part.unlink(missing_ok=True)
    except OSError:
        pass


@contextmanager
def atomic_write(path):
    """A binary file handle whose contents replace ``path`` when the block ends without an error
    (for files written piece by piece)."""
    target = Path(path)
    part = _part(target)
    try:
        with open(part or target, "wb") as fh:
            yield fh
        if part is not None:
            os.replace(part, target)
    except BaseException:
        if part is not None:
            _discard(part)
        raise


def write_atomically(path, data: bytes) -> None:
    """Replace ``path`` with ``data``, whole or not at all."""
    target = Path(path)
    part = _part(target)
    if part is None:
        target.write_bytes(data)
        return
    try:
        part.write_bytes(data)
        os.replace(part, target)
    except BaseException:
        _discard(part)
        raise
