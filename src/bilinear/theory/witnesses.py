"""Impossibility witnesses: what every ``"no"`` of :func:`bilinear.theory.classify` carries.

A witness is a :class:`Witness`: a frozen record with a ``kind`` and ``words`` (a list of words,
each a list of symbols) that reads as a read-only dict with the keys below; ``to_dict()`` is its
JSON form and ``Witness.from_dict`` reads it back.  Every claim is about the transition
monoid ``M`` of the *minimal* automaton of the labels, so :func:`check_witness_basic` minimizes
first and then re-derives the claim from the words alone.  The kinds:

``"commutation"``
    ``words = [u, v]`` with equal letter counts and ``suffix``: the labels after ``u + suffix``
    and ``v + suffix`` differ, so ``M`` is not commutative (no diagonal level).  Optional:
    ``letters``, the two letters that do not commute.
``"period"``
    ``words = [w]``, ``period = p`` and ``allowed_periods``: ``tau_w`` has period exactly ``p``
    and ``p`` is not allowed by the level (positive diagonal allows ``[1]``, real diagonal
    ``[1, 2]``; complex diagonal in floating point ``[1, 2, 4]``).  Optional: ``cycles``, the
    cycles of ``tau_w`` (lists of state names).
``"index"``
    ``words = [w]``, ``index = k`` and ``max_index = b``: ``tau_w`` has index ``k > b``, but
    every element of a monoid of ``b x b`` matrices (and of ``V_b``) has index ``<= b``
    (docs/explanation/levels.md#block).  The idempotent / Clifford conditions of the diagonal levels
    use ``max_index = 1``.
group kinds
    ``image_word = x`` and ``generator_words = [u_1, ...]`` (``words = [x, u_1, ...]``): each
    ``u_i`` maps ``X = im(tau_x)`` onto itself; the permutations they induce on ``X`` generate a
    group ``G`` that divides ``M`` (optional: ``group_order = |G|``).  The kind names the
    property of ``G``:
    ``"nonabelian_group"`` (not abelian), ``"nonsolvable"`` (not solvable),
    ``"g2_nonabelian"`` (``<g^2 : g in G>`` not abelian: excluded from real block(2)),
    ``"not_cyclic_or_dihedral"`` (not a quotient of a finite subgroup of ``GL_2(R)``),
    ``"v3_exponent"`` (non-solvable, every minimal normal subgroup non-abelian, and the
    exponent does not divide 30: excluded from real block(3), docs/explanation/levels.md#block),
    ``"not_a5_type"`` (non-solvable and neither ``A_5`` nor ``A_5 x Z_2``: not a quotient of a
    finite subgroup of ``GL_3(R)``),
    ``"v3_perfect_residual"`` (the perfect residual ``G^(infinity)`` is non-trivial and not a
    power of ``A_5``: its order is not a power of 60 or its exponent does not divide 30;
    excluded from real block(3) under Sim_fin, see
    :func:`~bilinear.theory.groups.residual_not_a5_power`; e.g. ``SL(2, 5)``).

Examples
--------
>>> from bilinear.automata import tasks
>>> d = tasks.get("flip_flop").dfa
>>> w = Witness.commutation(["1", "2"], ["2", "1"], suffix=[])
>>> check_witness_basic(d, w), check_witness_basic(d, w.to_dict())
(True, True)
>>> check_witness_basic(tasks.get("parity").dfa,
...                     {"kind": "period", "words": [["1"]], "period": 2, "allowed_periods": [1]})
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import DFA
from bilinear.errors import BilinearError, InvalidArgumentError
from bilinear.theory._witness import GROUP_KINDS, WITNESS_KINDS, Witness
from bilinear.theory.groups import (
    g2_subgroup,
    group_exponent,
    is_a5,
    is_a5_times_z2,
    is_cyclic_or_dihedral,
    residual_not_a5_power,
)
from bilinear.theory.letters import index_period, minimal_automaton, word_map
from bilinear.theory.representations import character_table, minimal_normal_subgroups

__all__ = ["WITNESS_KINDS", "GROUP_KINDS", "check_witness_basic", "witness_group"]


def witness_group(dfa: DFA, image_word: list, generator_words: list[list]) -> PermutationGroup:
    """The group induced on ``X = im(tau_x)`` by the generator words (on ``range(|X|)``).

    Raises :class:`InvalidArgumentError` when a word does not permute ``X``.
    """
    X = sorted(set(word_map(dfa, image_word).tolist()))
    pos = {q: i for i, q in enumerate(X)}
    perms = []
    for u in generator_words:
        t = word_map(dfa, u)
        img = [int(t[q]) for q in X]
        if sorted(img) != X:
            raise InvalidArgumentError(f"word {u!r} does not permute the image of {image_word!r}")
        perms.append(Permutation([pos[q] for q in img]))
    return PermutationGroup(perms or [Permutation(max(len(X), 1) - 1)])


def _group_property(kind: str, G: PermutationGroup) -> bool:
    if kind == "nonabelian_group":
        return not G.is_abelian
    if kind == "nonsolvable":
        return not G.is_solvable
    if kind == "g2_nonabelian":
        return not g2_subgroup(G).is_abelian
    if kind == "not_cyclic_or_dihedral":
        return not is_cyclic_or_dihedral(G)
    if kind == "not_a5_type":
        return (not G.is_solvable) and not is_a5(G) and not is_a5_times_z2(G)
    if kind == "v3_perfect_residual":
        return residual_not_a5_power(G)
    if kind == "v3_exponent":
        if G.is_solvable:
            return False
        ct = character_table(G)
        for N in minimal_normal_subgroups(ct):
            elems = [g for g in range(ct.order) if ct.class_of[g] in N]
            perms = [Permutation(ct.elements[g].tolist()) for g in elems]
            if PermutationGroup(perms).is_abelian:
                return False
        exp = group_exponent(G)
        return exp is not None and 30 % exp != 0
    return False


def check_witness_basic(dfa: DFA, witness: Witness | Mapping[str, Any]) -> bool:
    """Re-derive a witness from its words on ``dfa`` (minimized first); True iff it holds.

    ``witness`` is a :class:`Witness` or its dict form.  Malformed witnesses (unknown kind,
    unknown symbols, missing keys) give ``False``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> d = tasks.get("symmetric", n=4).dfa
    >>> w = {"kind": "g2_nonabelian", "image_word": [], "words": [[]],
    ...      "generator_words": [[a] for a in d.alphabet]}
    >>> check_witness_basic(d, w)
    True
    """
    if not isinstance(dfa, DFA) or not isinstance(witness, Mapping):
        raise InvalidArgumentError("check_witness_basic(dfa, witness) needs a DFA and a witness "
                                   "(a Witness or a dict)")
    kind = witness.get("kind")
    try:
        if kind == "commutation":
            u, v = (list(w) for w in witness["words"])
            s = list(witness.get("suffix", []))
            if Counter(u) != Counter(v):
                return False
            return bool(u) and dfa.output(u + s)[-1] != dfa.output(v + s)[-1]
        A = minimal_automaton(dfa)
        if kind == "period":
            (w,) = witness["words"]
            _, p = index_period(word_map(A, list(w)))
            return p == int(witness["period"]) and p not in set(witness["allowed_periods"])
        if kind == "index":
            (w,) = witness["words"]
            k, _ = index_period(word_map(A, list(w)))
            return k >= int(witness["index"]) > int(witness["max_index"])
        if kind in GROUP_KINDS:
            G = witness_group(A, list(witness["image_word"]),
                              [list(u) for u in witness["generator_words"]])
            return _group_property(kind, G)
    except (BilinearError, KeyError, TypeError, ValueError):
        return False
    return False

