"""The catalog's public surface: the status page, the case page and the CLI rely on these."""

import ast
import sys
from pathlib import Path

import pytest

from warroom.catalog import actions, graph, hosts, impact, loader

SURFACE = {
    actions: {"add_dependency", "set_component_status"},
    graph: {"Reach", "Root", "path_to_root", "reverse_edges", "walk"},
    hosts: {"HostNames", "matching_hosts"},
    impact: {"AffectedComponent", "AffectedCustomer", "Impact", "case_impact", "component_impact"},
    loader: {"CatalogFileError", "LoadResult", "load_catalog"},
}


@pytest.mark.parametrize("module", list(SURFACE), ids=lambda module: module.__name__)
def test_each_module_exports_its_public_names(module):
    assert set(module.__all__) == SURFACE[module]
    assert all(hasattr(module, name) for name in module.__all__)


def test_the_graph_walk_imports_only_the_standard_library():
    # It is pure so that it can be property-tested and reused without a database.
    tree = ast.parse(Path(graph.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {
        "__future__"
    }
