"""Letter maps and the invariants that need no monoid enumeration
(docs/explanation/algebra.md#letter-maps, #pipeline (steps 2-3)).

A *letter map* ``tau_a`` is the transformation ``q -> q . a`` of the states, stored as an integer
array ``t`` with ``t[q] = q . a``.  Transformations act on the right, so the map of a word ``uv``
is "``tau_u`` then ``tau_v``": ``compose(t_u, t_v)[q] = t_v[t_u[q]]``.

Examples
--------
>>> import numpy as np
>>> from bilinear.theory.letters import index_period, compose
>>> t = np.array([1, 2, 3, 1])          # 0 -> 1 -> 2 -> 3 -> 1: tail 1, cycle of length 3
>>> index_period(t)
(1, 3)
>>> compose(np.array([1, 0, 2]), np.array([2, 2, 0])).tolist()
[2, 2, 0]
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilinear.automata import DFA, minimize
from bilinear.errors import InvalidArgumentError
from bilinear.theory._witness import Witness

__all__ = [
    "LetterInfo",
    "minimal_automaton",
    "letter_maps",
    "compose",
    "word_map",
    "power",
    "index_period",
    "letter_infos",
    "is_permutation",
    "is_commutative",
    "non_commuting_letters",
    "path_to",
    "separating_suffix",
    "separation",
    "commutation_witness",
    "diagonal_letter_problem",
    "unit_letters",
]


def minimal_automaton(dfa: DFA) -> DFA:
    """The minimal reachable Moore machine for ``dfa``'s labels
    (docs/explanation/algebra.md#letter-maps).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> minimal_automaton(tasks.get("parity").dfa).n_states
    2
    """
    if not isinstance(dfa, DFA):
        raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
    return minimize(dfa)


def letter_maps(dfa: DFA) -> np.ndarray:
    """The letter maps as a ``(K, n)`` integer array: row ``a`` is ``tau_a``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> letter_maps(tasks.get("parity").dfa).tolist()
    [[0, 1], [1, 0]]
    """
    return np.ascontiguousarray(dfa.table.T, dtype=np.int64)


def compose(t: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The map "``t`` then ``u``" (right action: ``q . tu = (q . t) . u``)."""
    return np.asarray(u)[np.asarray(t)]


def word_map(dfa_or_maps: DFA | np.ndarray, word: Sequence[Any]) -> np.ndarray:
    """The transformation ``tau_w`` of a word (a list of symbols, or indices with an array).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> word_map(tasks.get("parity").dfa, ["1", "1", "1"]).tolist()
    [1, 0]
    """
    if isinstance(dfa_or_maps, DFA):
        maps = letter_maps(dfa_or_maps)
        idx = [int(i) for i in dfa_or_maps.encode(list(word))]
    else:
        maps = np.asarray(dfa_or_maps)
        idx = [int(i) for i in word]
    t = np.arange(maps.shape[1], dtype=np.int64)
    for a in idx:
        t = maps[a][t]
    return t


def power(t: np.ndarray, k: int) -> np.ndarray:
    """``t`` composed with itself ``k`` times (``k >= 0``)."""
    result = np.arange(len(t), dtype=np.int64)
    base = np.asarray(t, dtype=np.int64)
    while k:
        if k & 1:
            result = base[result]
        base = base[base]
        k >>= 1
    return result


def index_period(t: np.ndarray) -> tuple[int, int]:
    """Index ``k`` (longest tail before a cycle) and period ``p`` (lcm of cycle lengths).

    Then ``t^(k+p) = t^k`` and both are the least such numbers.

    Examples
    --------
    >>> index_period(np.array([0, 0, 1]))    # a reset-like map: index 2, period 1
    (2, 1)
    >>> index_period(np.array([1, 2, 0]))
    (0, 3)
    """
    t = np.asarray(t, dtype=np.int64)
    n = len(t)
    # index: least k with |im t^k| = |im t^(k+1)|
    cur = np.arange(n, dtype=np.int64)
    size = n
    k = 0
    while True:
        nxt = t[cur]
        s = len(np.unique(nxt))
        if s == size:
            break
        cur, size, k = nxt, s, k + 1
    cyc = np.unique(cur)
    seen: set[int] = set()
    p = 1
    for q in cyc.tolist():
        if q in seen:
            continue
        length, r = 0, q
        while True:
            seen.add(r)
            r = int(t[r])
            length += 1
            if r == q:
                break
        p = p * length // math.gcd(p, length)
    return k, p


def is_permutation(t: np.ndarray) -> bool:
    """True when ``t`` is a bijection of the states."""
    t = np.asarray(t)
    return len(np.unique(t)) == len(t)


@dataclass(frozen=True)
class LetterInfo:
    """Invariants of one letter map of the minimal automaton
    (docs/explanation/algebra.md#letter-maps).

    Attributes
    ----------
    symbol : hashable
        The letter.
    index, period : int
        Index ``k_a`` and period ``p_a``.
    idempotent, permutation, identity : bool
        ``tau_a^2 = tau_a``; ``tau_a`` bijective; ``tau_a = id``.
    cube_is_self : bool
        ``tau_a^3 = tau_a`` (the real-diagonal Sim_fin condition).
    """

    symbol: Hashable
    index: int
    period: int
    idempotent: bool
    permutation: bool
    identity: bool
    cube_is_self: bool

    def __post_init__(self) -> None:
        if self.index < 0 or self.period < 1:
            raise InvalidArgumentError("index must be >= 0 and period >= 1")


def letter_infos(dfa: DFA) -> list[LetterInfo]:
    """A :class:`LetterInfo` per letter of ``dfa`` (in alphabet order; not minimized here).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> [(i.symbol, i.period, i.identity) for i in letter_infos(tasks.get("parity").dfa)]
    [('0', 1, True), ('1', 2, False)]
    """
    maps = letter_maps(dfa)
    ident = np.arange(dfa.n_states)
    out = []
    for a, t in zip(dfa.alphabet, maps, strict=True):
        k, p = index_period(t)
        out.append(LetterInfo(
            symbol=a, index=k, period=p,
            idempotent=bool(np.array_equal(t[t], t)),
            permutation=is_permutation(t),
            identity=bool(np.array_equal(t, ident)),
            cube_is_self=bool(np.array_equal(t[t[t]], t)),
        ))
    return out


def non_commuting_letters(dfa: DFA) -> tuple[int, int, int] | None:
    """``(a, b, q)`` (indices) with ``q . ab != q . ba``, or ``None`` if all letters commute."""
    maps = letter_maps(dfa)
    K = len(maps)
    for a in range(K):
        for b in range(a + 1, K):
            ab, ba = maps[b][maps[a]], maps[a][maps[b]]
            diff = np.nonzero(ab != ba)[0]
            if len(diff):
                return a, b, int(diff[0])
    return None


def is_commutative(dfa: DFA) -> bool:
    """True when all letter maps commute (then the transition monoid is commutative).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> is_commutative(tasks.get("parity").dfa), is_commutative(tasks.get("flip_flop").dfa)
    (True, False)
    """
    return non_commuting_letters(dfa) is None


def path_to(dfa: DFA, target: int) -> list[int]:
    """A shortest word (symbol indices) from the start state to state index ``target``."""
    start = dfa.start_index
    parent: dict[int, tuple[int, int]] = {start: (-1, -1)}
    queue = deque([start])
    table = dfa.table
    while queue:
        q = queue.popleft()
        if q == target:
            break
        for a in range(dfa.n_symbols):
            r = int(table[q, a])
            if r not in parent:
                parent[r] = (q, a)
                queue.append(r)
    if target not in parent:
        raise InvalidArgumentError(f"state index {target} is not reachable from the start")
    word: list[int] = []
    q = target
    while q != start:
        q, a = parent[q]
        word.append(a)
    return word[::-1]


def separating_suffix(dfa: DFA, p: int, q: int) -> list[int] | None:
    """A shortest word ``s`` (indices, possibly empty) with ``label(p.s) != label(q.s)``."""
    lab, table = dfa.label_index, dfa.table
    start = (p, q)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int]] = {start: (start, -1)}
    queue = deque([start])
    while queue:
        x, y = queue.popleft()
        if lab[x] != lab[y]:
            word: list[int] = []
            node = (x, y)
            while node != start:
                node, a = parent[node]
                word.append(a)
            return word[::-1]
        for a in range(dfa.n_symbols):
            nxt = (int(table[x, a]), int(table[y, a]))
            if nxt not in parent:
                parent[nxt] = ((x, y), a)
                queue.append(nxt)
    return None


