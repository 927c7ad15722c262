"""What the user was looking at, as plain JSON-ready data (saved in case bundles) and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cned_viewer.ui.display_toolbar import DisplayToolbar
from cned_viewer.ui.slice_view import SliceView
from cned_viewer.ui.view3d import View3D


def capture_view_state(views: Mapping[str, SliceView], view3d: View3D, selected_lesion: int | None) -> dict[str, Any]:
    """Slices, crosshair, window, overlay, 3D camera and structures, selected lesion."""
    axial = views["axial"]
    scene = view3d.scene
    return {
        "slices": {name: view.index for name, view in views.items()},
        "crosshair": None if axial.crosshair is None else list(axial.crosshair),
        "window": list(axial.window),
        "overlay_opacity": axial.opacity,
        "outline": axial.outline,
        "camera": scene.camera_preset,
        "structures": {key: {"visible": s.visible, "opacity": s.opacity} for key, s in scene.states.items()},
        "selected_lesion": selected_lesion,
    }


def restore_view_state(state: Mapping[str, Any], views: Mapping[str, SliceView], view3d: View3D, toolbar: DisplayToolbar) -> None:
    """Apply a captured state; missing or unknown keys are left as they are."""
    if state.get("window"):
        for view in views.values():
            view.set_window(*state["window"])
    toolbar.show_overlay(state.get("overlay_opacity"), state.get("outline"))
    for name, index in (state.get("slices") or {}).items():
        if name in views:
            views[name].set_index(int(index))
    if state.get("crosshair"):
        for view in views.values():
            view.crosshair = tuple(int(v) for v in state["crosshair"])  # type: ignore[assignment]
            view.update()
    for key, settings in (state.get("structures") or {}).items():
        if key in view3d.scene.states and isinstance(settings, Mapping):
            view3d.opacity_sliders[key].setValue(int(round(float(settings.get("opacity", 1.0)) * 100)))
            view3d.set_visible(key, bool(settings.get("visible", True)))
    if state.get("camera") in view3d.scene_presets():
        view3d.set_camera(state["camera"])
