"""Every menu action of the main window, declared once: menus, shortcuts and Help come from this table.

An :class:`Action` names its menu, title, shortcut, what it runs on the window (most end in a
session call: ``w.session.undo()``) and when it is enabled (a test on the
:class:`~cned_viewer.session.CaseSession`); a :class:`Placeholder` reserves a submenu that the
window fills itself (recent cases, plugin contributions). :func:`install` builds the menu bar from the table and refuses a shortcut bound
twice; :func:`keys_help` writes the keyboard part of Help > Mouse and keys from the same table,
so Help cannot list a key that does nothing. The slot is called without Qt's ``checked``
argument (``triggered(bool)`` would otherwise overwrite a default argument).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from cned_viewer.render.slice_compositor import WINDOW_PRESETS
from cned_viewer.session import CaseSession
from cned_viewer.ui.cohort_view import open_cohort_results
from cned_viewer.ui.pacs_dialogs import open_from_pacs, pacs_settings, send_to_pacs
from cned_viewer.ui.plan_panel import STEP_MM as PLANE_STEP_MM

Window = Any  # the main window (the table is imported by it: no import back)

CAMERA_PRESETS = ("anterior", "posterior", "left", "right", "superior")
PLAN_BRUSHES = (("off", "Shift+N"), ("resect", "Shift+B"), ("keep", "Shift+K"), ("follow", None))
EDIT_TOOLS = (("navigate", "N"), ("paint", "B"), ("erase", "E"), ("delete_lesion", None), ("relabel_lesion", None))


@dataclass(frozen=True)
class Action:
    """One menu entry: ``menu`` is a path such as ``"View/3D camera"``; ``run`` acts on the window;
    ``when`` (None: always) says whether the session allows it now."""

    id: str
    menu: str
    title: str
    run: Callable[[Window], object]
    shortcut: str | None = None
    when: Callable[[CaseSession], bool] | None = None


@dataclass(frozen=True)
class Placeholder:
    """A submenu (or, with ``separator``, a separator line) at this place in ``menu``."""

    id: str
    menu: str
    title: str = ""
    separator: bool = False


Entry = Union[Action, Placeholder]


def _sep(menu: str, n: int) -> Placeholder:
    return Placeholder(f"{menu.lower()}-separator-{n}", menu, separator=True)


def _window_presets() -> list[Action]:
    return [
        Action(f"window-{name}", "View", f"Window: {name} (W {width:g} / L {level:g})",
               lambda w, n=name: w.display_toolbar.preset_box.setCurrentText(n), f"Ctrl+{number}")
        for number, (name, (width, level)) in enumerate(WINDOW_PRESETS.items(), start=1)
    ]


def _tools() -> list[Action]:
    return [
        Action(f"tool-{tool}", "Edit", f"Tool: {tool.replace('_', ' ')}", lambda w, t=tool: w.edit_dock.set_tool(t), key)
        for tool, key in EDIT_TOOLS
    ]


def _cameras() -> list[Action]:
    return [Action(f"camera-{p}", "View/3D camera", p.capitalize(), lambda w, p=p: w.view3d.set_camera(p)) for p in CAMERA_PRESETS]


def _has_case(session: CaseSession) -> bool:
    return session.case is not None


def _has_labels(session: CaseSession) -> bool:
    return session.case is not None and session.case.labels is not None


def _next_step(session: CaseSession, key: str) -> str | None:
    """What Undo (``key`` "undo") or Redo would act on: the plans' step while planning, else the labels'."""
    if session.plans.planning:
        return getattr(session.plans, f"next_{key}")
    step = getattr(session.edit_session.history, f"next_{key}") if session.editable else None
    return None if step is None else step.description


def _can_undo(session: CaseSession) -> bool:
    return _next_step(session, "undo") is not None


def _can_redo(session: CaseSession) -> bool:
    return _next_step(session, "redo") is not None


def _undo(w: Window, key: str) -> None:
    target = w.session.plans if w.session.plans.planning else w.session
    getattr(target, key)()


def _has_plan(session: CaseSession) -> bool:
    return session.plans.active is not None


def _plan_actions() -> list[Entry]:
    """The Plan menu: the Plan tab's main inputs, with keys for the ones used while looking at the views."""
    brush = [Action(f"plan-brush-{name}", "Plan", f"Plan brush: {PLAN_BRUSH_TITLES[name]}",
                    lambda w, m=name: (_show_plan_tab(w), w.plan_panel.set_brush(None if m == "off" else m)), key, _has_plan)
             for name, key in PLAN_BRUSHES]
    return [
        Action("plan-tab", "Plan", "Show the &Plan tab", _show_plan_tab, "Ctrl+Shift+R", _has_labels),
        Action("plan-new", "Plan", "&New resection plan", lambda w: (_show_plan_tab(w), w.plan_panel.new_plan()), None, _has_labels),
        Action("plan-add-plane", "Plan", "Add cutting plane at the crosshair", lambda w: (_show_plan_tab(w), w.plan_panel.add_plane()),
               None, _has_plan),
        Action("plan-plane-back", "Plan", "Move cutting plane back 1 mm", lambda w: w.plan_panel.move_plane(-PLANE_STEP_MM), "Ctrl+[", _has_plan),
        Action("plan-plane-forward", "Plan", "Move cutting plane forward 1 mm", lambda w: w.plan_panel.move_plane(PLANE_STEP_MM), "Ctrl+]",
               _has_plan),
        Action("plan-flip", "Plan", "Flip the cutting plane's removed side", lambda w: w.plan_panel.flip_plane(), None, _has_plan),
        _sep("Plan", 1),
        *brush,
    ]


