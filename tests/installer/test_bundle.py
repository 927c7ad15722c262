"""The desktop bundle: build it, unpack the .deb, run it in a clean environment, check the package.

Slow (a PyInstaller build: minutes). The bundle runs with ``env -i`` (no venv, no project on the
path, HOME a temporary folder) from the folder ``dpkg -x`` unpacked the package into; its results
must equal the virtual environment's.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64", reason="the Linux x86_64 bundle"),
]

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSION = version("cned-viewer")
PLUGINS = ("cned-segment-classic", "cned-totalseg-bridge", "cned-segment-volumetry")
BUILD_LIMIT_S = 15 * 60  # CI's budget for this test's build on 2 cores


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Run installer/build.sh (a fresh PyInstaller work folder) and return the two packages."""
    work = tmp_path_factory.mktemp("bundle-build")
    start = time.monotonic()
    result = subprocess.run(["bash", "installer/build.sh", "--work", str(work)], cwd=REPO_ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"\nbundle built in {seconds:.0f} s\n{result.stdout[-1500:]}")
    assert seconds < BUILD_LIMIT_S
    deb = REPO_ROOT / "dist" / f"cned-viewer_{VERSION}_amd64.deb"
    tar = REPO_ROOT / "dist" / f"cned-viewer-{VERSION}-linux-x86_64.tar.gz"
    assert deb.is_file() and tar.is_file()
    return {"deb": deb, "tar": tar}


