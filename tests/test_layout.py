"""The package's layout keeps its limits (docs/explanation/design.md): few modules at
the root, no module a reader must scroll through, no long or tangled function, and the
sub-packages' imports going one way."""
import ast
import re
from pathlib import Path

from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "newscrawl"
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_at_most_twelve_modules_at_the_root():
    root = [p.name for p in PACKAGE.glob("*.py")]
    assert len(root) <= 12, root


def test_no_module_over_450_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES if (n := len(p.read_text().splitlines())) > 450}
    assert not long


def test_no_function_over_60_lines():
    long = []
    for p in MODULES:
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long.append(f"{p.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not long


def test_no_function_above_cyclomatic_complexity_15():
    tangled = [f"{p.relative_to(PACKAGE)}:{b.lineno} {b.name} ({b.complexity})"
               for p in MODULES for b in cc_visit(p.read_text())
               if b.complexity > 15 and type(b).__name__ != "Class"]
    assert not tangled


def test_a_file_name_is_used_once():
    names: dict[str, list[str]] = {}
    for p in MODULES:
        if p.name != "__init__.py":
            names.setdefault(p.name, []).append(str(p.relative_to(PACKAGE)))
    assert {n: ps for n, ps in names.items() if len(ps) > 1} == {}


# Lower layers never import higher ones (a package may import itself and those listed after it).
LAYERS = ["ops", "replica", "spiders", "fresh", "cluster", "crawl", "archive", "process", "store", "extract", "site", "conf"]


def test_imports_go_down_the_layers():
    up = []
    for p in MODULES:
        rel = p.relative_to(PACKAGE)
        if len(rel.parts) < 2 or rel.parts[0] not in LAYERS:
            continue
        mine = LAYERS.index(rel.parts[0])
        for m in re.findall(r"^\s*from newscrawl\.(\w+)", p.read_text(), re.M):
            if m in LAYERS and LAYERS.index(m) < mine:
                up.append(f"{rel} imports newscrawl.{m}")
    assert not up
