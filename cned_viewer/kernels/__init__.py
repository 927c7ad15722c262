"""numba kernels on plain arrays (the hot loops of the measure layer).

Each kernel module has a numpy/scipy twin in :mod:`cned_viewer.kernels.reference`, used by the
tests. Importing this package first points numba's on-disk cache at a writable per-user folder
(``NUMBA_CACHE_DIR``) unless the caller already chose one, so that ``cache=True`` kernels also
load when the installed package folder is read-only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def _choose_numba_cache_dir() -> str:
    """The folder numba caches compiled kernels in: ``$NUMBA_CACHE_DIR``, else the user cache."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return chosen
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidates = [base / "cned-viewer" / "numba", Path(tempfile.gettempdir()) / f"cned-viewer-numba-{os.getuid()}"]
    for path in candidates:
        if _writable(path):
            os.environ["NUMBA_CACHE_DIR"] = str(path)
            if "numba" in sys.modules:  # numba read its config already: tell it too
                sys.modules["numba"].config.CACHE_DIR = str(path)
            return str(path)
    return ""


NUMBA_CACHE_DIR = _choose_numba_cache_dir()

from cned_viewer.kernels.warmup import warm_up  # noqa: E402  (numba must see the cache folder first)

__all__ = ["NUMBA_CACHE_DIR", "warm_up"]
