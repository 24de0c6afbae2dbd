"""Result folders are created whole or not at all, and never overwritten.

Everything is written into a hidden temporary sibling, which is renamed into place at the end; a
failure (or Ctrl-C) removes it, so nothing half-written is ever left under the name asked for.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path


def _refuse(folder: Path) -> FileExistsError:
    return FileExistsError(f"{folder}: already exists; results are never overwritten, "
                           "choose a new folder")


def write_new_folder(folder: str | Path, fill: Callable[[Path], None]) -> Path:
    """Create `folder` with what `fill(tmp)` writes into a temporary folder; return its path."""
    folder = Path(folder)
    if folder.exists():
        raise _refuse(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        fill(tmp)
        if folder.exists():  # created by someone else meanwhile
            raise _refuse(folder)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
