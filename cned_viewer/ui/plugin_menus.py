"""Plugins in the menus: File > Import / Export and Segment list the enabled contributions; Tools > Plugins."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from cned_viewer.session import CaseSession
from cned_viewer.ui.plugin_dialog import PluginDialog
from cned_viewer.ui.segment_panel import SegmentPanel


def discover_plugins(session: CaseSession) -> str:
    """Load the enabled plugins; a non-blocking notice naming those that failed ('' if none)."""
    try:
        records = session.plugins.discover()
    except Exception as error:  # noqa: BLE001 - plugins must never stop the app
        return f"Plugins could not be listed: {error}"
    failed = [r.name for r in records if r.state == "failed"]
    return f"{len(failed)} plugin(s) failed to load: {', '.join(failed)} (Tools > Plugins... says why)" if failed else ""


def fill_contribution_menu(menu: QMenu, entries, on_trigger: Callable[[str, object], None], empty_text: str) -> None:
    """One action per (plugin name, contribution); a disabled hint when there is none."""
    menu.clear()
    for plugin_name, contribution in entries:
        action = menu.addAction(f"{contribution.name} ({plugin_name})...")
        action.setToolTip(getattr(contribution, "description", "") or ", ".join(getattr(contribution, "suffixes", ())))
        action.triggered.connect(lambda _=False, p=plugin_name, c=contribution: on_trigger(p, c))
    if not entries:
        menu.addAction(empty_text).setEnabled(False)


class PluginMenus:
    """Fills the plugin menus when they open, and runs what the user picks through the session."""

    def __init__(self, parent: QWidget, session: CaseSession, panel: SegmentPanel, menus: dict[str, QMenu]) -> None:
        self.parent, self.session, self.panel = parent, session, panel
        self.import_menu, self.export_menu, self.segment_menu = menus["import"], menus["export"], menus["segment"]
        self.import_menu.aboutToShow.connect(self.fill_import_menu)
        self.export_menu.aboutToShow.connect(self.fill_export_menu)
        self.segment_menu.aboutToShow.connect(self.fill_segment_menu)
        self.fill_segment_menu()

    def show_plugins(self) -> None:
        """Tools > Plugins: enable or disable them; the menus follow."""
        PluginDialog(self.session.plugins, self.parent).exec()
        self.fill_segment_menu()

    def fill_segment_menu(self) -> None:
        fill_contribution_menu(self.segment_menu, self.session.plugins.segmenters(), self.start_segmenter,
                               "(no segmenter plugin enabled: Tools > Plugins...)")

    def start_segmenter(self, plugin_name: str, segmenter) -> None:
        if self.session.case is None:
            self.session.fail("open a case first")
            return
        self.panel.open_for(plugin_name, segmenter)

    def fill_import_menu(self) -> None:
        fill_contribution_menu(self.import_menu, self.session.plugins.importers(), self.import_dialog, "(no importer plugin enabled)")

    def import_dialog(self, plugin_name: str, importer) -> None:
        if self.session.case is None:
            self.session.fail("open an image first; imported labels are placed on its grid")
            return
        path, _ = QFileDialog.getOpenFileName(self.parent, f"Import: {importer.name}", "", "All files (*)")
        if not path:
            path = QFileDialog.getExistingDirectory(self.parent, f"Import: {importer.name} (a folder of masks)")
        if path:
            self.session.import_with(plugin_name, importer, path)

    def fill_export_menu(self) -> None:
        fill_contribution_menu(self.export_menu, self.session.plugins.exporters(), self.export_dialog, "(no exporter plugin enabled)")

    def export_dialog(self, plugin_name: str, exporter) -> None:
        if self.session.case is None:
            self.session.fail("open a case first")
            return
        patterns = " ".join(f"*{suffix}" for suffix in exporter.suffixes)
        path, _ = QFileDialog.getSaveFileName(self.parent, f"Export: {exporter.name}", self.session.files.suggested_path(exporter.suffixes[0]),
                                              f"{exporter.name} ({patterns})")
        if path:
            self.session.files.export_with(plugin_name, exporter, path)
