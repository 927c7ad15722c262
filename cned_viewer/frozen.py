"""Set-up of the frozen desktop bundle (PyInstaller), run by its runtime hook before any other import.

The build compiles the numba kernels into ``numba_cache/`` inside the bundle for one portable
x86-64 target (:data:`BUNDLE_TARGET`, recorded in ``build-info.json``). At start:

- where the CPU has every feature of that target, numba is told to generate code for it, so the
  shipped kernels fit; elsewhere numba compiles for the host CPU (once, with a progress dialog:
  :mod:`cned_viewer.ui.first_start`);
- the shipped cache is copied once into a writable per-user folder named after the build
  (``~/.cache/cned-viewer/numba-BUILD``, else the temp folder), which becomes ``NUMBA_CACHE_DIR``:
  the installed bundle stays read-only and kernels compiled later are kept there;
- numba finds cached kernels by module name (:class:`cned_viewer.bundle_cache.BundleCacheLocator`),
  since a frozen module has no source file for numba's own locators (the "no locator available" error).

A variable the user set (``NUMBA_CACHE_DIR``, ``NUMBA_CPU_NAME``) is left as it is. Stdlib only.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

BUILD_INFO_FILE = "build-info.json"
SHIPPED_CACHE = "numba_cache"
#: numba locators, in order (numba's own user-wide one if the bundle's finds no writable folder).
LOCATOR = "cned_viewer.bundle_cache.BundleCacheLocator,UserWideCacheLocator"
#: The portable target the shipped kernels are compiled for, and the /proc/cpuinfo flags it needs.
BUNDLE_TARGET = {
    "cpu_name": "x86-64-v3",
    "cpu_features": "",
    "cpuinfo_flags": ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "abm", "movbe", "xsave",
                      "cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"],
}


def bundle_dir() -> Path | None:
    """The frozen bundle's folder of libraries and data (``sys._MEIPASS``), None when not frozen."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if getattr(sys, "frozen", False) and folder else None


def read_build_info(bundle: Path) -> dict:
    """``build-info.json``: version, build id and the numba target of the shipped cache ({} if absent)."""
    path = bundle / BUILD_INFO_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def cpu_flags(cpuinfo: str) -> set[str]:
    """The feature flags of the first processor in a ``/proc/cpuinfo`` text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def host_cpu_flags() -> set[str]:
    try:
        return cpu_flags(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return set()


def numba_target_env(target: dict, flags: set[str]) -> dict[str, str]:
    """``NUMBA_CPU_NAME``/``NUMBA_CPU_FEATURES`` for the shipped target when this CPU can run it, else {}."""
    if not target or not set(target.get("cpuinfo_flags", ())) <= flags:
        return {}
    return {"NUMBA_CPU_NAME": target["cpu_name"], "NUMBA_CPU_FEATURES": target.get("cpu_features", "")}


def user_cache_candidates(build_id: str, environ: MutableMapping[str, str]) -> list[Path]:
    base = Path(environ.get("XDG_CACHE_HOME") or Path(environ.get("HOME") or Path.home()) / ".cache")
    name = f"numba-{build_id}"
    return [base / "cned-viewer" / name, Path(tempfile.gettempdir()) / f"cned-viewer-{os.getuid()}" / name]


def install_cache(shipped: Path, candidates: list[Path]) -> Path | None:
    """Copy the shipped cache into the first writable candidate (once; atomic by rename); None if none is."""
    for target in candidates:
        if target.is_dir():
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".copy-", dir=target.parent))
            if shipped.is_dir():
                shutil.copytree(shipped, staging, dirs_exist_ok=True)
            staging.chmod(0o755)
            try:
                staging.rename(target)
            except OSError:  # another instance copied it first
                shutil.rmtree(staging, ignore_errors=True)
            if target.is_dir():
                return target
        except OSError:
            continue
    return None


def configure_frozen_app(environ: MutableMapping[str, str] = os.environ, bundle: Path | None = None,
                         flags: set[str] | None = None) -> None:
    """Point numba at a writable copy of the shipped kernel cache and its target (no-op when not frozen)."""
    bundle = bundle or bundle_dir()
    if bundle is None:
        return
    info = read_build_info(bundle)
    environ.setdefault("NUMBA_CACHE_LOCATOR_CLASSES", LOCATOR)
    if "NUMBA_CPU_NAME" not in environ:
        environ.update(numba_target_env(info.get("numba_target", {}), host_cpu_flags() if flags is None else flags))
    if "NUMBA_CACHE_DIR" not in environ:
        folder = install_cache(bundle / SHIPPED_CACHE, user_cache_candidates(info.get("build_id", "dev"), environ))
        if folder is not None:
            environ["NUMBA_CACHE_DIR"] = str(folder)
