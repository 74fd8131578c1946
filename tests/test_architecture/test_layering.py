"""The architecture as tests: data flows one way, no two files import each other, each name
tuple of the vocabulary is written once.

The scan reads the source with :mod:`ast` (no import), so it sees function-local imports too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import bilinear
from bilinear import vocabulary

SRC = Path(bilinear.__file__).resolve().parent

#: Layers in order; a module may import its own layer or lower ones only.
LAYERS = ("vocabulary", "errors", "_validation", "automata", "theory", "constructions",
          "verification", "models", "experiments", "analysis", "cli")
_BASE = {"vocabulary": 0, "errors": 0, "_validation": 0}
#: Third-party modules a function may import lazily: optional extras, or torch where the
#: core must not load it.
OPTIONAL_EXTRAS = ("ray", "matplotlib", "torch", "graphviz")
#: Layers that load torch: the command line imports them inside the subcommand that needs
#: them, so that ``bilinear tasks`` or ``bilinear classify`` never pay for ``import torch``.
TORCH_LAYERS = ("models", "experiments", "analysis")


#: What the consolidation step has not removed yet (see the closing note of 2026-12-02).  These
#: lists may only shrink: a new circle, local import or copy fails the tests.
KNOWN_CIRCLES: list[tuple[str, str]] = []
#: Function-local imports still present, per module (an upper bound).
KNOWN_LOCAL_IMPORTS: dict[str, int] = {}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def _imports(name: str) -> list[tuple[str, bool]]:
    """``(imported module, at module top level)`` for each import of ``name``'s file."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` / try blocks at the top count as top level
        if isinstance(node, (ast.If, ast.Try)):
            top |= {id(n) for n in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                out.append((full if full in MODULES else module, id(node) in top))
    return out


def _own(target: str) -> str | None:
    """The project module ``target`` names (a module, or a name inside one), else None."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        for target, _ in _imports(name):
            own = _own(target)
            if own and own != name and own != "bilinear":
                edges[name].add(own)
    return edges


def _layer(name: str) -> int:
    part = name.split(".")[1] if "." in name else ""
    if part in _BASE:
        return _BASE[part]
    return LAYERS.index(part) if part in LAYERS else -1


def test_no_two_files_import_each_other() -> None:
    edges = _edges()
    pairs = sorted((a, b) for a in edges for b in edges[a]
                   if a in edges.get(b, set()) and a < b
                   and not (MODULES[a].name == "__init__.py" or MODULES[b].name == "__init__.py"))
    assert [p for p in pairs if p not in KNOWN_CIRCLES] == []


def test_no_import_cycles_between_files() -> None:
    edges = {a: {b for b in bs if MODULES[b].name != "__init__.py"}
             for a, bs in _edges().items() if MODULES[a].name != "__init__.py"}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt):] + [node, nxt] if nxt in stack
                             else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, stack + [node]):
                return True
        state[node] = 2
        return False

    for start in sorted(edges):
        if state.get(start) is None and visit(start, []):
            break
    known = {m for pair in KNOWN_CIRCLES for m in pair}
    assert cycle == [] or set(cycle) <= known


def test_data_flows_one_way_between_layers() -> None:
    wrong = []
    for a, targets in _edges().items():
        for b in targets:
            if _layer(a) >= 0 and _layer(b) > _layer(a):
                wrong.append((a, b))
    assert sorted(wrong) == []


def test_function_local_imports_are_optional_extras_only() -> None:
    local = []
    for name in MODULES:
        for target, at_top in _imports(name):
            if at_top:
                continue
            if target.split(".")[0] in OPTIONAL_EXTRAS:
                continue
            own = _own(target)
            if (name.startswith("bilinear.cli") and own is not None
                    and own.split(".")[1:2] and own.split(".")[1] in TORCH_LAYERS):
                continue
            local.append(name)
    over = {n: local.count(n) for n in set(local)
            if local.count(n) > KNOWN_LOCAL_IMPORTS.get(n, 0)}
    assert over == {}


def _literal_tuples(values: tuple[str, ...]) -> list[str]:
    """Places in src/ where ``values`` is written out as a literal tuple or list."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == len(values):
                if all(isinstance(e, ast.Constant) for e in node.elts):
                    if tuple(e.value for e in node.elts) == values:
                        found.append(f"{name}:{node.lineno}")
    return found


def test_each_name_tuple_is_defined_once() -> None:
    # built from the Level enum
    assert _literal_tuples(vocabulary.CHAIN) == []
    assert _literal_tuples(vocabulary.DIAGONAL_LEVELS) == []
    assert _literal_tuples(vocabulary.REAL_DIAGONAL_LEVELS) == []
    assert _literal_tuples(vocabulary.LEVELS) == []
    assert _literal_tuples(vocabulary.CONSTRUCTION_PRIORITY) == []
    assert len(_literal_tuples(vocabulary.BASELINES)) == 1
    assert _literal_tuples(vocabulary.ROTATION_CONSTRUCTIONS) == []
