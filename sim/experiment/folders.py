"""Result folders are created whole or not at all, and never overwritten.

Everything is written into a hidden temporary sibling, `.<name>.partial-<pid>-<random>`, which is
renamed into place at the end; a failure (or Ctrl-C, or SIGTERM in the command line) removes it,
so nothing half-written is ever left under the name asked for. Only a writer killed outright
(SIGKILL, power cut) can leave its hidden folder behind: the next save into the same parent
folder removes those whose writer process is no longer running, and says so (`remove_stale`).
Parent folders created for a save that then fails are removed again.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

PARTIAL = re.compile(r"^\..*\.partial-(\d+)-[0-9a-f]{8}$")
"""A temporary folder's name; group 1 is the pid of the process writing it."""

NAME_KEEP = 64
"""At most this much of the folder's name goes into the temporary name (which must fit too)."""


def _refuse(folder: Path) -> FileExistsError:
    return FileExistsError(f"{folder}: already exists; results are never overwritten, choose a new folder")


def pid_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (a pid we may not signal counts as running)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import _winapi

        try:
            handle = _winapi.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        except OSError:
            return False
        try:
            return _winapi.WaitForSingleObject(handle, 0) == _winapi.WAIT_TIMEOUT
        finally:
            _winapi.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: someone else's process
        return True
    return True


def remove_stale(parent: Path) -> list[Path]:
    """Remove the temporary folders in `parent` left by writers that were killed; return them.

    A temporary folder is stale when the process named in it no longer runs (a live writer's
    folder is never touched). Each removal is logged as one `note:` line.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = PARTIAL.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        if pid_alive(int(match.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        if not os.path.exists(entry.path):
            removed.append(Path(entry.path))
            log.warning(
                "note: removed %s, an unfinished results folder left by an interrupted run (process %s)",
                entry.path,
                match.group(1),
            )
    return removed


def check_new_folder(folder: str | Path) -> Path:
    """Refuse, before any work, a folder that cannot be created: it exists, its name is too long,
    a parent is a file, or the nearest existing parent is not writable. Raises `FileExistsError`
    or `OSError` (with `strerror` saying why); creates nothing."""
    folder = Path(folder)
    try:
        exists = folder.exists()
    except OSError as exc:  # e.g. ENAMETOOLONG on Python < 3.12
        raise OSError(exc.errno, _why(exc), str(folder)) from None
    if exists or folder.is_symlink():
        raise _refuse(folder)
    ancestor = folder.parent
    while not ancestor.exists() and not ancestor.is_symlink():  # stop at a dangling link too
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OSError(errno.ENOTDIR, f"{ancestor} is not a folder", str(folder))
    name_max = _name_max(ancestor)
    for part in folder.parts[len(ancestor.parts) :]:
        size = len(os.fsencode(part))
        if size > name_max:
            raise OSError(
                errno.ENAMETOOLONG, f"file name too long ({size} bytes; at most {name_max} here)", str(folder)
            )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, f"cannot write into {ancestor}", str(folder))
    return folder


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf
        return 255


def _why(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def _create_parents(parent: Path) -> list[Path]:
    """`mkdir -p parent`, returning the folders it created (deepest last)."""
    missing: list[Path] = []
    p = parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        p.mkdir(exist_ok=True)
    return list(reversed(missing))


def write_new_folder(folder: str | Path, fill: Callable[[Path], None]) -> Path:
    """Create `folder` with what `fill(tmp)` writes into a temporary folder; return its path."""
    folder = Path(folder)
    if folder.exists():
        raise _refuse(folder)
    created = _create_parents(folder.parent)
    tmp = folder.parent / f".{folder.name[:NAME_KEEP]}.partial-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        remove_stale(folder.parent)
        tmp.mkdir()
        try:
            fill(tmp)
            if folder.exists():  # created by someone else meanwhile
                raise _refuse(folder)
            os.rename(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except BaseException:
        for p in reversed(created):  # the deepest first; only if still empty
            try:
                p.rmdir()
            except OSError:
                break
        raise
    return folder


T = TypeVar("T")


def save_with_writers(
    folder: str | Path,
    obj: T,
    write_files: Callable[[Path], object],
    writers: Sequence[Callable[[T, Path], object]],
) -> Path:
    """A new folder holding `write_files`'s data files, then what each writer adds (plots,
    reports) — written whole or not at all (`write_new_folder`). Every result's `save`."""

    def fill(tmp: Path) -> None:
        write_files(tmp)
        for writer in writers:
            writer(obj, tmp)

    return write_new_folder(folder, fill)