def separation(dfa: DFA, t: np.ndarray, u: np.ndarray) -> tuple[list[int], list[int]] | None:
    """``(prefix, suffix)`` (indices) showing ``t != u`` through labels, or ``None``.

    With ``q = start . prefix``, the labels of ``q . t . suffix`` and ``q . u . suffix`` differ.
    ``dfa`` should be minimal (then distinct maps are always separated).
    """
    for q in np.nonzero(np.asarray(t) != np.asarray(u))[0].tolist():
        s = separating_suffix(dfa, int(t[q]), int(u[q]))
        if s is not None:
            return path_to(dfa, q), s
    return None


def commutation_witness(dfa: DFA) -> Witness | None:
    """A ``"commutation"`` :class:`~bilinear.theory.witnesses.Witness` for a minimal ``dfa``.

    ``None`` when the letters commute.

    Two words ``u = p a b`` and ``v = p b a`` with the same letter counts and a suffix ``s``
    such that the labels after ``u + s`` and ``v + s`` differ.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> w = commutation_witness(minimal_automaton(tasks.get("flip_flop").dfa))
    >>> w["kind"], len(w["words"])
    ('commutation', 2)
    """
    pair = non_commuting_letters(dfa)
    if pair is None:
        return None
    a, b, _ = pair
    maps = letter_maps(dfa)
    sep = separation(dfa, maps[b][maps[a]], maps[a][maps[b]])
    if sep is None:  # not minimal: the two maps differ only on equivalent states
        return None
    prefix, suffix = sep
    dec = dfa.decode
    return Witness.commutation(dec(prefix + [a, b]), dec(prefix + [b, a]), dec(suffix),
                               letters=dec([a, b]))


