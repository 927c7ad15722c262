"""Atomic file writes: write a temporary file beside the target, then rename it over."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from cned_viewer.io.output_paths import OutputError, output_problem


def _suffixes(path: Path) -> str:
    """All suffixes (``.nii.gz``), so writers that choose a format by name still do."""
    return "".join(path.suffixes)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less umask)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)`` and move the result to ``path`` in one rename.

    The temporary file sits in the target's folder (same file system, so the rename is
    atomic). If ``write`` fails or is interrupted, the previous file at ``path`` is intact
    and the temporary file is removed; an OS error is an :class:`OutputError` (one line).
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + _suffixes(target), dir=target.parent)
    except OSError as error:
        raise OutputError(output_problem(target, error)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, _mode_for(target))
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OutputError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as error:  # disk full, the folder made read-only meanwhile, ...: one line, the old file intact
        tmp.unlink(missing_ok=True)
        raise OutputError(output_problem(target, error)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