PLAN_BRUSH_TITLES = {"off": "off", "resect": "paint the resection", "keep": "paint liver to keep", "follow": "clear painting"}


def _show_plan_tab(w: Window) -> None:
    _show_tab(w, w.plan_panel)


def _show_tab(w: Window, tab: Any) -> None:
    w.side_tabs.setCurrentWidget(tab)


def _editable(session: CaseSession) -> bool:
    return session.editable


def main_window_actions() -> list[Entry]:
    """The menu bar of :class:`~cned_viewer.ui.main_window.MainWindow`, top to bottom."""
    return [
        Action("open-dicom", "File", "Open &DICOM folder...", lambda w: w.dialogs.open_dicom_folder(), "Ctrl+O"),
        Action("open-image", "File", "Open &image file...", lambda w: w.dialogs.open_image_file(), "Ctrl+I"),
        Action("open-labels", "File", "Open &labels...", lambda w: w.dialogs.open_labels(), "Ctrl+L", _has_case),
        Action("open-segments", "File", "Open Couinaud se&gment map...", lambda w: w.dialogs.open_segments(), None, _has_case),
        Action("open-bundle", "File", "Open case &bundle...", lambda w: w.dialogs.open_bundle(), "Ctrl+B"),
        Action("open-demo", "File", "Open d&emo case", lambda w: w.session.open_demo(), "Ctrl+D"),
        Action("open-cohort", "File", "Open c&ohort results...", lambda w: open_cohort_results(w, w.session)),
        Action("open-pacs", "File", "Open from &PACS...", lambda w: open_from_pacs(w, w.session)),
        Action("send-pacs", "File", "Send &to PACS...", lambda w: send_to_pacs(w, w.session)),
        Action("open-followup", "File", "Open &follow-up scan...", lambda w: (_show_tab(w, w.followup_panel), w.followup_panel.open_file()),
               None, _has_labels),
        Action("open-followup-dicom", "File", "Open follow-up DICOM folder...",
               lambda w: (_show_tab(w, w.followup_panel), w.followup_panel.open_dicom()), None, _has_labels),
        Placeholder("import", "File", "&Import"),
        Placeholder("export", "File", "E&xport"),
        Placeholder("recent", "File", "&Recent cases"),
        _sep("File", 1),
        Action("save-case", "File", "&Save case", lambda w: w.dialogs.save_case(), "Ctrl+S", _has_case),
        Action("save-case-as", "File", "Save case &as...", lambda w: w.dialogs.save_case_as(), "Ctrl+Shift+S", _has_case),
        Action("save-labels-as", "File", "Save &labels as...", lambda w: w.dialogs.save_labels_as(), "Ctrl+Alt+S", _has_labels),
        Action("export-report", "File", "Export &report...", lambda w: w.dialogs.export_report(), "Ctrl+P", _has_labels),
        _sep("File", 2),
        Action("quit", "File", "&Quit", lambda w: w.close(), "Ctrl+Q"),
        Action("undo", "Edit", "&Undo", lambda w: _undo(w, "undo"), "Ctrl+Z", _can_undo),
        Action("redo", "Edit", "&Redo", lambda w: _undo(w, "redo"), "Ctrl+Shift+Z", _can_redo),
        _sep("Edit", 1),
        Action("fill-holes", "Edit", "&Fill holes (active label)", lambda w: w.session.fill_holes(), None, _editable),
        Action("remove-islands", "Edit", "Remove &islands smaller than...", lambda w: w.dialogs.remove_islands(), None, _editable),
        _sep("Edit", 2),
        *_tools(),
        Action("brush-smaller", "Edit", "Smaller brush", lambda w: w.edit_dock.step_radius(-1), "["),
        Action("brush-larger", "Edit", "Larger brush", lambda w: w.edit_dock.step_radius(1), "]"),
        Placeholder("segment", "&Segment"),
        *_plan_actions(),
        Action("plugins", "Tools", "&Plugins...", lambda w: w.show_plugins()),
        Action("measure-settings", "Tools", "&Measurement settings...", lambda w: w.show_measure_settings()),
        Action("pacs-settings", "Tools", "PA&CS settings...", lambda w: pacs_settings(w)),
        *_window_presets(),
        Action("outline", "View", "Label &outlines", lambda w: w.display_toolbar.outline_box.toggle(), "O"),
        Action("reset-zoom", "View", "Reset &zoom", lambda w: [v.reset_zoom() for v in w.views.values()], "Ctrl+0"),
        *_cameras(),
        Action("help-demo", "Help", "Open d&emo case", lambda w: w.session.open_demo()),
        Action("help-keys", "Help", "&Mouse and keys", lambda w: w.show_controls(), "F1"),
        Action("about", "Help", "&About", lambda w: w.about()),
    ]


