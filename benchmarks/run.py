"""``python -m benchmarks.run``: medians of the measure engine next to peer libraries, same process.

Prints a table and writes ``benchmarks/results/latest.json``. Cases: the seeded synthetic
512 x 512 x 300 abdomen and the IRCAD expert labels (``$CNED_SHARED_DATA`` or ../shared/data).

What is compared (always the same region on both sides):

* label volumes: ``label_histogram`` (count and bounding box of every value, what ``measure()``
  runs on the whole scan) against one ``np.count_nonzero(a == 1)`` (one value, no box), once on
  the whole scan and once on the crop (the liver + tumour + vessel bounding box); the bare
  ``np.count_nonzero(a)`` read is listed as the memory-speed floor.
* components: runs extracted from the crop's label values + union-find (component of every run,
  numbered as scipy numbers them) against ``cc3d.connected_components`` given the crop's
  ready-made boolean tumour mask (and writing a voxel label array, which ours does not).
* brush: a 20 mm ball painted as tumour, then undone; ``apply_edit`` (volumes, TTV, total liver,
  TLVR) and ``refresh`` (region-limited lesion, shape and contact update) of the paint are timed,
  for a ball over parenchyma only and for one in mid-liver over whatever labels lie there.
* measure(): against a peer composition (counts x4 + cc3d + SimpleITK shape statistics with
  Feret + two Maurer distance maps) on the crop.
* 3D update after a stroke: ``build_case_meshes`` given the model on screen and the stroke's box
  (as the viewer passes them), after the same 20 mm tumour balls (what the mesher thread does;
  the GUI thread then only swaps the tumour actor).
  The target is the tumour's update (finding the changed voxels + re-meshing the parts they
  reach); a ball over a vessel also changes the liver and that vessel, re-meshed whole (listed).
* cold start: a first ``measure()`` of the case, and ``warm_up()``, in a fresh process on an empty
  numba cache.

The targets of issue 21 are printed at the end of each case, each value beside its target.

Timings on a shared machine are noisy: compare ratios taken in the same run. The ratios with a
single peer are medians of ratios of calls made in alternation (:func:`paired_ratio`), not ratios
of medians taken minutes apart.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cc3d
import numpy as np
import SimpleITK as sitk
from scipy import ndimage

from benchmarks.synthetic import synthetic_case
from cned_viewer.core import Geometry, LabelMap
from cned_viewer.kernels.boxes import box_slices
from cned_viewer.kernels.components import connect_runs
from cned_viewer.kernels.histogram import label_histogram
from cned_viewer.kernels.runs import extract_runs
from cned_viewer.measure import IncrementalMeasurer, measure
from cned_viewer.measure.burden import scan_labels
from cned_viewer.mesh.case_meshes import build_case_meshes

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7


def median_ms(fn, repeats: int = REPEATS) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def paired_ratio(ours, peer, repeats: int = 15) -> float:
    """Median of ``ours / peer`` over calls made in alternation, so both sides see the same machine state
    (clock, cache, the other core's load, worker threads still spinning after a parallel region)."""
    ours()
    peer()
    ratios = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        peer()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ratios)


_COLD_MEASURE = """
import sys, time
sys.path.insert(0, {root!r})
from benchmarks.run import ircad_labels
from benchmarks.synthetic import synthetic_case
labels = ircad_labels() or synthetic_case()
from cned_viewer.measure import measure
t = time.perf_counter(); measure(labels); print(time.perf_counter() - t)
"""


def compile_times_s() -> dict[str, float]:
    """``warm_up()`` and a first ``measure()`` (IRCAD, else the synthetic case) on an empty numba cache, then warm_up() cached."""
    code = "import time; t=time.perf_counter(); from cned_viewer.kernels import warm_up; warm_up(); print(time.perf_counter()-t)"
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out["first_measure_cold_s"] = float(subprocess.run([sys.executable, "-c", _COLD_MEASURE.format(root=str(ROOT))], env=env,
                                                           capture_output=True, text=True, cwd=ROOT, check=True).stdout)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out["first_run_compile_s"] = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True).stdout)
        out["cached_load_s"] = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True).stdout)
    return out


