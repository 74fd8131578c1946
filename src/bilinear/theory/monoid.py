"""The transition monoid of an automaton, with libsemigroups' Froidure-Pin as the engine.

``transition_monoid(dfa, cap)`` enumerates ``M = {tau_w}`` (docs/explanation/algebra.md#pipeline
(step 4)) and stops with
:class:`MonoidTooLargeError` past ``cap`` elements (``|M|`` can be ``n^n``).  Everything else is
computed on demand: the elements as an ``(|M|, n)`` array, idempotents, index / period of every
element, aperiodicity, exponent, Green's classes, maximal subgroups as sympy permutation groups,
and a word for every element.  Beyond the cap, :func:`witness_search` looks at short and random
words for sound partial answers (docs/explanation/algebra.md#pipeline (step 5)).

Words follow the right action: the element of the word ``[a, b]`` is "``tau_a`` then ``tau_b``".

Examples
--------
>>> from bilinear.automata import tasks
>>> M = transition_monoid(tasks.get("flip_flop").dfa)
>>> M.size, M.is_aperiodic, M.max_index, M.number_of_idempotents
(3, True, 1, 3)
>>> transition_monoid(tasks.get("symmetric", n=5).dfa, cap=100)
Traceback (most recent call last):
...
bilinear.errors.MonoidTooLargeError: the transition monoid has more than 100 elements (the cap); \
raise cap= or use witness_search()
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import libsemigroups_pybind11 as ls
import networkx as nx
import numpy as np
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear._progress import Progress
from bilinear.automata import DFA
from bilinear.errors import InvalidArgumentError, MonoidTooLargeError
from bilinear.theory.letters import index_period, letter_maps

__all__ = [
    "DEFAULT_CAP",
    "TransitionMonoid",
    "MaximalSubgroup",
    "transition_monoid",
    "brute_force_monoid",
    "element_index_period",
    "schutzenberger_group",
    "WitnessSearch",
    "witness_search",
]

#: Default size cap of :func:`transition_monoid` (docs/explanation/algebra.md#pipeline: ``|M| <= 2 *
#: 10^6``).
DEFAULT_CAP = 2_000_000


def _libsemigroups() -> Any:
    """libsemigroups with its progress reports switched off."""
    ls.ReportGuard(False)
    return ls


@dataclass(frozen=True)
class MaximalSubgroup:
    """A maximal subgroup ``G_e`` of ``M`` acting on the image ``X = im(e)``
    (docs/explanation/algebra.md#pipeline).

    Attributes
    ----------
    image : tuple of int
        ``X``, the image of the idempotent ``e`` (state indices, increasing).
    idempotent_word : list
        A word (symbols) whose map is ``e``.
    group : PermutationGroup
        ``G_e`` as permutations of ``range(len(image))`` (position ``i`` is ``image[i]``).
    generator_words : tuple of list
        Words ``u`` whose maps ``e u e`` generate ``G_e`` (each stabilizes ``X``).
    """

    image: tuple[int, ...]
    idempotent_word: list
    group: PermutationGroup
    generator_words: tuple[list, ...]

    def __post_init__(self) -> None:
        if self.group.degree != max(len(self.image), 1):
            raise InvalidArgumentError("group degree must equal the size of the image")


def element_index_period(elements: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and period of every row of an ``(m, n)`` array of transformations (vectorized).

    Examples
    --------
    >>> k, p = element_index_period(np.array([[1, 2, 0], [0, 0, 1], [1, 1, 2]]))
    >>> k.tolist(), p.tolist()
    ([0, 2, 1], [3, 1, 1])
    """
    X = np.asarray(elements, dtype=np.int64)
    m, n = X.shape
    rows = np.arange(m)[:, None]

    def rank(Y: np.ndarray) -> np.ndarray:
        """Image size of every row (a scatter into a mask: linear, no sort)."""
        mask = np.zeros(Y.shape, dtype=bool)
        mask[np.arange(Y.shape[0])[:, None], Y] = True
        return mask.sum(axis=1)

    # the index: the first power whose image no longer shrinks; only unsettled rows advance
    index = np.zeros(m, dtype=np.int64)
    active = np.arange(m)
    cur = np.tile(np.arange(n), (m, 1))
    r = np.full(m, n)
    for _ in range(n + 1):
        if not active.size:
            break
        nxt = X[active[:, None], cur]
        rn = rank(nxt)
        moving = rn != r
        index[active[moving]] += 1
        active, cur, r = active[moving], nxt[moving], rn[moving]
    # stable points: Y = x^(2^j) with 2^j >= n maps into the cycles; cycle length per column
    Y = X.copy()
    steps = 1
    while steps < n:
        Y = Y[rows, Y]
        steps *= 2
    # cycle length of every stable point: iterate x on the rows whose cycles are not all seen
    length = np.zeros((m, n), dtype=np.int64)
    pending = np.arange(m)
    Z = Y.copy()
    for j in range(1, n + 1):
        Z = X[pending[:, None], Z]
        sub = length[pending]
        sub[(sub == 0) & (Z == Y[pending])] = j
        length[pending] = sub
        open_rows = (sub == 0).any(axis=1)
        pending, Z = pending[open_rows], Z[open_rows]
        if not pending.size:
            break
    period = np.lcm.reduce(length, axis=1)
    return index, period


class TransitionMonoid:
    """The transition monoid of an automaton (use :func:`transition_monoid` to build one).

    Attributes are computed on first use and cached; :attr:`size` is known on construction.
    """

    def __init__(self, dfa: DFA, cap: int = DEFAULT_CAP) -> None:
        if not isinstance(dfa, DFA):
            raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
        if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
            raise InvalidArgumentError(f"cap must be a positive integer, got {cap!r}")
        self.dfa = dfa
        self.cap = cap
        self.maps = letter_maps(dfa)
        self.n = dfa.n_states
        self._fp: Any = None
        n = self.n
        if n < 2:
            self._trivial = True
            self.size = 1
            return
        self._trivial = False
        ls = _libsemigroups()
        S = ls.FroidurePin([ls.Transf([int(x) for x in t]) for t in self.maps])
        S.enumerate(cap + 1)
        if S.current_size() > cap or (not S.finished() and S.current_size() >= cap):
            S.enumerate(cap + 2)
        if not S.finished() or S.current_size() + (0 if S.contains_one() else 1) > cap:
            raise MonoidTooLargeError(
                f"the transition monoid has more than {cap} elements (the cap); raise cap= or "
                "use witness_search()"
            )
        self._fp = S  # keep a reference: temporaries crash the binding
        self._has_one = bool(S.contains_one())
        self.size = int(S.size()) + (0 if self._has_one else 1)

    def __repr__(self) -> str:
        return f"<TransitionMonoid of {self.n} states: {self.size} elements>"

    # ------------------------------------------------------------------ elements and words
    @cached_property
    def _closure(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        E, parent, letter = bfs_closure(self.maps)
        if len(E) != self.size:  # pragma: no cover - would be a bug in one of the engines
            raise RuntimeError(f"closure has {len(E)} elements, libsemigroups {self.size}")
        keys = _row_keys(E)
        order = np.argsort(keys, kind="stable")
        E.setflags(write=False)
        return E, parent, letter, keys[order], order

    @property
    def elements(self) -> np.ndarray:
        """All elements as a read-only ``(size, n)`` array in breadth-first (shortlex) order;
        row 0 is the identity."""
        return self._closure[0]

    def word(self, i: int) -> list[Hashable]:
        """A shortest word (symbols) for the element in row ``i`` of :attr:`elements`."""
        _, parent, letter, _, _ = self._closure
        out = []
        i = int(i)
        while i > 0:
            out.append(int(letter[i]))
            i = int(parent[i])
        return self.dfa.decode(out[::-1])

    def position(self, t: np.ndarray) -> int | None:
        """Row of the transformation ``t`` in :attr:`elements`, or ``None``."""
        _, _, _, keys, order = self._closure
        k = _row_keys(np.asarray(t, dtype=np.int64)[None, :])[0]
        j = int(np.searchsorted(keys, k))
        if j < len(keys) and keys[j] == k:
            return int(order[j])
        return None

    # ------------------------------------------------------------------ invariants
    @cached_property
    def idempotent_mask(self) -> np.ndarray:
        """Boolean mask of the idempotents."""
        E = self.elements
        rows = np.arange(len(E))[:, None]
        return (E[rows, E] == E).all(axis=1)

    @property
    def number_of_idempotents(self) -> int:
        """Number of idempotents (from libsemigroups)."""
        if self._trivial:
            return 1
        return int(self._fp.number_of_idempotents()) + (0 if self._has_one else 1)

    @cached_property
    def _index_period(self) -> tuple[np.ndarray, np.ndarray]:
        return element_index_period(self.elements)

    @property
    def indices(self) -> np.ndarray:
        """Index of every element."""
        return self._index_period[0]

    @property
    def periods(self) -> np.ndarray:
        """Period of every element."""
        return self._index_period[1]

    @property
    def is_aperiodic(self) -> bool:
        """All elements have period 1 (all subgroups trivial)."""
        return bool((self.periods == 1).all())

    @property
    def max_index(self) -> int:
        """``ind(M)``: the largest index of an element."""
        return int(self.indices.max())

    @property
    def exponent(self) -> int:
        """The least ``p`` with ``x^(k+p) = x^k`` for all ``x``: lcm of the element periods."""
        return int(np.lcm.reduce(self.periods))

    @cached_property
    def is_commutative(self) -> bool:
        """All letter maps commute."""
        m = self.maps
        return all(np.array_equal(m[b][m[a]], m[a][m[b]])
                   for a in range(len(m)) for b in range(a + 1, len(m)))

    def element_word_with(self, mask: np.ndarray) -> tuple[int, list] | None:
        """``(row, word)`` of the first element satisfying ``mask``, or ``None``."""
        hits = np.nonzero(mask)[0]
        if not len(hits):
            return None
        i = int(hits[0])
        return i, self.word(i)

    # ------------------------------------------------------------------ Green's structure
    def _cayley_edges(self, side: str) -> list[tuple[int, int]]:
        E = self.elements
        _, _, _, keys, order = self._closure
        edges: list[tuple[int, int]] = []
        for t in self.maps:
            if side == "right":  # x -> x a : "x then a"
                Y = t[E]
            else:  # x -> a x : "a then x"
                Y = np.take_along_axis(E, np.broadcast_to(t, E.shape), axis=1)
            targets = order[np.searchsorted(keys, _row_keys(Y))]
            edges.extend(zip(range(len(E)), targets.tolist(), strict=True))
        return edges

    @cached_property
    def green_classes(self) -> dict[str, np.ndarray]:
        """Green's ``R``, ``L``, ``H`` and ``D`` classes as class labels per element.

        ``R`` / ``L`` are the strongly connected components of the right / left Cayley graphs,
        ``H = R ∩ L`` and (finite monoid) ``D = R ∨ L``.
        """
        labels = {}
        for side, key in (("right", "R"), ("left", "L")):
            g = nx.DiGraph()
            g.add_nodes_from(range(self.size))
            g.add_edges_from(self._cayley_edges(side))
            lab = np.empty(self.size, dtype=np.int64)
            for c, comp in enumerate(nx.strongly_connected_components(g)):
                lab[list(comp)] = c
            labels[key] = lab
        pairs: dict[tuple[int, int], int] = {}
        labels["H"] = np.array([pairs.setdefault((int(r), int(l)), len(pairs))
                                for r, l in zip(labels["R"], labels["L"], strict=True)])
        u = nx.utils.UnionFind(range(self.size))
        for lab in (labels["R"], labels["L"]):
            first: dict[int, int] = {}
            for i, c in enumerate(lab.tolist()):
                u.union(first.setdefault(c, i), i)
        roots: dict[int, int] = {}
        labels["D"] = np.array([roots.setdefault(u[i], len(roots)) for i in range(self.size)])
        return labels

    @cached_property
    def maximal_subgroups(self) -> list[MaximalSubgroup]:
        """One maximal subgroup per image of an idempotent (idempotents with the same image are
        ``L``-related, so their groups are isomorphic)."""
        E = self.elements
        out = []
        seen: set[tuple[int, ...]] = set()
        for i in np.nonzero(self.idempotent_mask)[0].tolist():
            X = tuple(sorted(set(E[i].tolist())))
            if X in seen:
                continue
            seen.add(X)
            grp, gen_rows = schutzenberger_group(E, X, E[i])
            word_e = self.word(i)
            gwords = tuple(word_e + self.word(j) + word_e for j in gen_rows)
            out.append(MaximalSubgroup(X, word_e, grp, gwords))
        return out


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """Sortable keys of the rows of a transformation array (int64 when ``n^n < 2^62``)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    n = rows.shape[1]
    if n == 0:
        return np.zeros(len(rows), dtype=np.int64)
    if n ** n < 2**62:
        return rows @ (n ** np.arange(n, dtype=np.int64))
    return rows.view(np.dtype((np.void, 8 * n))).ravel()


def bfs_closure(maps: np.ndarray, limit: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breadth-first closure of the letter maps (vectorized).

    Returns ``(elements, parent, letter)``: row 0 is the identity and row ``i > 0`` is
    ``elements[parent[i]]`` followed by letter ``letter[i]`` (so words are shortest).  With
    ``limit``, stops after the first level that reaches ``limit`` elements (the result then has
    at least ``limit`` rows when the monoid is that large, and is the whole monoid otherwise).
    """
    maps = np.asarray(maps, dtype=np.int64)
    K, n = maps.shape
    ident = np.arange(n, dtype=np.int64)[None, :]
    blocks, parents, letters = [ident], [np.array([-1])], [np.array([-1])]
    seen = _row_keys(ident)
    frontier, base, total = ident, 0, 1
    with Progress(None, "monoid closure", unit="element") as bar:
        bar.update(1)
        depth = 0
        while len(frontier):
            f = len(frontier)
            C = np.concatenate([maps[a][frontier] for a in range(K)])
            Cv = _row_keys(C)
            u, first = np.unique(Cv, return_index=True)
            pos = np.searchsorted(seen, u)
            pos[pos == len(seen)] = 0
            first = np.sort(first[seen[pos] != u])
            new = C[first]
            blocks.append(new)
            parents.append(base + first % f)
            letters.append(first // f)
            seen = np.sort(np.concatenate([seen, Cv[first]]))
            base, total, frontier = total, total + len(new), new
            depth += 1
            bar.update(len(new), note=f"word length {depth}")
            if limit is not None and total >= limit:
                break
    return np.concatenate(blocks), np.concatenate(parents), np.concatenate(letters)


def schutzenberger_group(
    elements: np.ndarray, image: tuple[int, ...], e: np.ndarray | None = None
) -> tuple[PermutationGroup, list[int]]:
    """The group induced on ``image`` by the rows of ``elements`` that permute it.

    With ``e`` (an idempotent with that image), the rows are first multiplied ``x -> e x e``
    (so the result is the maximal subgroup ``G_e`` when ``elements`` is all of ``M``).
    Returns the group on ``range(len(image))`` and the rows of a generating set.
    """
    X = np.array(image, dtype=np.int64)
    pos = -np.ones(int(elements.max()) + 1 if elements.size else 1, dtype=np.int64)
    pos[X] = np.arange(len(X))
    Y = elements[:, X]
    if e is not None:
        Y = np.asarray(e)[Y]
    ok = (np.sort(Y, axis=1) == X[None, :]).all(axis=1)
    rows = np.nonzero(ok)[0]
    perms = pos[Y[rows]] if len(rows) else np.zeros((0, len(X)), dtype=np.int64)
    _, first = np.unique(perms, axis=0, return_index=True)
    gens: list[Permutation] = []
    gen_rows: list[int] = []
    group = PermutationGroup([Permutation(max(len(X), 1) - 1)])
    for j in sorted(first.tolist()):
        p = Permutation(perms[j].tolist()) if len(X) else Permutation(0)
        if p.is_Identity or group.contains(p):
            continue
        gens.append(p)
        gen_rows.append(int(rows[j]))
        group = PermutationGroup(gens)
    return group, gen_rows


def transition_monoid(dfa: DFA, cap: int = DEFAULT_CAP) -> TransitionMonoid:
    """Enumerate the transition monoid of ``dfa`` (its letter maps as given; minimize first
    for the syntactic monoid) with libsemigroups, raising :class:`MonoidTooLargeError` past
    ``cap`` elements.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> M = transition_monoid(tasks.get("symmetric", n=3).dfa)
    >>> M.size, [g.group.order() for g in M.maximal_subgroups]
    (6, [6])
    """
    return TransitionMonoid(dfa, cap)


def brute_force_monoid(maps: np.ndarray, cap: int = 200_000) -> set[tuple[int, ...]]:
    """Pure-Python closure of the letter maps under composition, identity included (a
    cross-check for tests).

    Examples
    --------
    >>> len(brute_force_monoid(np.array([[1, 2, 0], [0, 0, 2]])))
    24
    """
    rows = [tuple(int(x) for x in t) for t in np.asarray(maps)]
    n = len(rows[0]) if rows else 0
    ident = tuple(range(n))
    seen = {ident}
    queue = deque([ident])
    while queue:
        x = queue.popleft()
        for t in rows:
            y = tuple(t[q] for q in x)
            if y not in seen:
                if len(seen) >= cap:
                    raise MonoidTooLargeError(f"brute force closure passed {cap} elements")
                seen.add(y)
                queue.append(y)
    return seen


@dataclass(frozen=True)
class WitnessSearch:
    """What :func:`witness_search` found (sound facts only; absence proves nothing).

    Attributes
    ----------
    explored : int
        Distinct transformations examined.
    complete : bool
        True when the breadth-first search closed (then it saw the whole monoid).
    period_word, period : list, int
        A word of the largest period found (``period > 1`` proves non-aperiodicity).
    index_word, index : list, int
        A word of the largest index found (a lower bound on ``ind(M)``).
    groups : tuple of MaximalSubgroup
        Groups induced on images ``X = im(tau_w)`` by words stabilizing ``X``: subgroups of
        Schutzenberger groups, so they divide ``M``.
    """

    explored: int
    complete: bool
    period_word: list
    period: int
    index_word: list
    index: int
    groups: tuple[MaximalSubgroup, ...]


def witness_search(dfa: DFA, budget: int = 20_000, random_words: int = 2_000,
                   max_random_length: int = 60, seed: int = 0,
                   max_images: int = 40) -> WitnessSearch:
    """Breadth-first search over distinct word maps (at most ``budget``), then random words.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> w = witness_search(tasks.get("cyclic", n=5).dfa, budget=100)
    >>> w.period, w.complete
    (5, True)
    """
    maps = letter_maps(dfa)
    n, K = dfa.n_states, dfa.n_symbols
    B, parent, letter = bfs_closure(maps, limit=budget + 1)
    complete = len(B) <= budget
    B, parent, letter = B[:budget], parent[:budget], letter[:budget]

    def bfs_word(i: int) -> list[int]:
        out: list[int] = []
        while i > 0:
            out.append(int(letter[i]))
            i = int(parent[i])
        return out[::-1]

    tagged: list[tuple[np.ndarray, int | list[int]]] = [(B[i], i) for i in range(len(B))]
    if not complete:
        rng = np.random.default_rng(seed)
        lengths = rng.integers(1, max_random_length + 1, size=random_words)
        W = rng.integers(0, K, size=(random_words, max_random_length))
        Y = np.tile(np.arange(n, dtype=np.int64), (random_words, 1))
        for t in range(max_random_length):
            active = lengths > t
            Y[active] = maps[W[active, t][:, None], Y[active]]
        keys_b = np.sort(_row_keys(B))
        ky = _row_keys(Y)
        _, first = np.unique(ky, return_index=True)
        pos = np.searchsorted(keys_b, ky[first])
        pos[pos == len(keys_b)] = 0
        for r in np.sort(first[keys_b[pos] != ky[first]]).tolist():
            tagged.append((Y[r], [int(a) for a in W[r, : lengths[r]].tolist()]))

    def word_of(tag: int | list[int]) -> list[int]:
        return bfs_word(tag) if isinstance(tag, int) else list(tag)

    found = [(x, word_of(tag)) for x, tag in tagged]
    E = np.array([f[0] for f in found])
    k, p = element_index_period(E)
    ip, ik = int(np.argmax(p)), int(np.argmax(k))
    # groups on small images first (most informative), dedupe images
    images: dict[tuple[int, ...], int] = {}
    for i in np.argsort([len(set(f[0].tolist())) for f in found], kind="stable").tolist():
        X = tuple(sorted(set(found[i][0].tolist())))
        if len(X) >= 2 and X not in images:
            images[X] = i
        if len(images) >= max_images:
            break
    groups = []
    for X, i in images.items():
        grp, rows = schutzenberger_group(E, X)
        if grp.order() > 1:
            wX = found[i][1]
            groups.append(MaximalSubgroup(X, dfa.decode(wX), grp,
                                          tuple(dfa.decode(found[r][1]) for r in rows)))
    return WitnessSearch(
        explored=len(found), complete=complete,
        period_word=dfa.decode(found[ip][1]), period=int(p[ip]),
        index_word=dfa.decode(found[ik][1]), index=int(k[ik]),
        groups=tuple(groups),
    )


def letter_index_period(dfa: DFA) -> list[tuple[int, int]]:
    """``(index, period)`` per letter (convenience for reports)."""
    return [index_period(t) for t in letter_maps(dfa)]