def update_enabled(actions: dict[str, QAction], entries: Iterable[Entry], session: CaseSession) -> None:
    """Enable each action whose ``when`` holds now; Undo and Redo name the step they act on."""
    for entry in entries:
        if isinstance(entry, Action) and entry.when is not None:
            actions[entry.id].setEnabled(entry.when(session))
    for key in ("undo", "redo"):
        step = _next_step(session, key)
        plan = "plan: " if step and session.plans.planning else ""
        actions[key].setText(f"&{key.capitalize()} {plan}{step}" if step else f"&{key.capitalize()}")


def check_shortcuts(entries: Iterable[Entry]) -> None:
    """Raise ``ValueError`` when two actions share a shortcut (Qt would run neither)."""
    seen: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, Action) and entry.shortcut:
            key = QKeySequence(entry.shortcut).toString()
            if key in seen:
                raise ValueError(f"shortcut {key} is bound twice: {seen[key]} and {entry.id}")
            seen[key] = entry.id


def install(window: QMainWindow, entries: Sequence[Entry]) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """Build the menu bar: ``(actions by id, menus by id)``; placeholders become empty submenus."""
    check_shortcuts(entries)
    menus: dict[str, QMenu] = {}
    actions: dict[str, QAction] = {}

    def menu_for(path: str) -> QMenu:
        if path not in menus:
            parent, _, name = path.rpartition("/")
            title = name if "&" in name else f"&{name}" if not parent else name
            menus[path] = menu_for(parent).addMenu(title) if parent else window.menuBar().addMenu(title)
        return menus[path]

    for entry in entries:
        if isinstance(entry, Placeholder):
            if entry.separator:
                menu_for(entry.menu).addSeparator()
            elif entry.title:
                menus[entry.id] = menu_for(entry.menu).addMenu(entry.title)
            else:
                menus[entry.id] = menu_for(entry.menu)  # the window adds its own entries here
            continue
        action = QAction(entry.title, window)
        action.setObjectName(entry.id)
        if entry.shortcut:
            action.setShortcut(QKeySequence(entry.shortcut))
        action.triggered.connect(lambda _checked=False, e=entry: e.run(window))  # type: ignore[arg-type]
        menu_for(entry.menu).addAction(action)
        actions[entry.id] = action
    return actions, menus


def keys_help(entries: Iterable[Entry]) -> str:
    """One line per shortcut: ``Ctrl+O: Open DICOM folder``."""
    lines = []
    for entry in entries:
        if isinstance(entry, Action) and entry.shortcut:
            key = QKeySequence(entry.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            lines.append(f"{key}: {entry.title.replace('&', '').rstrip('.')}")
    return "\n".join(lines)


MOUSE_HELP = (
    "Slice views: left click = crosshair (all views follow); wheel, Up/Down or PageUp/PageDown = next slice; "
    "Ctrl+wheel = zoom; middle drag or Shift+left drag = pan; right drag = window/level; R = reset zoom.\n"
    "3D view: left drag = rotate, right drag or wheel = zoom, middle drag = pan, click a lesion = select it.\n"
    "Lesion table: click a row to highlight the lesion in 3D and move the slices to its centre; "
    "right click to delete or relabel it.\n"
    "Editing (Edit labels dock): with Paint or Erase, a left drag in a slice view paints; a whole stroke is one undo step.\n"
    "Segment menu: click seeds in a slice view, then Run (Cancel stops it); the result is one undo step.\n"
    "Plan tab: segment buttons, cutting planes (added through the crosshair; in 3D drag the plane widget) and the plan brush "
    "(left drag paints the resected region, Keep paints liver to keep); while the tab is shown, Undo undoes plan edits."
)


def controls_text(entries: Iterable[Entry]) -> str:
    """Help > Mouse and keys: the mouse, then every key of the action table."""
    return f"{MOUSE_HELP}\n\nKeys:\n{keys_help(entries)}"
