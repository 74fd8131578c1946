"""``classify_level(..., lower_bound=False)``: the verdict a planner reads, without the
lower bounds (and the witness searches they need)."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError
from bilinear.theory import classify_level, smallest_block
from bilinear.vocabulary import LEVELS

SPECS = (
    "parity",
    "cyclic:n=5",
    "dihedral:n=4",
    "threshold:k=3",
    "random_fsm:states=12,symbols=3,seed=1",
    "random_fsm:states=40,symbols=2,seed=4",
)


def _core(d: dict) -> dict:
    out = {k: v for k, v in d.items() if k not in ("dim_lower", "theorem", "dim_enc_lower")}
    out["extra"] = {k: v for k, v in d.get("extra", {}).items() if k != "dim_enc_lower"}
    return out


def _task(spec: str):
    name, _, args = spec.partition(":")
    kw = {}
    for item in filter(None, args.split(",")):
        key, _, value = item.partition("=")
        kw[key] = int(value)
    return tasks.get(name, **kw).dfa


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("notion", ["fin", "rob"])
def test_the_verdict_is_the_same_but_for_its_lower_bounds(spec: str, notion: str) -> None:
    dfa = _task(spec)
    for level in LEVELS:
        full = classify_level(dfa, level, notion)
        quick = classify_level(dfa, level, notion, lower_bound=False)
        assert _core(quick.to_dict()) == _core(full.to_dict()), level
        assert quick.dim_lower is None
        assert quick.extra.get("dim_enc_lower") is None


@pytest.mark.parametrize("spec", SPECS)
def test_smallest_block_is_the_same_without_lower_bounds(spec: str) -> None:
    dfa = _task(spec)
    full, quick = smallest_block(dfa), smallest_block(dfa, lower_bound=False)
    assert (full is None) == (quick is None)
    if full is not None and quick is not None:
        assert full[0] == quick[0]
        assert _core(quick[1].to_dict()) == _core(full[1].to_dict())


def test_lower_bound_must_be_a_bool() -> None:
    with pytest.raises(InvalidArgumentError, match="lower_bound"):
        classify_level(tasks.get("parity").dfa, "full", lower_bound="no")  # type: ignore[arg-type]


def test_minimal_block_systems_are_sympys() -> None:
    from sympy.combinatorics.named_groups import (
        AlternatingGroup,
        CyclicGroup,
        DihedralGroup,
        SymmetricGroup,
    )

    from bilinear.theory.groups import minimal_block_systems, transition_group

    def canon(systems: list) -> set:
        out = set()
        for b in systems:
            ids: dict = {}
            out.add(tuple(ids.setdefault(v, len(ids)) for v in b))
        return out

    groups = [DihedralGroup(n) for n in (3, 4, 6, 8, 12)] + [CyclicGroup(n) for n in (1, 6, 30)]
    groups += [SymmetricGroup(4), AlternatingGroup(5)]
    groups += [transition_group(tasks.get("dihedral", n=8).dfa)[0]]
    for G in groups:
        assert canon(minimal_block_systems(G)) == canon(G.minimal_blocks(randomized=False))
