"""The frozen bundle's start-up pieces, without building it: numba target and cache, licences, first-start dialog."""

from __future__ import annotations

import json
import threading
import time

import pytest

from cned_viewer.core.licences import (BundledLicence, bundled_distributions, collect_licences, licence_summary,
                                       read_licences, write_licences)
from cned_viewer.frozen import (BUNDLE_TARGET, LOCATOR, configure_frozen_app, cpu_flags, install_cache,
                                numba_target_env, user_cache_candidates)

V3_FLAGS = set(BUNDLE_TARGET["cpuinfo_flags"]) | {"fpu", "sse2"}


def test_cpu_flags_from_cpuinfo():
    text = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 bmi1\n\nprocessor\t: 1\nflags\t: fpu\n"
    assert cpu_flags(text) == {"fpu", "sse2", "avx2", "bmi1"}
    assert cpu_flags("no flags here") == set()


def test_shipped_target_only_where_the_cpu_has_every_feature():
    env = numba_target_env(BUNDLE_TARGET, V3_FLAGS)
    assert env == {"NUMBA_CPU_NAME": "x86-64-v3", "NUMBA_CPU_FEATURES": ""}
    assert numba_target_env(BUNDLE_TARGET, V3_FLAGS - {"avx2"}) == {}  # e.g. an Atom or an old Pentium
    assert numba_target_env({}, V3_FLAGS) == {}


def test_cache_is_copied_once_into_the_first_writable_folder(tmp_path):
    shipped = tmp_path / "bundle" / "numba_cache"
    (shipped / "cned_viewer" / "kernels").mkdir(parents=True)
    (shipped / "cned_viewer" / "kernels" / "runs.nbi").write_bytes(b"index")
    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    target = tmp_path / "cache" / "numba-1"
    assert install_cache(shipped, [blocked / "numba-1", target]) == target
    assert (target / "cned_viewer" / "kernels" / "runs.nbi").read_bytes() == b"index"
    (target / "cned_viewer" / "kernels" / "runs.nbi").write_bytes(b"compiled here later")
    assert install_cache(shipped, [target]) == target  # not copied again over the user's kernels
    assert (target / "cned_viewer" / "kernels" / "runs.nbi").read_bytes() == b"compiled here later"
    assert [p.name for p in target.parent.iterdir()] == ["numba-1"]  # no staging folder left


def test_user_cache_follows_xdg_and_names_the_build(tmp_path):
    first = user_cache_candidates("0.1.0-abc", {"XDG_CACHE_HOME": str(tmp_path), "HOME": "/nowhere"})[0]
    assert first == tmp_path / "cned-viewer" / "numba-0.1.0-abc"
    assert user_cache_candidates("b", {"HOME": str(tmp_path)})[0] == tmp_path / ".cache" / "cned-viewer" / "numba-b"


def _fake_bundle(tmp_path):
    bundle = tmp_path / "_internal"
    (bundle / "numba_cache").mkdir(parents=True)
    (bundle / "build-info.json").write_text(json.dumps({"version": "9.9", "build_id": "9.9-x", "numba_target": BUNDLE_TARGET}))
    return bundle


def test_configure_sets_locator_target_and_a_writable_cache(tmp_path):
    environ = {"HOME": str(tmp_path / "home")}
    configure_frozen_app(environ, bundle=_fake_bundle(tmp_path), flags=V3_FLAGS)
    assert environ["NUMBA_CACHE_LOCATOR_CLASSES"] == LOCATOR
    assert environ["NUMBA_CPU_NAME"] == "x86-64-v3" and environ["NUMBA_CPU_FEATURES"] == ""
    assert environ["NUMBA_CACHE_DIR"] == str(tmp_path / "home" / ".cache" / "cned-viewer" / "numba-9.9-x")


def test_configure_keeps_what_the_user_chose(tmp_path):
    environ = {"HOME": str(tmp_path), "NUMBA_CACHE_DIR": "/mine", "NUMBA_CPU_NAME": "generic"}
    configure_frozen_app(environ, bundle=_fake_bundle(tmp_path), flags=V3_FLAGS)
    assert environ["NUMBA_CACHE_DIR"] == "/mine" and environ["NUMBA_CPU_NAME"] == "generic"
    assert "NUMBA_CPU_FEATURES" not in environ
    old_cpu = {"HOME": str(tmp_path)}
    configure_frozen_app(old_cpu, bundle=_fake_bundle(tmp_path / "other"), flags={"sse2"})
    assert "NUMBA_CPU_NAME" not in old_cpu  # compiled for this CPU at first start instead


def test_configure_is_a_no_op_outside_the_bundle():
    environ: dict[str, str] = {}
    configure_frozen_app(environ)
    assert environ == {}


def test_licences_cover_the_requirement_closure_and_round_trip(tmp_path):
    names = bundled_distributions(["cned-viewer"])
    lowered = {name.lower() for name in names}
    assert {"cned-viewer", "numpy", "numba", "llvmlite", "vtk", "simpleitk"} <= lowered
    assert "pytest" not in lowered  # the test extra is not followed
    licences = collect_licences(names)
    by_name = {item.name.lower(): item for item in licences}
    assert by_name["cned-viewer"].licence == "BSD-3-Clause"
    assert all(item.licence and item.version for item in licences)
    write_licences(tmp_path / "licences.json", licences)
    assert read_licences(tmp_path / "licences.json") == licences


def test_licence_summary_lines():
    text = licence_summary([BundledLicence("numpy", "2.1", "BSD-3-Clause"), BundledLicence("PySide6", "6.8", "LGPL-3.0-only")])
    assert text.splitlines() == ["numpy 2.1: BSD-3-Clause", "PySide6 6.8: LGPL-3.0-only"]
    assert licence_summary([BundledLicence("a", "1", "MIT")] * 2, sep="; ") == "a 1: MIT; a 1: MIT"


@pytest.mark.gui
def test_first_start_dialog_only_while_compiling(qtbot):
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from cned_viewer.ui.first_start import prepare_kernels

    assert prepare_kernels(warm_up=lambda: 0.01, frozen=True) is False
    assert prepare_kernels(warm_up=lambda: pytest.fail("not frozen: no warm-up here"), frozen=False) is False
    seen: list[bool] = []
    main = threading.get_ident()

    def slow() -> float:
        assert threading.get_ident() != main  # the window thread stays free to draw the dialog
        time.sleep(1.0)
        seen.append(any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets()))
        return 1.0

    assert prepare_kernels(warm_up=slow, frozen=True, dialog_after_s=0.1) is True
    assert seen == [True]
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
