"""Errors the plugin host reports (one line each, naming the plugin)."""

from cned_viewer.errors import UserError


class PluginError(UserError):
    """A plugin failed to load or run, or returned an invalid result; it is disabled."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin}: {message}")
        self.plugin = plugin