@pytest.fixture(scope="session")
def installed(built, tmp_path_factory) -> Path:
    """The .deb unpacked into an empty folder (``dpkg -x``): the app is ROOT/opt/cned-viewer/cned-viewer."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(built["deb"]), str(root)], check=True)
    return root


def clean_env(home: Path, **extra: str) -> list[str]:
    """``env -i`` with only HOME, a system PATH and ``extra``: no venv, no PYTHONPATH, no project."""
    return ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", *(f"{k}={v}" for k, v in extra.items())]


def run_bundle(root: Path, *args: str, home: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    home.mkdir(parents=True, exist_ok=True)
    command = clean_env(home, **extra) + [str(root / "opt/cned-viewer/cned-viewer"), *args]
    return subprocess.run(command, cwd=home, capture_output=True, text=True, timeout=timeout)


def run_venv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cned_viewer", *args], capture_output=True, text=True, timeout=600, check=True)


def test_version_and_start_time(installed, tmp_path):
    start = time.monotonic()
    result = run_bundle(installed, "--version", home=tmp_path / "home")
    print(f"\n--version in {time.monotonic() - start:.2f} s")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cned-viewer {VERSION}"
    assert os.readlink(installed / "usr/bin/cned-viewer") == "/opt/cned-viewer/cned-viewer"


def _measure_json(text: str) -> dict:
    data = json.loads(text)
    data.pop("timings_ms")
    return data


def test_measure_equals_the_venv(installed, shared_data, tmp_path):
    case = shared_data / "ircadb01_p1"
    args = ["measure", str(case / "ct_dicom"), "--labels", str(case / "labels.nrrd"), "--json"]
    frozen = run_bundle(installed, *args, home=tmp_path / "home")
    assert frozen.returncode == 0, frozen.stderr
    assert _measure_json(frozen.stdout) == _measure_json(run_venv(*args).stdout)
    assert _measure_json(frozen.stdout)["lesion_count"] >= 1


def _report_text(pdf: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return re.sub(r"\d{4}-\d{2}-\d{2}[ T]?(\d{2}:\d{2}(:\d{2})?)?( ?UTC|[+-]\d{2}:?\d{2})?", "<date>", text)


def test_report_equals_the_venv(installed, shared_data, tmp_path):
    case = shared_data / "ircadb01_p1"
    clinical = tmp_path / "clinical.json"
    clinical.write_text('{"differentiation": "poor", "node_positive": true, "cea_ng_ml": 35}')
    args = ["report", str(case / "ct.nii.gz"), "--labels", str(case / "labels.nrrd"), "--clinical", str(clinical)]
    frozen = run_bundle(installed, *args, "-o", str(tmp_path / "frozen.pdf"), home=tmp_path / "home")
    assert frozen.returncode == 0, frozen.stderr
    run_venv(*args, "-o", str(tmp_path / "venv.pdf"))
    frozen_text = _report_text(tmp_path / "frozen.pdf")
    assert "C-NED" in frozen_text
    assert frozen_text == _report_text(tmp_path / "venv.pdf")


def test_screenshot_demo_under_xvfb(installed, tmp_path):
    from PIL import Image

    home, out = tmp_path / "home", tmp_path / "demo.png"
    home.mkdir()
    app = installed / "opt/cned-viewer/cned-viewer"
    # env -i inside xvfb-run: only the display it started passes into the clean environment
    script = 'exec env -i HOME="$1" PATH=/usr/bin:/bin DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "$2" screenshot demo -o "$3"'
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", "sh", "-c", script, "sh", str(home), str(app), str(out)]
    result = subprocess.run(command, cwd=home, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    pixels = np.asarray(Image.open(out).convert("RGB"), dtype=float)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels.std() > 10  # not one flat colour
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50


def test_first_party_plugins_are_found(installed, tmp_path):
    result = run_bundle(installed, "plugins", "list", "--json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    found = {item["name"]: item for item in json.loads(result.stdout)["plugins"]}
    for name in PLUGINS:
        assert found[name]["error"] is None and found[name]["state"] == "enabled", found.get(name)


def test_shipped_kernel_cache_is_used_and_copied_not_written(installed, tmp_path):
    """The kernels load from the shipped cache (a copy in the user's cache); the bundle stays as built."""
    internal = installed / "opt/cned-viewer/_internal"
    build_id = json.loads((internal / "build-info.json").read_text())["build_id"]
    before = sorted(p.name for p in (internal / "numba_cache").rglob("*"))
    assert any(name.endswith(".nbi") for name in before)
    home = tmp_path / "home"
    result = run_bundle(installed, "warm-up", home=home)
    assert result.returncode == 0, result.stderr
    seconds = float(re.search(r"ready in ([\d.]+) s", result.stdout).group(1))
    assert seconds < 5, result.stdout  # loaded, not compiled (compiling takes ~20 s or more)
    assert str(home / ".cache/cned-viewer" / f"numba-{build_id}") in result.stdout
    assert sorted(p.name for p in (internal / "numba_cache").rglob("*")) == before


def test_foreign_cpu_target_compiles_into_the_user_cache(installed, tmp_path):
    """Where the shipped kernels do not fit (here: forced generic target) the app compiles and keeps them."""
    home = tmp_path / "home"
    first = run_bundle(installed, "warm-up", home=home, NUMBA_CPU_NAME="generic")
    assert first.returncode == 0, first.stderr
    again = run_bundle(installed, "warm-up", home=home, NUMBA_CPU_NAME="generic")
    first_s, again_s = (float(re.search(r"ready in ([\d.]+) s", r.stdout).group(1)) for r in (first, again))
    assert again_s < first_s / 2, (first.stdout, again.stdout)


def test_tarball_holds_the_same_app(built, tmp_path):
    with tarfile.open(built["tar"]) as tar:
        names = set(tar.getnames())
    assert {"cned-viewer/cned-viewer", "cned-viewer/_internal/licences.json", "cned-viewer/cned-viewer.desktop"} <= names
    assert not any("/tests/" in name or name.endswith("conftest.py") for name in names)


def test_package_metadata_and_contents(built):
    info = subprocess.run(["dpkg-deb", "--info", str(built["deb"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^ Package: cned-viewer$", info, re.M)
    assert re.search(rf"^ Version: {re.escape(VERSION)}$", info, re.M)
    assert re.search(r"^ Architecture: amd64$", info, re.M)
    assert "postrm" in info
    contents = subprocess.run(["dpkg-deb", "--contents", str(built["deb"])], capture_output=True, text=True, check=True).stdout
    for path in ("./usr/bin/cned-viewer -> /opt/cned-viewer/cned-viewer", "./usr/share/applications/cned-viewer.desktop",
                 "./usr/share/icons/hicolor/scalable/apps/cned-viewer.svg", "./usr/share/mime/packages/cned-viewer.xml",
                 "./opt/cned-viewer/_internal/licences.json", "./usr/share/doc/cned-viewer/copyright"):
        assert path in contents
    assert "ircadb" not in contents.lower() and "/tests/" not in contents


def test_lintian_reports_no_errors(built):
    if shutil.which("lintian") is None:
        pytest.fail("lintian missing: bash installer/setup.sh --test installs it")
    result = subprocess.run(["lintian", "--no-tag-display-limit", str(built["deb"])], capture_output=True, text=True, timeout=900)
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert not errors, result.stdout
