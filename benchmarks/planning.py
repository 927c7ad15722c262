"""``python -m benchmarks.planning``: a cutting plane moved by one voxel on IRCAD (else the synthetic abdomen).

The planner's fast path (:class:`cned_viewer.planning.PlaneSweep`) gives a single-plane plan's figures
after a move with a ``searchsorted`` over the sorted projections of the functional liver and one
comparison per lesion. Target (resection-planning issue): a one-voxel move in < 5 ms (median). Ratios
taken in the same run put it beside one bare read of the functional liver mask (``np.count_nonzero``,
the floor of any O(N) update: target <= 1) and beside the general path (information). Writes
``benchmarks/results/planning.json``.
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np

from benchmarks.run import ROOT, ircad_labels, median_ms, paired_ratio
from benchmarks.synthetic import synthetic_case
from cned_viewer.core import Case, Volume
from cned_viewer.planning import CutPlane, PlanEvaluator, ResectionPlan

MOVES = 41
NORMAL = (1.0, 0.2, 0.0)  # oblique: no axis-aligned shortcut


def bench(name: str, case: Case) -> dict:
    start = time.perf_counter()
    evaluator = PlanEvaluator.for_case(case)
    build_ms = (time.perf_counter() - start) * 1e3
    region = evaluator.region
    centre = region.geometry.index_to_patient_mm(np.argwhere(region.functional).mean(axis=0) + region.origin)
    plane = CutPlane(tuple(centre), NORMAL)
    start = time.perf_counter()
    sweep = evaluator.sweep(plane.normal_xyz)
    sweep_ms = (time.perf_counter() - start) * 1e3
    step_mm = min(region.geometry.spacing_xyz_mm)
    moves = []
    for k in range(MOVES):  # back and forth across the centre, one voxel at a time
        moved = plane.moved((k - MOVES // 2) * step_mm)
        t0 = time.perf_counter()
        sweep.figures(moved)
        moves.append((time.perf_counter() - t0) * 1e3)
    single = ResectionPlan("one plane", planes=(plane,))
    two = ResectionPlan("two planes", planes=(plane, CutPlane(tuple(centre), (0.0, 1.0, 0.3))))
    functional = region.functional
    ours = {
        "one-voxel plane move, sweep (median ms, target < 5)": statistics.median(moves),
        "sweep precompute for one normal (ms, once per normal)": sweep_ms,
        "evaluator build (ms, once per case)": build_ms,
        "general path, one plane (ms)": median_ms(lambda: evaluator.evaluate(single), 5),
        "general path, two planes, voxel margins (ms)": median_ms(lambda: evaluator.evaluate(two), 5),
    }
    ratios = {
        "sweep move / np.count_nonzero(functional liver) (target <= 1)":
            paired_ratio(lambda: sweep.figures(plane.moved(step_mm)), lambda: np.count_nonzero(functional)),
        "sweep move / general path, one plane (info)":
            paired_ratio(lambda: sweep.figures(plane.moved(step_mm)), lambda: evaluator.evaluate(single), 5),
    }
    return {"case": name, "functional_voxels": evaluator.functional_voxels, "lesions": len(evaluator.lesions),
            "ours_ms": ours, "ratios": ratios}


def main() -> None:
    labels = ircad_labels()
    name = "IRCAD ircadb01_p1" if labels is not None else "synthetic 512x512x300"
    labels = labels if labels is not None else synthetic_case()
    case = Case(Volume(np.zeros(labels.array.shape, np.int16), labels.geometry), labels)
    result = bench(name, case)
    print(f"\n== {result['case']}: {result['functional_voxels']} functional liver voxels, {result['lesions']} lesions")
    for key, value in result["ours_ms"].items():
        print(f"  {key:<62} {value:9.3f}")
    for key, value in result["ratios"].items():
        print(f"  ratio {key:<56} {value:9.4f}")
    out = ROOT / "benchmarks" / "results" / "planning.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
