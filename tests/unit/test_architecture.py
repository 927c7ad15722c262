"""The package stays in small modules that import each other without circles."""

from __future__ import annotations

from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[2] / "cned_viewer"
MAX_LINES = 500


def test_no_module_over_500_lines() -> None:
    """Every module of cned_viewer has at most MAX_LINES lines."""
    sizes = {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts
    }
    too_long = [f"{name}: {lines} lines" for name, lines in sizes.items() if lines > MAX_LINES]
    assert not too_long, f"modules over {MAX_LINES} lines:\n" + "\n".join(too_long)


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """The strongly connected components of more than one module (those imported and importing back)."""
    components: list[set[str]] = []
    seen: set[str] = set()
    for module in sorted(graph.modules):
        if module in seen:
            continue
        members = graph.find_upstream_modules(module) & graph.find_downstream_modules(module)
        if members:
            components.append(members | {module})
            seen |= members | {module}
    return components


def cycles_through(graph: grimp.ImportGraph, component: set[str]) -> list[str]:
    """Shortest circles, as 'a -> b -> a', until every module of the component lies on one."""
    cycles: list[str] = []
    covered: set[str] = set()
    for module in sorted(component):
        if module in covered:
            continue
        back = [graph.find_shortest_chain(b, module) for b in graph.find_modules_directly_imported_by(module) & component]
        chain = min((c for c in back if c), key=lambda c: (len(c), c))
        cycles.append(" -> ".join((module, *chain)))
        covered.update(chain)
    return cycles


def test_no_import_cycle() -> None:
    """No modules import each other, even only for type checking (a circle in the design all the same)."""
    graph = grimp.build_graph("cned_viewer", exclude_type_checking_imports=False, cache_dir=None)
    cycles = [cycle for component in strongly_connected(graph) for cycle in cycles_through(graph, component)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
