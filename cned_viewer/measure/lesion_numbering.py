"""Stable lesion numbers across edits (pure numpy).

A fresh measurement numbers lesions 1..n by volume. After an edit a lesion keeps its number
while it exists, so that the table, the 3D view and the report name the same lesion the same
way. The lesions after an edit are matched to those before it by shared voxels:

* a component that is unchanged (the engine kept it) keeps its number;
* otherwise numbers go out in ascending order, each to the not yet numbered lesion it shares
  most voxels with: in a **merge** the lowest number survives; in a **split** the part holding
  most of the old lesion keeps the number;
* a lesion that disappeared (deleted, erased) is remembered, so that undo, or painting it back
  over the same voxels, gives it its number again;
* any other lesion is new: it takes the next number never given out in this session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from cned_viewer.measure.results import Lesion, LesionSet

REMEMBERED_LESIONS = 64


class Component(Protocol):
    """A connected component as runs along x: rows ``z``, ``y``, columns ``[x0, x1)``; ``box`` is
    ``(z0, z1, y0, y1, x0, x1)`` (stops exclusive); ``voxels`` its size."""

    box: tuple[int, ...]
    voxels: int
    z: np.ndarray
    y: np.ndarray
    x0: np.ndarray
    x1: np.ndarray


def voxel_keys(component: Component, shape_zyx: tuple[int, int, int]) -> np.ndarray:
    """The sorted flat indices of a component's voxels."""
    lengths = (np.asarray(component.x1, np.int64) - np.asarray(component.x0, np.int64))
    starts = (np.asarray(component.z, np.int64) * shape_zyx[1] + np.asarray(component.y, np.int64)) * shape_zyx[2] + component.x0
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.sort(np.repeat(starts, lengths) + offsets)


def overlap_counts(previous: Sequence[np.ndarray], current: Sequence[np.ndarray]) -> np.ndarray:
    """``[i, j]``: voxels shared by the sorted key sets ``previous[i]`` and ``current[j]``."""
    counts = np.zeros((len(previous), len(current)), np.int64)
    if not previous or not current:
        return counts
    keys = np.concatenate(previous)
    owners = np.repeat(np.arange(len(previous)), [len(k) for k in previous])
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    for j, wanted in enumerate(current):
        at = np.searchsorted(keys, wanted)
        inside = at < len(keys)
        at = at[inside]
        hit = at[keys[at] == wanted[inside]]
        counts[:, j] = np.bincount(owners[hit], minlength=len(previous))
    return counts


def assign_numbers(previous_ids: Sequence[int], overlap: np.ndarray) -> list[int | None]:
    """The number each current lesion (a column of ``overlap``) inherits, None if none.

    Previous numbers are handed out in ascending order, each to the current lesion, not yet
    numbered, with which it shares most voxels (see the module doc: merges and splits).
    """
    numbers: list[int | None] = [None] * overlap.shape[1]
    for row in np.argsort(np.asarray(previous_ids), kind="stable"):
        shared = np.where([n is None for n in numbers], overlap[row], 0)
        if shared.size and shared.max() > 0:
            numbers[int(np.argmax(shared))] = int(previous_ids[row])
    return numbers


def _lesion_order(lesions: Sequence[Lesion], components: Sequence[Component]) -> list[Component]:
    """``components`` in the order of ``lesions`` (matched by bounding box, then by size within one box)."""
    by_box: dict[tuple[int, ...], list[Component]] = {}
    for comp in components:
        z0, z1, y0, y1, x0, x1 = (int(v) for v in comp.box)
        by_box.setdefault((z0, y0, x0, z1 - 1, y1 - 1, x1 - 1), []).append(comp)
    for group in by_box.values():
        group.sort(key=lambda c: -c.voxels)
    ranked = sorted(range(len(lesions)), key=lambda k: -lesions[k].volume_ml)
    ordered: list[Component | None] = [None] * len(lesions)
    for k in ranked:
        ordered[k] = by_box[tuple(int(v) for v in lesions[k].bbox)].pop(0)
    return ordered  # type: ignore[return-value]


