"""Where a command may write: refuse an output path before any work, naming the cause and the fix.

An output must name a file (not a folder), in a folder that exists and can be written, and
must not be one of the command's inputs: compared by inode (:func:`os.path.samefile`), so a
hard link, a symlink or another spelling of the same path is caught, and never inside an
input folder in place of one of its files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from cned_viewer.errors import UserError


class OutputError(UserError, OSError):
    """An output that cannot be written: a :class:`UserError` that is also an ``OSError`` for old callers."""


def output_problem(target: Path, error: OSError) -> str:
    """One line for an OS error while writing ``target``."""
    if isinstance(error, PermissionError):
        return f"cannot write {target}: permission denied in {target.parent}; choose a folder you can write to"
    if isinstance(error, (NotADirectoryError, FileExistsError)) or error.errno == 20:
        return f"cannot write {target}: a part of the path is a file, not a folder; choose another output path"
    if isinstance(error, IsADirectoryError):
        return f"cannot write {target}: it is a folder; give a file name"
    if isinstance(error, FileNotFoundError):
        return f"cannot write {target}: the folder {target.parent} does not exist; create it first or choose another"
    return f"cannot write {target}: {error.strerror or error}; check the disk space and the folder"


def _first_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output(path: str | os.PathLike, inputs: Iterable[str | os.PathLike | None] = (), what: str = "output") -> Path:
    """``path`` as a :class:`Path` when a command may write it; else :class:`OutputError` saying why."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{what} {target} is a folder; give a file name inside it (e.g. {target / ('out' + ''.join(target.suffixes) or 'out')})")
    parent = target.absolute().parent
    existing = _first_existing(parent)
    if not existing.is_dir():
        raise OutputError(f"cannot write {what} {target}: {existing} is a file, not a folder; choose another output path")
    if existing != parent:
        raise OutputError(f"cannot write {what} {target}: the folder {parent} does not exist; create it first (mkdir -p {parent}) or choose another")
    if not os.access(parent, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        raise OutputError(f"cannot write {what} {target}: permission denied in {parent}; choose a folder you can write to")
    for given in inputs:
        if given is None or str(given) in ("", "demo"):
            continue
        source = Path(given)
        if target.exists() and source.exists() and os.path.samefile(target, source):
            raise OutputError(f"{what} {target} is the input {source} (same file); writing it would destroy the input, choose another output name")
        if target.exists() and source.is_dir() and target.resolve().is_relative_to(source.resolve()):
            raise OutputError(f"{what} {target} is a file inside the input folder {source}; writing it would replace an input, choose another output path")
    return target
