"""The ids of the main window's action table, read from its source (importing it would load PySide6).

``Action("open-demo", ...)`` gives its literal id; an id built in a comprehension
(``Action(f"tool-{tool}", ...) for tool, key in EDIT_TOOLS``) is evaluated with the module's literal
constants and the Qt-free names it imports (``WINDOW_PRESETS``); anything else is an error, so a new
kind of generated action cannot slip past the coverage test.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

ACTIONS = Path(__file__).resolve().parents[2] / "cned_viewer" / "ui" / "actions.py"


def _namespace(tree: ast.Module) -> dict[str, Any]:
    """Module-level literal constants, and names imported from Qt-free ``cned_viewer`` modules."""
    names: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                names[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("cned_viewer.render", "cned_viewer.core")):
            module = importlib.import_module(node.module)  # type: ignore[arg-type]
            names.update({alias.asname or alias.name: getattr(module, alias.name) for alias in node.names})
    return names


def action_ids(path: Path = ACTIONS) -> list[str]:
    """Every ``Action`` id of the table (generated ones expanded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    namespace = _namespace(tree)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    ids: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Action"):
            continue
        first = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "id")
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            ids.append(first.value)
            continue
        outer = parents.get(node)
        while outer is not None and not isinstance(outer, ast.ListComp):
            outer = parents.get(outer)
        if outer is None:
            raise AssertionError(f"line {node.lineno}: an Action id that is neither a string nor built in a list comprehension")
        expression = ast.Expression(ast.ListComp(elt=first, generators=outer.generators))
        ids.extend(eval(compile(ast.fix_missing_locations(expression), str(path), "eval"), dict(namespace)))  # noqa: S307
    return ids
