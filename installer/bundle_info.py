"""Build step: write build-info.json and licences.json into the frozen bundle, or print the numba target.

``python installer/bundle_info.py BUNDLE_INTERNAL VERSION`` writes both files;
``python installer/bundle_info.py --target-env BUNDLE_INTERNAL`` prints the ``NUMBA_CPU_*``
assignments the build's warm-up compiles with (and fails where this CPU cannot run that target).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

from cned_viewer.core.licences import LICENCES_FILE, bundled_distributions, collect_licences, write_licences
from cned_viewer.frozen import BUILD_INFO_FILE, BUNDLE_TARGET, host_cpu_flags, numba_target_env, read_build_info

ROOT = Path(__file__).resolve().parent.parent


def plugin_distributions() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "plugins").glob("*/pyproject.toml"))


def build_id(version: str) -> str:
    """Version, commit and time: names the user cache folder and stamps the shipped kernels."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "nogit"
    return f"{version}-{commit}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}"


def write_bundle_info(internal: Path, version: str) -> None:
    info = {"version": version, "build_id": build_id(version), "numba_target": BUNDLE_TARGET}
    (internal / BUILD_INFO_FILE).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    names = bundled_distributions(["cned-viewer", *plugin_distributions()])
    write_licences(internal / LICENCES_FILE, collect_licences(names))


def main(argv: list[str]) -> int:
    if argv[0] == "--target-env":
        env = numba_target_env(read_build_info(Path(argv[1])).get("numba_target", {}), host_cpu_flags())
        if not env:
            print(f"this CPU cannot run the bundle's numba target {BUNDLE_TARGET['cpu_name']}: build on one that can", file=sys.stderr)
            return 1
        print("\n".join(f"{key}={shlex.quote(value)}" for key, value in env.items()))
        return 0
    write_bundle_info(Path(argv[0]), argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
