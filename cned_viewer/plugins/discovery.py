"""Finding plugins: entry points of the group ``cned_viewer.plugins``, loaded one by one."""

from __future__ import annotations

from importlib import metadata
from importlib.metadata import EntryPoint, entry_points

from cned_viewer.plugins.contracts import ENTRY_POINT_GROUP, Plugin


def find_entry_points(group: str = ENTRY_POINT_GROUP) -> list[EntryPoint]:
    """Every installed entry point of ``group``, sorted by name (one per plugin)."""
    return sorted(entry_points(group=group), key=lambda ep: ep.name)


def distribution_version(entry_point: EntryPoint) -> str:
    """The installed package version behind ``entry_point`` ('' when unknown)."""
    dist = getattr(entry_point, "dist", None)
    return str(dist.version) if dist is not None else ""


def installed_version(distribution: str) -> str:
    """The installed version of a plugin's own package, or ``0.0.0+source`` when run from a checkout."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0.0.0+source"


def load_plugin(entry_point: EntryPoint) -> Plugin:
    """Import the entry point's object; call it when it is a factory. Any error propagates."""
    target = entry_point.load()
    plugin = target() if callable(target) and not isinstance(target, Plugin) else target
    if not isinstance(plugin, Plugin):
        raise TypeError(f"entry point {entry_point.value} gave {type(plugin).__name__}, not a cned_viewer.plugins.Plugin")
    if not plugin.name or not plugin.version:
        raise ValueError(f"entry point {entry_point.value}: a plugin needs a name and a version")
    return plugin
