"""The imports between the project's apps, read from the source with ``ast``.

    python docs/import_graph.py          # prints the graph as Mermaid
Used by tests/test_import_graph.py, which fails if an earlier stage imports a
later one (training < courses < assessments < certificates).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The stages in data-flow order: each may import only those before it.
STAGES = ["training", "courses", "assessments", "certificates"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def app_imports() -> dict[str, dict[str, set[str]]]:
    """For each app, the other apps it imports and from which of its files."""
    graph: dict[str, dict[str, set[str]]] = {app: defaultdict(set) for app in STAGES}
    for app in STAGES:
        for path in sorted((ROOT / app).rglob("*.py")):
            for module in _imported_modules(path):
                target = module.split(".")[0]
                if target in STAGES and target != app:
                    graph[app][target].add(str(path.relative_to(ROOT)))
    return graph


def backward_imports() -> list[str]:
    """Every import of a later stage by an earlier one, as "file -> app"."""
    graph = app_imports()
    return sorted(
        f"{path} -> {target}"
        for app, targets in graph.items()
        for target, paths in targets.items()
        if STAGES.index(target) > STAGES.index(app)
        for path in paths
    )


def mermaid() -> str:
    lines = ["graph RL"]
    for app, targets in app_imports().items():
        for target in sorted(targets, key=STAGES.index):
            lines.append(f"    {app} --> {target}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(mermaid() + "\n")
    for line in backward_imports():
        sys.stdout.write(f"backward: {line}\n")
