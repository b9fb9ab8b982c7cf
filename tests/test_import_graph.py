"""Data flows one way: an earlier stage never imports a later one
(training < courses < assessments < certificates)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "import_graph", Path(__file__).resolve().parent.parent / "docs" / "import_graph.py"
)
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)


def test_no_earlier_stage_imports_a_later_one():
    assert import_graph.backward_imports() == []


def test_the_graph_sees_imports_between_apps():
    graph = import_graph.app_imports()
    assert "courses" in graph["assessments"]
    assert "assessments" in graph["certificates"]
