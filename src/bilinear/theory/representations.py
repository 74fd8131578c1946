"""Characters, real irreducibles and minimal faithful degrees
(docs/explanation/bounds.md#group-dfas, #faithful-degrees,
docs/explanation/algebra.md#rep-computations).

The character table is computed with Burnside's algorithm: exact integer class structure
constants, then the common eigenvectors of the class matrices.  The eigenvectors are found in
floating point, but every *decision* is taken on integers with a wide margin and checked:
degrees are integers (``sum chi(1)^2 = |G|`` is verified), Frobenius-Schur indicators are in
``{-1, 0, 1}``, orthogonality holds to ``1e-8``, and a kernel test ``chi(g) = chi(1)`` is
separated from the alternatives by at least ``1 - cos(2 pi / exp(G))``.  A table that fails a
check raises :class:`InvalidGroupError` rather than returning a guess.

Examples
--------
>>> from sympy.combinatorics.named_groups import SymmetricGroup, AlternatingGroup
>>> from sympy.combinatorics.named_groups import DihedralGroup
>>> [f_R(G) for G in (SymmetricGroup(4), AlternatingGroup(5), DihedralGroup(5))]
[3, 3, 2]
>>> ct = character_table(SymmetricGroup(3))
>>> sorted(ct.degrees), [r.real_dim for r in real_irreps(ct)]
([1, 1, 2], [1, 1, 2])
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sympy.combinatorics import PermutationGroup

from bilinear.errors import InvalidGroupError
from bilinear.theory.groups import (
    GROUP_CAP,
    abelian_cost,
    abelian_invariant_factors,
    abelian_rank,
)

__all__ = [
    "CharacterTable",
    "RealIrrep",
    "FaithfulSum",
    "character_table",
    "real_irreps",
    "minimal_normal_subgroups",
    "faithful_sum",
    "f_R",
    "f_C",
    "d_enc",
    "isotypic_partitions",
    "orbitals",
    "real_irrep_matrices",
    "IsotypicComponent",
    "permutation_module_decomposition",
]

_TOL = 1e-7


@dataclass(frozen=True, eq=False)
class CharacterTable:
    """The complex character table of a permutation group.

    Attributes
    ----------
    order : int
    elements : ndarray
        ``(|G|, n)`` array of all elements (``elements[0]`` is the identity).
    class_of : ndarray
        Class index of every element.
    class_sizes : tuple of int
    square_class : tuple of int
        Class of ``g^2`` for ``g`` in each class (the power map).
    chars : ndarray
        ``(c, c)`` complex; ``chars[i, k]`` is ``chi_i`` on class ``k``.
    degrees : tuple of int
    indicators : tuple of int
        Frobenius-Schur indicators (1 real, 0 complex, -1 quaternionic).
    kernels : tuple of frozenset
        Classes in each kernel.
    """

    order: int
    elements: np.ndarray
    class_of: np.ndarray
    class_sizes: tuple[int, ...]
    square_class: tuple[int, ...]
    chars: np.ndarray
    degrees: tuple[int, ...]
    indicators: tuple[int, ...]
    kernels: tuple[frozenset, ...]

    def __post_init__(self) -> None:
        if sum(d * d for d in self.degrees) != self.order:
            raise InvalidGroupError("character degrees do not satisfy sum chi(1)^2 = |G|")


def _elements(G: PermutationGroup, cap: int) -> np.ndarray:
    order = int(G.order())
    if order > cap:
        raise InvalidGroupError(f"group of order {order} is larger than the cap {cap}")
    n = G.degree
    ident = tuple(range(n))
    elems = [ident]
    seen = {ident}
    gens = [tuple(g.array_form) for g in G.generators]
    i = 0
    while i < len(elems):
        x = elems[i]
        for s in gens:
            y = tuple(s[q] for q in x)  # "x then s"
            if y not in seen:
                seen.add(y)
                elems.append(y)
        i += 1
    return np.array(elems, dtype=np.int64)


@lru_cache(maxsize=32)
def _table_cached(key: tuple, cap: int) -> CharacterTable:
    gens, n = key
    G = PermutationGroup([__import__("sympy").combinatorics.Permutation(list(g)) for g in gens]
                         or [__import__("sympy").combinatorics.Permutation(n - 1)])
    return _compute_table(G, cap)


def character_table(G: PermutationGroup, cap: int = GROUP_CAP) -> CharacterTable:
    """The character table of ``G`` (Burnside's algorithm with checks; cached per generators).

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import AlternatingGroup
    >>> ct = character_table(AlternatingGroup(4))
    >>> sorted(ct.degrees), sorted(ct.indicators)
    ([1, 1, 1, 3], [0, 0, 1, 1])
    """
    key = (tuple(tuple(g.array_form) for g in G.generators), G.degree)
    return _table_cached(key, cap)


def _compute_table(G: PermutationGroup, cap: int) -> CharacterTable:
    E = _elements(G, cap)
    m, n = E.shape
    index = {E[i].tobytes(): i for i in range(m)}
    inv = np.empty_like(E)
    inv[np.arange(m)[:, None], E] = np.arange(n)[None, :]
    gens = [np.array(g.array_form, dtype=np.int64) for g in G.generators]
    # conjugacy classes: closure under x -> s^-1 x s
    class_of = -np.ones(m, dtype=np.int64)
    sizes: list[int] = []
    for i in range(m):
        if class_of[i] >= 0:
            continue
        c = len(sizes)
        class_of[i] = c
        stack, count = [i], 1
        while stack:
            x = E[stack.pop()]
            for s in gens:
                sinv = np.argsort(s)
                y = s[x[sinv]]  # s^-1 then x then s
                j = index[y.tobytes()]
                if class_of[j] < 0:
                    class_of[j] = c
                    stack.append(j)
                    count += 1
        sizes.append(count)
    c = len(sizes)
    reps = [int(np.nonzero(class_of == k)[0][0]) for k in range(c)]
    square = tuple(int(class_of[index[E[r][E[r]].tobytes()]]) for r in reps)
    # structure constants a[j, i, k] = #{(x, y) in K_j x K_i : x y = g_k}
    a = np.zeros((c, c, c), dtype=np.int64)
    for k, r in enumerate(reps):
        g = E[r]
        Z = g[inv]  # x^-1 then g
        cz = np.fromiter((class_of[index[z.tobytes()]] for z in Z), dtype=np.int64, count=m)
        np.add.at(a, (class_of, cz, np.full(m, k)), 1)
    sizes_arr = np.array(sizes, dtype=float)
    rng = np.random.default_rng(12345)
    for _attempt in range(8):
        coeff = rng.standard_normal(c)
        Mx = np.tensordot(coeff, a.astype(float), axes=(0, 0))  # Mx[i, k]
        vals, vecs = np.linalg.eig(Mx)
        if c > 1 and np.min(np.abs(vals[:, None] - vals[None, :]) + np.eye(c) * 1e9) < 1e-6:
            continue
        omega = (vecs / vecs[0, :][None, :]).T  # omega[i, k], omega[i, identity] = 1
        norm = (np.abs(omega) ** 2 / sizes_arr[None, :]).sum(axis=1)
        deg_f = np.sqrt(m / norm)
        degrees = np.rint(deg_f).astype(int)
        if np.max(np.abs(deg_f - degrees)) > 1e-6 or int((degrees**2).sum()) != m:
            continue
        chars = degrees[:, None] * omega / sizes_arr[None, :]
        gram = (chars * sizes_arr[None, :]) @ chars.conj().T / m
        if np.max(np.abs(gram - np.eye(c))) > 1e-8:
            continue
        ind_f = (chars[:, list(square)] * sizes_arr[None, :]).sum(axis=1) / m
        indicators = np.rint(ind_f.real).astype(int)
        if np.max(np.abs(ind_f - indicators)) > 1e-6:
            continue
        order_key = np.lexsort((np.round(chars.imag, 6).sum(axis=1), degrees))
        chars, degrees, indicators = chars[order_key], degrees[order_key], indicators[order_key]
        kernels = tuple(frozenset(np.nonzero(np.abs(row - row[0]) < _TOL)[0].tolist())
                        for row in chars)
        E.setflags(write=False)
        return CharacterTable(m, E, class_of, tuple(sizes), square, chars,
                              tuple(int(d) for d in degrees),
                              tuple(int(v) for v in indicators), kernels)
    raise InvalidGroupError("the character table computation did not pass its checks")


@dataclass(frozen=True)
class RealIrrep:
    """A real irreducible representation: ``chi`` (``+ conj(chi)`` for complex type).

    ``kind`` is ``"real"``, ``"complex"`` or ``"quaternionic"``; ``real_dim`` is ``chi(1)``
    for real type and ``2 chi(1)`` otherwise; ``complex_chars`` are the complex constituents
    (indices into the table).
    """

    complex_chars: tuple[int, ...]
    kind: str
    real_dim: int
    kernel: frozenset

    def __post_init__(self) -> None:
        if self.kind not in ("real", "complex", "quaternionic") or self.real_dim < 1:
            raise InvalidGroupError(f"bad real irreducible {self!r}")


def real_irreps(ct: CharacterTable) -> list[RealIrrep]:
    """The real irreducible representations of the group of ``ct``
    (docs/explanation/bounds.md#faithful-degrees)."""
    out = []
    used: set[int] = set()
    conj = {}
    for i, row in enumerate(ct.chars):
        for j, other in enumerate(ct.chars):
            if np.max(np.abs(other - row.conj())) < _TOL:
                conj[i] = j
    for i, nu in enumerate(ct.indicators):
        if i in used:
            continue
        d = ct.degrees[i]
        if nu == 1:
            out.append(RealIrrep((i,), "real", d, ct.kernels[i]))
        elif nu == -1:
            out.append(RealIrrep((i,), "quaternionic", 2 * d, ct.kernels[i]))
        else:
            j = conj[i]
            used.add(j)
            out.append(RealIrrep((i, j), "complex", 2 * d, ct.kernels[i]))
        used.add(i)
    return out


def minimal_normal_subgroups(ct: CharacterTable) -> list[frozenset]:
    """Minimal normal subgroups, as sets of classes (intersections of kernels)."""
    everything = frozenset(range(len(ct.class_sizes)))
    normals = {everything}
    frontier = [everything]
    while frontier:
        new = []
        for N in frontier:
            for K in set(ct.kernels):
                M = N & K
                if M not in normals:
                    normals.add(M)
                    new.append(M)
        frontier = new
    nontrivial = [N for N in normals if N != frozenset({0})]
    return [N for N in nontrivial if not any(M < N for M in nontrivial)]


@dataclass(frozen=True)
class FaithfulSum:
    """A faithful sum of real irreducibles of least total real dimension."""

    dimension: int
    irreps: tuple[RealIrrep, ...]


def faithful_sum(ct: CharacterTable, max_dim: int | None = None,
                 complex_field: bool = False) -> FaithfulSum | None:
    """Least-dimensional faithful sum of irreducibles (weighted set cover,
    docs/explanation/bounds.md#faithful-degrees).

    With ``max_dim`` only summands of real dimension ``<= max_dim`` are used; with
    ``complex_field`` the complex irreducibles are used and dimensions are complex.
    Returns ``None`` when no such sum is faithful.
    """
    trivial = frozenset({0})
    items: list[tuple[int, frozenset[int], RealIrrep | tuple[int]]]
    if complex_field:
        items = [(ct.degrees[i], ct.kernels[i], (i,)) for i in range(len(ct.degrees))]
    else:
        items = [(r.real_dim, r.kernel, r) for r in real_irreps(ct)]
    if max_dim is not None:
        items = [it for it in items if it[0] <= max_dim]
    start = frozenset(range(len(ct.class_sizes)))
    found = _cheapest_cover(start, lambda K: K == trivial, [(w, ker) for w, ker, _ in items],
                            lambda K, ker: K & ker)
    if found is None:
        return None
    cost, chosen = found
    irr = tuple(x for x in (items[i][2] for i in chosen) if isinstance(x, RealIrrep))
    return FaithfulSum(cost, irr)


def _cheapest_cover(
    start: Any,
    done: Callable[[Any], bool],
    items: list[tuple[int, Any]],
    meet: Callable[[Any, Any], Any],
) -> tuple[int, list[int]] | None:
    """Least total weight of items whose successive ``meet`` with ``start`` reaches ``done``.

    Dijkstra over the meet-semilattice of partial covers (the weighted set cover of
    docs/explanation/bounds.md#faithful-degrees).  ``items`` are ``(weight, element)`` pairs;
    returns the cost and the indices of the chosen items (last chosen first), or ``None`` when
    ``done`` is unreachable.
    """
    dist = {start: 0}
    back: dict[Any, tuple[Any, int]] = {}
    heap = [(0, 0, start)]
    tick = 1
    while heap:
        d, _, K = heapq.heappop(heap)
        if d > dist.get(K, math.inf):
            continue
        if done(K):
            chosen = []
            while K in back:
                K, idx = back[K]
                chosen.append(idx)
            return d, chosen
        for idx, (w, element) in enumerate(items):
            K2 = meet(K, element)
            if K2 != K and d + w < dist.get(K2, math.inf):
                dist[K2] = d + w
                back[K2] = (K, idx)
                heapq.heappush(heap, (d + w, tick, K2))
                tick += 1
    return None


def f_R(G: PermutationGroup, cap: int = GROUP_CAP) -> int:
    """Minimal degree of a faithful real representation of ``G``
    (docs/explanation/bounds.md#faithful-degrees).

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import AbelianGroup
    >>> [f_R(AbelianGroup(*x)) for x in [(6,), (2, 4), (2, 2, 2), (3, 3)]]
    [2, 3, 3, 4]
    """
    if G.is_abelian:
        return abelian_cost(abelian_invariant_factors(G))
    fs = faithful_sum(character_table(G, cap))
    assert fs is not None  # the regular representation is faithful
    return fs.dimension


def f_C(G: PermutationGroup, cap: int = GROUP_CAP) -> int:
    """Minimal degree of a faithful complex representation (``d(G)`` for abelian ``G``).

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import AlternatingGroup
    >>> f_C(AlternatingGroup(5))
    3
    """
    if G.is_abelian:
        return abelian_rank(abelian_invariant_factors(G))
    fs = faithful_sum(character_table(G, cap), complex_field=True)
    assert fs is not None
    return fs.dimension


def isotypic_partitions(G: PermutationGroup, cap: int = GROUP_CAP
                        ) -> list[tuple[RealIrrep, tuple[int, ...]]]:
    """For each real irreducible in ``R^Q`` (``Q`` = the points of ``G``), the partition of
    ``Q`` by equal isotypic projections of the basis vectors (docs/explanation/bounds.md#group-dfas
    (step 2))."""
    ct = character_table(G, cap)
    E = ct.elements
    m, n = E.shape
    out = []
    for r in real_irreps(ct):
        psi = ct.chars[list(r.complex_chars)].sum(axis=0).real[ct.class_of]
        cols = np.stack([np.bincount(E[:, q], weights=psi, minlength=n) for q in range(n)])
        if np.max(np.abs(cols)) < _TOL:
            continue
        keys = [tuple(np.round(c, 6).tolist()) for c in cols]
        ids: dict[tuple, int] = {}
        out.append((r, tuple(ids.setdefault(k, len(ids)) for k in keys)))
    return out


def d_enc(G: PermutationGroup, cap: int = GROUP_CAP) -> tuple[int, tuple[RealIrrep, ...]]:
    """``d_enc`` of the transitive group automaton on the points of ``G``
    (docs/explanation/bounds.md#group-dfas).

    The least real dimension of a G-module with a vector whose stabilizer is exactly the
    point stabilizer: a weighted set cover over isotypic partitions.

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import AlternatingGroup, SymmetricGroup
    >>> d_enc(AlternatingGroup(5))[0], d_enc(SymmetricGroup(5))[0]
    (4, 4)
    """
    if not G.is_transitive():
        raise InvalidGroupError("d_enc needs a transitive group")
    n = G.degree
    parts = isotypic_partitions(G, cap)
    start = tuple([0] * n)
    discrete = tuple(range(n))

    def meet(p: tuple[int, ...], q: tuple[int, ...]) -> tuple[int, ...]:
        ids: dict[tuple[int, int], int] = {}
        return tuple(ids.setdefault((a, b), len(ids)) for a, b in zip(p, q, strict=True))

    found = _cheapest_cover(start, lambda P: P == discrete or n == 1,
                            [(r.real_dim, part) for r, part in parts], meet)
    if found is not None:
        cost, chosen = found
        return cost, tuple(parts[i][0] for i in chosen)
    raise InvalidGroupError("no isotypic cover separates the points (is the action faithful?)")


def orbitals(G: PermutationGroup) -> list[list[tuple[int, int]]]:
    """The orbitals (G-orbits on ``Q x Q``); their 0/1 matrices span ``End_G(R^Q)``
    (docs/explanation/algebra.md#rep-computations)."""
    n = G.degree
    gens = [g.array_form for g in G.generators]
    seen: dict[tuple[int, int], int] = {}
    out: list[list[tuple[int, int]]] = []
    for p in range(n):
        for q in range(n):
            if (p, q) in seen:
                continue
            orb = [(p, q)]
            seen[(p, q)] = len(out)
            i = 0
            while i < len(orb):
                x, y = orb[i]
                for s in gens:
                    z = (s[x], s[y])
                    if z not in seen:
                        seen[z] = len(out)
                        orb.append(z)
                i += 1
            out.append(orb)
    return out


def real_irrep_matrices(G: PermutationGroup, irrep: RealIrrep, cap: int = 5_000,
                        seed: int = 0) -> list[np.ndarray]:
    """Orthogonal float matrices of one copy of a real irreducible, one per generator of ``G``.

    Built inside the regular representation (docs/explanation/algebra.md#rep-computations): the
    isotypic projector, then an eigenspace of a generic symmetric element of the commutant.
    Convention: ``A(g) e_x = e_{x g}`` on the regular module, so the matrices compose like the
    automaton (``A(gh) = A(h) A(g)``).  For constructions; decisions never depend on these floats.
    """
    ct = character_table(G, cap)
    E = ct.elements
    m, n = E.shape
    index = {E[i].tobytes(): i for i in range(m)}
    psi = ct.chars[list(irrep.complex_chars)].sum(axis=0).real[ct.class_of]
    # right-regular action matrices R_g: e_x -> e_{x g}
    def right(g: np.ndarray) -> np.ndarray:
        R = np.zeros((m, m))
        for x in range(m):
            R[index[g[E[x]].tobytes()], x] = 1.0
        return R

    def left(g: np.ndarray) -> np.ndarray:  # commutes with right: e_x -> e_{g^-1 x}
        ginv = np.argsort(g)
        L = np.zeros((m, m))
        for x in range(m):
            L[index[E[x][ginv].tobytes()], x] = 1.0
        return L

    d_chi = ct.degrees[irrep.complex_chars[0]]
    # projector via class functions: P = (d/|G|) sum_g psi(g) R_g, built column-wise
    P = np.zeros((m, m))
    for x in range(m):
        for i in range(m):
            P[index[E[i][E[x]].tobytes()], x] += psi[i]
    P *= d_chi / m
    rng = np.random.default_rng(seed)
    X = np.zeros((m, m))
    for i in range(m):
        L = left(E[i])
        X += rng.standard_normal() * (L + L.T)
    Y = P @ X @ P + 1e3 * (np.eye(m) - P)
    vals, vecs = np.linalg.eigh(Y)
    v0 = vals[0]
    basis = vecs[:, np.abs(vals - v0) < 1e-6]
    if basis.shape[1] != irrep.real_dim:
        raise InvalidGroupError("could not isolate the irreducible (degenerate commutant element)")
    return [basis.T @ right(np.array(g.array_form)) @ basis for g in G.generators]


@dataclass(frozen=True, eq=False)
class IsotypicComponent:
    """One isotypic component of the permutation module ``R^Q``
    (docs/explanation/algebra.md#rep-computations).

    ``basis`` is an orthonormal ``(n, m * d)`` float basis of the component and ``copies`` are
    ``m`` orthonormal ``(n, d)`` bases of irreducible submodules (``d = irrep.real_dim``).
    Float data for constructions: every decision is taken on the exact character table.
    """

    irrep: RealIrrep
    multiplicity: int
    basis: np.ndarray
    copies: tuple[np.ndarray, ...]


def permutation_module_decomposition(G: PermutationGroup, cap: int = GROUP_CAP,
                                     seed: int = 0) -> list[IsotypicComponent]:
    """Real irreducible decomposition of ``R^Q`` for ``G`` acting on its points
    (docs/explanation/algebra.md#rep-computations).

    Isotypic projectors from the character table; inside each component, the eigenspaces of
    a generic symmetric element of the commutant (spanned by the orbital matrices) are
    irreducible.  ``P_g e_q = e_{q.g}``.

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import SymmetricGroup
    >>> [(c.irrep.real_dim, c.multiplicity) for c in
    ...  permutation_module_decomposition(SymmetricGroup(4))]
    [(1, 1), (3, 1)]
    """
    ct = character_table(G, cap)
    E = ct.elements
    m, n = E.shape
    rng = np.random.default_rng(seed)
    X = np.zeros((n, n))
    for orb in orbitals(G):
        c = rng.standard_normal()
        for p, q in orb:
            X[p, q] += c
            X[q, p] += c
    out = []
    for r in real_irreps(ct):
        psi = ct.chars[list(r.complex_chars)].sum(axis=0).real[ct.class_of]
        d_chi = ct.degrees[r.complex_chars[0]]
        P = np.stack([np.bincount(E[:, q], weights=psi, minlength=n) for q in range(n)],
                     axis=1) * (d_chi / m)
        vals, vecs = np.linalg.eigh((P + P.T) / 2)
        B = vecs[:, vals > 0.5]
        if B.shape[1] == 0:
            continue
        mult = B.shape[1] // r.real_dim
        if mult * r.real_dim != B.shape[1]:
            raise InvalidGroupError("isotypic component of unexpected dimension")
        w, V = np.linalg.eigh(B.T @ X @ B)
        copies, i = [], 0
        while i < len(w):
            j = i
            while j < len(w) and abs(w[j] - w[i]) < 1e-6:
                j += 1
            copies.append(B @ V[:, i:j])
            i = j
        if any(c.shape[1] != r.real_dim for c in copies):
            raise InvalidGroupError("could not split the isotypic component (degenerate "
                                    "commutant element); try another seed")
        out.append(IsotypicComponent(r, mult, B, tuple(copies)))
    return out
