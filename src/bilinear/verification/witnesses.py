"""Checking impossibility witnesses: does this evidence prove "no" at this level?

:func:`bilinear.theory.witnesses.check_witness_basic` re-derives a witness from its words on
the automaton.  :func:`check_witness` adds the second half of the argument: whether a witness
of that kind excludes the given level (and notion), with the reason in words.

========================  ==========================================================================
kind                      excludes
========================  ==========================================================================
commutation               the diagonal levels (their matrices commute, so equal letter counts give
                          equal states), every notion
period p                  positive_diagonal unless p = 1; real_diagonal unless p in {1, 2};
                          complex_diagonal in floating point (``fp``) unless p in {1, 2, 4}; or the
                          ``allowed_periods`` the witness names for its level
index k > b               ``block`` with ``block_size <= b`` (b x b matrices have index <= b); with
                          ``max_index = 1``, the diagonal levels under ``fin``
nonabelian_group          the diagonal levels
nonsolvable               the diagonal levels and block(2)
g2_nonabelian,            the diagonal levels and block(2) (finite subgroups of GL_2(R) are cyclic
not_cyclic_or_dihedral    or dihedral)
v3_exponent,              the diagonal levels and block(b) with b <= 3 (finite groups of 3 x 3
v3_perfect_residual       blocks have a power of A_5 as perfect residual)
not_a5_type               the diagonal levels and block(2) (a single 3 x 3 block cannot hold the
                          group, but A_5 x A_5 fits in two 3 x 3 blocks)
========================  ==========================================================================

Nothing excludes ``full``, ``monomial`` or ``cp``: they simulate every automaton.

Examples
--------
>>> from bilinear.automata import tasks
>>> d = tasks.get("flip_flop").dfa
>>> w = {"kind": "commutation", "words": [["1", "2"], ["2", "1"]], "suffix": []}
>>> check_witness(d, "complex_diagonal", w).proves
True
>>> check_witness(d, "block", w).proves
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError
from bilinear.theory.hierarchy import check_notion
from bilinear.theory.hierarchy import level as hierarchy_level
from bilinear.theory.witnesses import check_witness_basic
from bilinear.vocabulary import DIAGONAL_LEVELS

__all__ = ["WitnessCheck", "check_witness"]

_GROUP_BLOCK_LIMIT = {"nonabelian_group": 1, "nonsolvable": 2, "g2_nonabelian": 2,
                      "not_cyclic_or_dihedral": 2, "v3_exponent": 3, "v3_perfect_residual": 3,
                      "not_a5_type": 2}


@dataclass(frozen=True)
class WitnessCheck:
    """Result of :func:`check_witness`.

    Attributes
    ----------
    valid : bool
        The witness re-runs correctly on the automaton (its words do what it claims).
    excludes : bool
        A valid witness of this kind rules the level out (under the notion).
    proves : bool
        ``valid and excludes``: the witness proves "no" at this level.
    reason : str
        Why, in words.
    """

    kind: str
    level: str
    notion: str
    valid: bool
    excludes: bool
    reason: str

    @property
    def proves(self) -> bool:
        return self.valid and self.excludes

    def __bool__(self) -> bool:
        return self.proves


def _excludes(kind: str, level: str, notion: str, witness: Mapping[str, Any],
              block_size: int | None) -> tuple[bool, str]:
    if level in ("full", "monomial", "cp"):
        return False, f"level {level!r} simulates every automaton; no witness excludes it"
    diag = level in DIAGONAL_LEVELS
    b = block_size if level == "block" else None
    if kind == "commutation":
        if diag:
            return True, ("diagonal matrices commute, so words with equal letter counts reach "
                          "the same state; the suffix then gives equal labels, but the "
                          "automaton's differ")
        return False, "block and full matrices need not commute"
    if kind == "period":
        p = int(witness["period"])
        allowed = {"positive_diagonal": {1}, "real_diagonal": {1, 2}}.get(level)
        if level == "complex_diagonal" and notion == "fp":
            allowed = {1, 2, 4}
        if allowed is None:
            return False, f"level {level!r} ({notion}) allows every period"
        if p in allowed:
            return False, f"period {p} is allowed at {level!r} ({sorted(allowed)})"
        return True, (f"the word's map has period {p}, but the eigenvalues available at "
                      f"{level!r} ({notion}) only give periods {sorted(allowed)}")
    if kind == "index":
        k = int(witness["index"])
        if diag and notion == "fin":
            return (k > 1, "Sim_fin at a diagonal level needs every element of index <= 1"
                    if k > 1 else "index 1 is allowed")
        if level == "block":
            if b is None:
                return False, "give block_size to judge an index witness at level 'block'"
            return (k > b, f"b x b matrices have index <= {b}, the word's map has index {k}"
                    if k > b else f"index {k} <= block size {b}")
        return False, f"an index witness does not exclude {level!r} ({notion})"
    if kind in _GROUP_BLOCK_LIMIT:
        limit = _GROUP_BLOCK_LIMIT[kind]
        if diag:
            return True, (f"the group divides the transition monoid, and a {kind} group "
                          "cannot divide the commutative monoid of diagonal matrices")
        if level == "block":
            if b is None:
                return False, "give block_size to judge a group witness at level 'block'"
            if b <= limit:
                return True, (f"a group of kind {kind!r} is not a quotient of a finite group of "
                              f"{b} x {b} real matrices "
                              "(docs/explanation/hierarchy.md, level block)")
            return False, f"{kind!r} groups exist in dimension {b}"
        return False, f"a group witness does not exclude {level!r}"
    return False, f"unknown witness kind {kind!r}"


def check_witness(dfa: DFA, level: str, witness: Mapping[str, Any], *, notion: str = "fin",
                  block_size: int | None = None) -> WitnessCheck:
    """Re-run ``witness`` on ``dfa`` and say whether it proves that ``level`` cannot simulate it.

    Parameters
    ----------
    dfa : DFA
        The automaton (a catalogue ``Task`` is accepted too).
    level : str
        A level of the hierarchy (:data:`bilinear.vocabulary.LEVELS`).
    witness : mapping
        A witness dict of :mod:`bilinear.theory.witnesses` (``kind``, ``words``, ...).
    notion : {"fin", "rob", "fp"}
    block_size : int, optional
        ``b`` for ``level="block"`` (default: 2).

    Returns
    -------
    WitnessCheck
        Truthy exactly when the witness proves "no".

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> w = {"kind": "period", "words": [["1"]], "period": 2, "allowed_periods": [1]}
    >>> r = check_witness(tasks.get("parity").dfa, "positive_diagonal", w)
    >>> r.valid, r.proves
    (True, True)
    >>> check_witness(tasks.get("parity").dfa, "real_diagonal", w).proves
    False
    """
    if hasattr(dfa, "dfa") and isinstance(dfa.dfa, DFA):
        dfa = dfa.dfa
    if not isinstance(dfa, DFA):
        raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
    hierarchy_level(level)
    check_notion(notion)
    if not isinstance(witness, Mapping) or "kind" not in witness:
        raise InvalidArgumentError("a witness is a mapping with a 'kind'")
    if level == "block" and block_size is None:
        block_size = 2
    kind = str(witness["kind"])
    valid = check_witness_basic(dfa, witness)
    try:
        excludes, why = _excludes(kind, level, notion, witness, block_size)
    except (KeyError, TypeError, ValueError):
        excludes, why = False, f"the {kind!r} witness lacks a field this level needs"
    if not valid:
        why = "the witness does not hold on this automaton; " + why
    return WitnessCheck(kind=kind, level=level, notion=notion, valid=valid, excludes=excludes,
                        reason=why)