def bench_case(name: str, labels: LabelMap) -> dict:
    array = labels.array
    spacing_xyz = labels.geometry.spacing_xyz_mm
    box = scan_labels(array).box_of(1, 2, 3, 4)
    crop = np.ascontiguousarray(array[box_slices(box)])
    crop_box = (0, crop.shape[0], 0, crop.shape[1], 0, crop.shape[2])
    tumour = crop == 2
    image = sitk.GetImageFromArray(crop)
    image.SetSpacing(spacing_xyz)
    components_image = sitk.GetImageFromArray(cc3d.connected_components(tumour, connectivity=26).astype(np.uint32))
    components_image.SetSpacing(spacing_xyz)

    def shape_stats(feret: bool):
        f = sitk.LabelShapeStatisticsImageFilter()
        f.SetComputeFeretDiameter(feret)
        f.Execute(components_image)

    vessel_images = [sitk.Cast(image == v, sitk.sitkUInt8) for v in (3, 4)]
    ours = {
        "measure() whole": median_ms(lambda: measure(labels), 11),
        "label volumes, whole scan (all values + boxes)": median_ms(lambda: label_histogram(array)),
        "label volumes, crop (all values + boxes)": median_ms(lambda: label_histogram(crop)),
        "connected components (crop, from label values)": median_ms(lambda: connect_runs(extract_runs(crop, crop_box, 2), 26)),
    }
    peers = {
        "np.count_nonzero(array == 1), whole scan": median_ms(lambda: np.count_nonzero(array == 1)),
        "np.count_nonzero(crop == 1)": median_ms(lambda: np.count_nonzero(crop == 1)),
        "np.count_nonzero per label x4 (crop)": median_ms(lambda: [np.count_nonzero(crop == v) for v in (1, 2, 3, 4)]),
        "np.count_nonzero(array), bare read of the whole scan": median_ms(lambda: np.count_nonzero(array)),
        "sitk shape statistics, Feret on": median_ms(lambda: shape_stats(True), 3),
        "sitk shape statistics, Feret off": median_ms(lambda: shape_stats(False)),
        "scipy.ndimage.label": median_ms(lambda: ndimage.label(tumour, np.ones((3, 3, 3)))),
        "cc3d.connected_components (crop, given the bool mask)": median_ms(lambda: cc3d.connected_components(tumour, connectivity=26)),
        "sitk SignedMaurerDistanceMap x2 vessels": median_ms(
            lambda: [sitk.SignedMaurerDistanceMap(v, insideIsPositive=False, squaredDistance=False, useImageSpacing=True) for v in vessel_images], 3
        ),
        "scipy distance_transform_edt x2 vessels": median_ms(
            lambda: [ndimage.distance_transform_edt(crop != v, sampling=labels.geometry.spacing_zyx_mm) for v in (3, 4)], 3
        ),
    }
    composition = (
        peers["np.count_nonzero per label x4 (crop)"] + peers["cc3d.connected_components (crop, given the bool mask)"]
        + peers["sitk shape statistics, Feret on"] + peers["sitk SignedMaurerDistanceMap x2 vessels"]
    )
    peers["peer composition (counts + cc3d + shape/Feret + Maurer x2)"] = composition
    ours.update(brush_stroke(labels))
    ours.update(mesh_update(labels))
    ratios = {
        "measure / peer composition (target <= 0.2)": ours["measure() whole"] / composition,
        "label volumes / count_nonzero(==1), whole scan (target <= 3)":
            paired_ratio(lambda: label_histogram(array), lambda: np.count_nonzero(array == 1), 7),
        "label volumes / count_nonzero(==1), crop (target <= 3)":
            paired_ratio(lambda: label_histogram(crop), lambda: np.count_nonzero(crop == 1)),
        "label volumes / count_nonzero(==1), crop, one thread (info)":
            paired_ratio(lambda: label_histogram(crop, parallel=False), lambda: np.count_nonzero(crop == 1)),
        "label volumes / bare nonzero read, whole scan (info)":
            paired_ratio(lambda: label_histogram(array), lambda: np.count_nonzero(array), 7),
        "components / cc3d, crop (target <= 1)":
            paired_ratio(lambda: connect_runs(extract_runs(crop, crop_box, 2), 26), lambda: cc3d.connected_components(tumour, connectivity=26)),
    }
    for key, value in ours.items():
        if key.startswith("brush"):
            ratios[key.replace("brush 20 mm ", "brush ") + (" (target <= 1 ms)" if "update" in key else " (target <= 5 ms)")] = value
    targets = {
        "1. measure() whole, median ms (target <= 60)": ours["measure() whole"],
        "3. label volumes / count_nonzero(==1), crop (target <= 3)": ratios["label volumes / count_nonzero(==1), crop (target <= 3)"],
    }
    for key, value in ours.items():
        if key.startswith("3D update") and ", tumour (" in key:
            targets[f"2. {key}, median ms (target <= 30)"] = value
    return {"targets": targets,"case": name, "shape_zyx": list(array.shape), "crop_zyx": list(crop.shape), "ours_ms": ours, "peers_ms": peers,
            "ratios": ratios, "measure_steps_ms": measure(labels).timings_ms}