def diagonal_letter_problem(dfa: DFA, level: str, notion: str = "fin"
                            ) -> tuple[str, Witness] | None:
    """Why the letters alone rule out the diagonal ``level`` (reason and witness), or ``None``.

    The necessary conditions that need no transition monoid: the letters commute (diagonal
    matrices do); every letter's period is allowed (``1`` for ``positive_diagonal``, ``1, 2``
    for ``real_diagonal``); under ``fin`` every letter has index ``<= 1`` (an idempotent letter
    may have index 1 at ``positive_diagonal``).  They decide the diagonal levels of automata too
    large to classify (see :doc:`/explanation/levels`).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> reason, witness = diagonal_letter_problem(tasks.get("parity").dfa, "positive_diagonal")
    >>> witness["kind"], witness["period"]
    ('period', 2)
    >>> diagonal_letter_problem(tasks.get("parity").dfa, "real_diagonal") is None
    True
    """
    witness = commutation_witness(dfa)
    if witness is not None:
        return (f"level {level!r}: the transition monoid is not commutative (diagonal matrices "
                "commute)", witness)
    allowed = {"positive_diagonal": (1,), "real_diagonal": (1, 2)}.get(level)
    for info in letter_infos(dfa):
        if allowed is not None and info.period not in allowed:
            return (f"level {level!r}: letter {info.symbol!r} has period {info.period} "
                    f"(allowed: {list(allowed)})",
                    Witness.period_word([info.symbol], info.period, allowed))
        if notion == "fin" and info.index > 1 and not (level == "positive_diagonal"
                                                       and info.idempotent):
            return (f"level {level!r} (fin): letter {info.symbol!r} has index {info.index} > 1;"
                    " a finite diagonal simulation needs index <= 1 (use notion='rob')",
                    Witness.index_word([info.symbol], info.index, 1))
    return None


def unit_letters(dfa: DFA) -> list[int]:
    """Indices of the permutation letters; they generate the group of units
    (docs/explanation/algebra.md#pipeline)."""
    return [a for a, t in enumerate(letter_maps(dfa)) if is_permutation(t)]