def _boxes_meet(a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether two ``(z0, z1, y0, y1, x0, x1)`` boxes share a voxel."""
    return all(a[2 * k] < b[2 * k + 1] and b[2 * k] < a[2 * k + 1] for k in range(3))


class LesionNumbering:
    """The numbers of one label map's lesions, kept from one refresh to the next."""

    def __init__(self, shape_zyx: tuple[int, int, int]) -> None:
        self.shape = tuple(int(v) for v in shape_zyx)
        self._alive: dict[int, Component] = {}
        self._keys: dict[int, np.ndarray] = {}  # number -> voxel keys, computed when needed
        self._gone: dict[int, tuple[tuple[int, ...], np.ndarray]] = {}  # number -> box, voxel keys of a lesion that went (oldest first)
        self._highest = 0

    @classmethod
    def carried(cls, numbering: LesionNumbering | None, shape_zyx: tuple[int, int, int]) -> LesionNumbering:
        """``numbering`` to go on with (a new measurer of the same labels), or a new one if None or for another grid."""
        return numbering if numbering is not None and numbering.shape == tuple(shape_zyx) else cls(shape_zyx)

    def snapshot(self) -> LesionNumbering:
        """A copy to number another measurement of the same labels with (e.g. the report's) without changing this one.

        Safe while a worker numbers a refresh: :meth:`number` replaces its dicts, it does not change them.
        """
        copy = LesionNumbering(self.shape)  # type: ignore[arg-type]
        copy._alive, copy._keys, copy._gone, copy._highest = dict(self._alive), dict(self._keys), dict(self._gone), self._highest
        return copy

    def components(self) -> dict[int, Component]:
        """The component of each numbered lesion, by number, as of the last :meth:`number`."""
        return dict(self._alive)

    def _keys_of(self, number: int) -> np.ndarray:
        if number not in self._keys:
            self._keys[number] = voxel_keys(self._alive[number], self.shape)  # type: ignore[arg-type]
        return self._keys[number]

    def number(self, lesion_set: LesionSet, components: Sequence[Component]) -> LesionSet:
        """``lesion_set`` with stable numbers; ``components`` are its lesions' components (any order,
        tiny ones may be among them). The first call keeps the fresh numbering."""
        lesions = lesion_set.lesions
        comps = _lesion_order(lesions, components)
        if not self._alive and not self._gone and self._highest == 0:
            numbers = [lesion.id for lesion in lesions]
        else:
            numbers = self._match(comps)
        self._remember(numbers, comps)
        renumbered = tuple(replace(lesion, id=n) for lesion, n in zip(lesions, numbers))
        return replace(lesion_set, lesions=renumbered)

    def _match(self, comps: Sequence[Component]) -> list[int]:
        kept = {id(comp): number for number, comp in self._alive.items()}
        numbers: list[int | None] = [kept.get(id(comp)) for comp in comps]
        open_rows = [k for k, n in enumerate(numbers) if n is None]
        taken = {n for n in numbers if n is not None}
        boxes = {n: comp.box for n, comp in self._alive.items()} | {n: box for n, (box, _) in self._gone.items()}
        for pool in (list(self._alive), list(self._gone)):
            pool = [n for n in pool if n not in taken and any(_boxes_meet(boxes[n], comps[k].box) for k in open_rows)]
            if not open_rows or not pool:
                continue
            keys = [voxel_keys(comps[k], self.shape) for k in open_rows]
            known = [self._keys_of(n) if n in self._alive else self._gone[n][1] for n in pool]
            for k, inherited in zip(list(open_rows), assign_numbers(pool, overlap_counts(known, keys))):
                if inherited is not None:
                    numbers[k] = inherited
                    open_rows.remove(k)
        for k in open_rows:
            self._highest += 1
            numbers[k] = self._highest
        return numbers  # type: ignore[return-value]

    def _remember(self, numbers: Sequence[int], comps: Sequence[Component]) -> None:
        now = dict(zip(numbers, comps))
        went = {n: (self._alive[n].box, self._keys_of(n)) for n in self._alive if n not in now}
        gone = {n: entry for n, entry in {**self._gone, **went}.items() if n not in now}
        self._gone = dict(list(gone.items())[-REMEMBERED_LESIONS:])
        self._keys = {n: keys for n, keys in self._keys.items() if n in now and now[n] is self._alive.get(n)}
        self._alive = now
        self._highest = max([self._highest, *numbers])