def _ball_at(centre, spacing, shape):
    half = np.ceil(10.0 / spacing).astype(int)
    box = tuple(int(v) for k in range(3) for v in (max(centre[k] - half[k], 0), min(centre[k] + half[k] + 1, shape[k])))
    grid = np.ogrid[tuple(slice(box[2 * k], box[2 * k + 1]) for k in range(3))]
    return box, sum(((g - c) * s) ** 2 for g, c, s in zip(grid, centre, spacing)) <= 100.0


def brush_centres(array: np.ndarray, spacing: np.ndarray) -> dict[str, np.ndarray]:
    """Two 20 mm strokes: one over parenchyma only (the usual case), one over the liver voxel in the middle of the
    raster order, whatever the ball covers there (it may cross vessels or the liver edge: the envelope is refilled)."""
    points = np.argwhere(array[::4, ::4, ::4] == 1) * 4
    middle = points[len(points) // 2]
    inside = None
    for centre in points[np.argsort(np.abs(points - middle).sum(axis=1))][:400]:
        box, ball = _ball_at(centre, spacing, array.shape)
        if np.all(array[box_slices(box)][ball] == 1):
            inside = centre
            break
    return {"in parenchyma": inside, "mid-liver, any labels": middle}


def brush_stroke(labels: LabelMap) -> dict[str, float]:
    """20 mm balls painted as tumour (see :func:`brush_centres`), then erased again (undo), each timed."""
    array = labels.array
    spacing = np.array(labels.geometry.spacing_zyx_mm)
    out = {}
    for name, centre in brush_centres(array, spacing).items():
        if centre is None:
            continue
        box, ball = _ball_at(centre, spacing, array.shape)
        sl = box_slices(box)
        engine = IncrementalMeasurer(labels)
        update, refresh = [], []
        for _ in range(REPEATS):
            old = array[sl].copy()
            array[sl][ball] = 2
            t0 = time.perf_counter()
            engine.apply_edit(box, old, 2, ball)
            t1 = time.perf_counter()
            engine.refresh()
            t2 = time.perf_counter()
            array[sl] = old
            engine.apply_edit(box, np.where(ball, np.uint8(2), old))
            engine.refresh()
            update.append((t1 - t0) * 1e3)
            refresh.append((t2 - t1) * 1e3)
        out[f"brush 20 mm {name}: volumes/TTV/TLVR update"] = statistics.median(update)
        out[f"brush 20 mm {name}: lesion/contact refresh"] = statistics.median(refresh)
    return out


def mesh_update(labels: LabelMap) -> dict[str, float]:
    """The 3D model after each 20 mm tumour ball of :func:`brush_centres`, built from the model before it (median ms)."""
    array = labels.array
    spacing = np.array(labels.geometry.spacing_zyx_mm)
    shown = build_case_meshes(LabelMap(array.copy(), labels.geometry), measure(labels).lesions)
    out = {}
    for name, centre in brush_centres(array, spacing).items():
        if centre is None:
            continue
        box, ball = _ball_at(centre, spacing, array.shape)
        painted = array.copy()
        painted[box_slices(box)][ball] = 2
        lesions = measure(LabelMap(painted, labels.geometry)).lesions
        times, tumour = [], []
        for _ in range(REPEATS):
            copy = LabelMap(painted.copy(), labels.geometry)  # the caller's copy, as the viewer makes it
            t0 = time.perf_counter()
            meshes = build_case_meshes(copy, lesions, previous=shown, within=box)  # the stroke's box, as the viewer passes it
            times.append((time.perf_counter() - t0) * 1e3)
            tumour.append(times[-1] - sum(v for k, v in meshes.timings_ms.items() if k != "tumour"))
        changed = "+".join(meshes.rebuilt)
        out[f"3D update after a 20 mm tumour stroke {name}, tumour ({changed} changed)"] = statistics.median(tumour)
        out[f"3D update after a 20 mm tumour stroke {name}, all of {changed}"] = statistics.median(times)
    return out


def ircad_labels() -> LabelMap | None:
    folder = Path(os.environ.get("CNED_SHARED_DATA") or ROOT.parent / "shared" / "data")
    path = folder / "ircadb01_p1" / "labels.nrrd"
    if not path.is_file():
        return None
    image = sitk.ReadImage(str(path))
    array = sitk.GetArrayFromImage(image).astype(np.uint8)
    return LabelMap(array, Geometry.for_array(array.shape, image.GetSpacing(), image.GetOrigin(), image.GetDirection()))


def print_table(result: dict) -> None:
    print(f"\n== {result['case']}  array {result['shape_zyx']}  crop {result['crop_zyx']}")
    for group in ("ours_ms", "peers_ms"):
        for key, value in result[group].items():
            print(f"  {'ours ' if group == 'ours_ms' else 'peer '} {key:<70} {value:9.2f} ms")
    for key, value in result["ratios"].items():
        print(f"  ratio {key:<70} {value:9.3f}")
    print("  measure() steps: " + ", ".join(f"{k} {v:.1f}" for k, v in result["measure_steps_ms"].items()))
    print("  targets (issue 21):")
    for key, value in result["targets"].items():
        print(f"    {key:<90} {value:9.3f}")


def main() -> None:
    start = time.perf_counter()
    compile_info = compile_times_s()
    print(f"numba first-run compile {compile_info['first_run_compile_s']:.1f} s, cached load {compile_info['cached_load_s']:.2f} s")
    print(f"target 4. cold start: first measure() on an empty cache {compile_info['first_measure_cold_s']:.1f} s "
          "(target: as low as one signature per kernel allows; 15-23 s before issue 21 on the 2-core machine)")
    results = [bench_case("synthetic 512x512x300", synthetic_case())]
    ircad = ircad_labels()
    if ircad is not None:
        results.append(bench_case("IRCAD ircadb01_p1", ircad))
    for result in results:
        print_table(result)
    out = ROOT / "benchmarks" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"compile": compile_info, "cases": results, "cpu_count": os.cpu_count(), "total_s": time.perf_counter() - start}
    out.write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {out} in {payload['total_s']:.0f} s")


if __name__ == "__main__":
    main()
