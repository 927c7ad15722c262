"""The licences of the libraries the app bundles (Help > About), from package metadata.

The desktop build (``installer/build.sh``) writes :data:`LICENCES_FILE` into the bundle with
:func:`write_licences`; the frozen app reads it back with :func:`read_licences`. Run from a
virtual environment, :func:`bundled_licences` collects the same list from the installed metadata.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

#: File name of the licence list inside the frozen bundle (next to the bundled libraries).
LICENCES_FILE = "licences.json"
_ROOT_DISTRIBUTIONS = ("cned-viewer",)
_LONG_LICENCE = 80  # a License field longer than this is the licence's text, not its name


@dataclass(frozen=True)
class BundledLicence:
    """One bundled distribution: its name, version and licence (an SPDX expression where known)."""

    name: str
    version: str
    licence: str


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_distributions(roots: list[str] | tuple[str, ...] = _ROOT_DISTRIBUTIONS) -> list[str]:
    """The installed distributions ``roots`` need at run time (their requirement closure), sorted.

    Optional extras are followed only where a requirement names them (``dask[distributed]``).
    """
    from packaging.requirements import Requirement  # build-time only (PyInstaller brings it)

    found: dict[str, metadata.Distribution] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    pending: list[tuple[str, frozenset[str]]] = [(name, frozenset()) for name in roots]
    while pending:
        name, extras = pending.pop()
        if (_normalise(name), extras) in visited:
            continue
        visited.add((_normalise(name), extras))
        dist = metadata.distribution(name)  # PackageNotFoundError: the environment lacks a requirement
        found[_normalise(name)] = dist
        environments = [{"extra": extra} for extra in sorted(extras)] or [{"extra": ""}]
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return sorted(dist.metadata["Name"] for dist in found.values())


def licence_of(dist: metadata.Distribution) -> str:
    """The licence a distribution declares: License-Expression, a short License field, or its classifiers."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) <= _LONG_LICENCE and declared.upper() != "UNKNOWN":
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    return "see the licence file shipped with it" if declared else "not declared"


def collect_licences(names: list[str]) -> list[BundledLicence]:
    """Name, version and licence of each named installed distribution, sorted by name (case-insensitive)."""
    result = []
    for name in names:
        dist = metadata.distribution(name)
        result.append(BundledLicence(dist.metadata["Name"], dist.version, licence_of(dist)))
    return sorted(result, key=lambda item: item.name.lower())


def write_licences(path: Path, licences: list[BundledLicence]) -> None:
    """Write the licence list as JSON (the build's step; read back by :func:`read_licences`)."""
    path.write_text(json.dumps([asdict(item) for item in licences], indent=1) + "\n", encoding="utf-8")


def read_licences(path: Path) -> list[BundledLicence]:
    """The licence list :func:`write_licences` wrote."""
    return [BundledLicence(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def bundled_licences() -> list[BundledLicence]:
    """The list shipped in the frozen bundle; from a virtual environment, the installed metadata."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / LICENCES_FILE).is_file():
        return read_licences(Path(bundle) / LICENCES_FILE)
    return collect_licences(bundled_distributions())


def licence_summary(licences: list[BundledLicence], sep: str = "\n") -> str:
    """``numpy 2.1.3: BSD-3-Clause`` per library, joined by ``sep`` (one per line by default), for the About box."""
    return sep.join(f"{item.name} {item.version}: {item.licence}" for item in licences)
