"""Small demo-derived cases for batch tests and the benchmark: the demo phantom on coarser grids.

Each case samples the demo's analytic liver, metastases and vessels on its own grid (voxel size
grows a little from case to case), so the measurements differ between cases and every case is
only some 10^5 voxels instead of the demo's 10^7.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

from cned_viewer.core import Geometry
from cned_viewer.demo.phantom import SIZE_XYZ, SPACING_XYZ_MM, make_demo_image, make_demo_labels
from cned_viewer.io.masks import save_labels
from cned_viewer.io.sitk_bridge import write_image

EXTENT_XYZ_MM = tuple(n * s for n, s in zip(SIZE_XYZ, SPACING_XYZ_MM))


def small_geometry(voxel_mm: float) -> Geometry:
    """The demo's field of view on a grid of ``voxel_mm`` in-plane and twice that between slices."""
    spacing = (voxel_mm, voxel_mm, 2 * voxel_mm)
    size = tuple(int(extent // s) for extent, s in zip(EXTENT_XYZ_MM, spacing))
    origin = tuple(-(n - 1) * s / 2.0 for n, s in zip(size, spacing))
    return Geometry(size, spacing, origin)


def write_small_cases(folder: Path, count: int, voxel_mm: float = 3.0, step_mm: float = 0.05) -> Path:
    """Write ``count`` cases and their ``cases.csv`` (relative paths, clinical columns) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        labels = make_demo_labels(small_geometry(voxel_mm + step_mm * i))
        image = make_demo_image(labels)
        write_image(image.array, image.geometry, folder / f"case{i:02d}_ct.nii.gz")
        save_labels(labels, folder / f"case{i:02d}_labels.nii.gz")
        rows.append({"patient_id": f"C{i:02d}", "image": f"case{i:02d}_ct.nii.gz", "labels": f"case{i:02d}_labels.nii.gz",
                     "differentiation": ("poor", "moderate", "well")[i % 3], "cea_ng_ml": str(5 + 10 * i)})
    table = folder / "cases.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return table


def _tasks(table: Path) -> list[tuple]:
    from cned_viewer.measure import MeasureOptions

    with open(table, newline="", encoding="utf-8") as handle:
        return [(row, table.parent, MeasureOptions(), None) for row in csv.DictReader(handle)]


def _rate(run, count: int) -> float:
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start) * 60


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.batch_workers [--cases N] [--voxel-mm MM]``: cases per minute in-process and on 1 and 2
    Dask workers (LocalCluster; after each worker has measured one case, so start-up and numba loading are left out)."""
    import argparse
    import tempfile

    from cned_viewer.cohort.runner import dask_client
    from cned_viewer.commands.batch import process_case

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--cases", type=int, default=24)
    parser.add_argument("--voxel-mm", type=float, default=1.2, help="in-plane voxel of the cases (the demo's is 0.8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tasks = _tasks(write_small_cases(Path(tmp) / "cases", args.cases, args.voxel_mm, step_mm=0.0))
        size = small_geometry(args.voxel_mm).size_xyz
        print(f"{args.cases} demo-derived cases of {size[0]} x {size[1]} x {size[2]} voxels ({os.cpu_count()} CPUs)")
        process_case(*tasks[0])
        print(f"in-process: {_rate(lambda: [process_case(*t) for t in tasks], len(tasks)):.0f} cases/min")
        for workers in (1, 2):
            with dask_client(None, workers) as client:
                client.gather(client.map(process_case, *zip(*tasks[:workers]), pure=False))
                rate = _rate(lambda: client.gather(client.map(process_case, *zip(*tasks), pure=False)), len(tasks))
            print(f"Dask LocalCluster, {workers} worker(s): {rate:.0f} cases/min")


if __name__ == "__main__":
    main()
