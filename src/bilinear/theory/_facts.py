"""The algebraic facts that :func:`bilinear.theory.classify` decides from (internal).

Everything here is proved for the minimal automaton: letter invariants, commutativity (with a
witness), the transition group of a group DFA, the transition monoid when it fits under the cap
(otherwise a witness search), the subgroups found with words that generate them, and the
sound lower-bound facts of docs/explanation/bounds.md#general-bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import DFA
from bilinear.errors import BilinearError, MonoidTooLargeError
from bilinear.theory import groups as gr
from bilinear.theory import representations as rep
from bilinear.theory._witness import Witness
from bilinear.theory.letters import (
    commutation_witness,
    index_period,
    is_permutation,
    letter_infos,
    letter_maps,
    power,
    word_map,
)
from bilinear.theory.monoid import TransitionMonoid, WitnessSearch, witness_search
from bilinear.theory.witnesses import _group_property


@dataclass
class SubgroupFact:
    """A group dividing ``M`` with words generating it (see :mod:`.witnesses`)."""

    group: PermutationGroup
    image_word: list
    generator_words: list
    maximal: bool  # a maximal subgroup of M (or the transition group of a group DFA)
    _cache: dict = field(default_factory=dict, repr=False)

    def prop(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._compute(name)
        return self._cache[name]

    def _compute(self, name: str) -> Any:
        G = self.group
        if name == "abelian":
            return bool(G.is_abelian)
        if name == "solvable":
            return bool(G.is_solvable)
        if name == "g2_abelian":
            return bool(gr.g2_subgroup(G).is_abelian)
        if name == "cyclic_or_dihedral":
            return gr.is_cyclic_or_dihedral(G)
        if name == "a5_type":
            return gr.is_a5(G) or gr.is_a5_times_z2(G)
        if name == "v3_perfect_residual":
            return gr.residual_not_a5_power(G)
        if name == "v3_exponent":
            try:
                return _group_property("v3_exponent", G)
            except BilinearError:
                return False
        raise KeyError(name)

    def witness(self, kind: str) -> Witness:
        return Witness.group(kind, self.image_word, self.generator_words,
                             int(self.group.order()))


#: Memory bounds, in transformation entries held at once (8 bytes each): the enumerated monoid
#: (160 MB) and the witness search's words (32 MB).  For large automata they lower the monoid
#: cap and the search budget, so classification stays bounded in time and memory; the
#: effective values are reported (``monoid_cap`` of the classification).
MAX_MONOID_ENTRIES = 20_000_000
MAX_SEARCH_ENTRIES = 1_000_000


class Facts:
    """Facts about the minimal automaton ``A`` (computed lazily)."""

    def __init__(self, A: DFA, cap: int, group_cap: int, search_budget: int, *,
                 lower_bounds: bool = True) -> None:
        self.A = A
        #: ``False``: the verdicts skip their lower bounds (a planner reads only the
        #: construction and ``dim_upper``), and the witness searches those bounds need.
        self.lower_bounds = lower_bounds
        n = max(A.n_states, 1)
        self.cap = max(1, min(cap, MAX_MONOID_ENTRIES // n))
        self.group_cap = group_cap
        self.search_budget = max(16, min(search_budget, MAX_SEARCH_ENTRIES // n))
        self.n = A.n_states
        self.K = A.n_symbols
        self.maps = letter_maps(A)
        self.infos = letter_infos(A)
        self.comm_witness = commutation_witness(A)
        self.commutative = self.comm_witness is None
        self.group_dfa = all(i.permutation for i in self.infos)
        distinct: dict[bytes, int] = {}
        for a, t in enumerate(self.maps):
            if not self.infos[a].identity:
                distinct.setdefault(t.tobytes(), a)
        self.distinct_letters = sorted(distinct.values())  # one letter per non-identity map
        self.sink = any(all(int(t[q]) == q for t in self.maps) for q in range(self.n))

    # ------------------------------------------------------------------ group DFAs
    @cached_property
    def group(self) -> PermutationGroup | None:
        if not self.group_dfa:
            return None
        return gr.transition_group(self.A)[0]

    @cached_property
    def abelian_factors(self) -> tuple[int, ...] | None:
        """Invariant factors of an abelian transition group (None otherwise)."""
        G = self.group
        if G is None or not G.is_abelian:
            return None
        return gr.abelian_invariant_factors(G)

    @cached_property
    def group_exponent(self) -> int | None:
        G = self.group
        if G is None:
            return None
        if self.abelian_factors is not None:
            return max(self.abelian_factors, default=1)
        if self.monoid is not None:
            return self.monoid.exponent
        return gr.group_exponent(G, self.group_cap)

    @cached_property
    def group_order(self) -> int | None:
        return int(self.group.order()) if self.group is not None else None

    @cached_property
    def table(self) -> rep.CharacterTable | None:
        G = self.group
        if G is None or int(G.order()) > self.group_cap or G.is_abelian:
            return None
        try:
            return rep.character_table(G, self.group_cap)
        except BilinearError:
            return None

    @cached_property
    def f_R(self) -> int | None:
        G = self.group
        if G is None:
            return None
        f = self.abelian_factors
        if f is not None:
            return gr.abelian_cost(f)
        fs = rep.faithful_sum(self.table) if self.table is not None else None
        return fs.dimension if fs else None

    @cached_property
    def f_C(self) -> int | None:
        G = self.group
        if G is None:
            return None
        f = self.abelian_factors
        if f is not None:
            return gr.abelian_rank(f)
        fs = rep.faithful_sum(self.table, complex_field=True) if self.table is not None else None
        return fs.dimension if fs else None

    def f_R_blocks(self, b: int) -> int | None:
        """Least faithful sum of real irreducibles of real dimension <= b (None if none/unknown)."""
        G = self.group
        if G is None:
            return None
        f = self.abelian_factors
        if f is not None:
            return gr.abelian_cost(f) if b >= 2 or all(d == 2 for d in f) else None
        if self.table is None:
            return None
        fs = rep.faithful_sum(self.table, max_dim=b)
        return fs.dimension if fs else None

    @cached_property
    def d_enc(self) -> int | None:
        G = self.group
        if G is None:
            return None
        order = int(G.order())
        if order == self.n:  # regular action
            return self.f_R
        if order * self.n > 4_000_000 or order > self.group_cap:
            return None
        try:
            return rep.d_enc(G, self.group_cap)[0]
        except BilinearError:
            return None

    @cached_property
    def perm_action(self) -> list[Permutation] | None:
        return gr.faithful_block_action(self.group) if self.group is not None else None

    @cached_property
    def perm_degree(self) -> int | None:
        action = self.perm_action
        return int(action[0].size) if action is not None else None

    @cached_property
    def exact_small(self) -> list[tuple[int, str, int]]:
        """Exact integer constructions of a group DFA: (dim, name, largest block)."""
        G = self.group
        if G is None or self.n < 2:
            return []
        out: list[tuple[int, str, int]] = []
        f = self.abelian_factors
        action = self.perm_action
        if f is not None:
            blocks = [b for d in f for b in gr.psi_blocks(d)]
            name = "cyclic_integer" if len(f) == 1 else "abelian_integer"
            out.append((sum(blocks), name, max(blocks)))
        elif gr.is_cyclic_or_dihedral(G) and self.group_order in (6, 8, 12):
            out.append((2, "dihedral_integer", 2))
        elif action is not None and gr.is_symmetric_or_alternating_action(action):
            m = int(action[0].size)
            out.append((m - 1, "sn_standard", m - 1))
        return out

    # ------------------------------------------------------------------ the monoid
    @cached_property
    def monoid(self) -> TransitionMonoid | None:
        try:
            return TransitionMonoid(self.A, self.cap)
        except MonoidTooLargeError:
            return None

    @cached_property
    def search(self) -> WitnessSearch:
        return witness_search(self.A, budget=self.search_budget,
                              random_words=min(2_000, self.search_budget))

    @cached_property
    def subgroups(self) -> list[SubgroupFact]:
        """Groups dividing M with generating words: all maximal subgroups when known."""
        A = self.A
        if self.group_dfa:
            return [SubgroupFact(self.group, [], [[a] for a in A.alphabet], True)]
        out = []
        units = [a for a, i in zip(A.alphabet, self.infos, strict=True) if i.permutation]
        if self.monoid is not None:
            for g in self.monoid.maximal_subgroups:
                if g.group.order() > 1:
                    out.append(SubgroupFact(g.group, g.idempotent_word,
                                            list(g.generator_words), True))
            return out
        if units:
            G = gr.units_group(A)
            if G.order() > 1:
                out.append(SubgroupFact(G, [], [[a] for a in units], False))
        for g in self.search.groups:
            out.append(SubgroupFact(g.group, g.idempotent_word, list(g.generator_words), False))
        return out

    @cached_property
    def units(self) -> SubgroupFact | None:
        """The group of units, generated by the permutation letters (no monoid enumeration).

        ``None`` when it is trivial.  For a group DFA it is the transition group.
        """
        if self.group_dfa:
            return self.subgroups[0]
        A = self.A
        units = [a for a, i in zip(A.alphabet, self.infos, strict=True) if i.permutation]
        if not units:
            return None
        G = gr.units_group(A)
        return SubgroupFact(G, [], [[a] for a in units], False) if G.order() > 1 else None

    def nonabelian_subgroup(self) -> SubgroupFact | None:
        """A non-abelian group dividing ``M``: the units first (from the letters alone), then
        the subgroups found (maximal subgroups when the monoid fits under the cap)."""
        u = self.units
        if u is not None and not u.prop("abelian"):
            return u
        return self.find_subgroup(lambda s: not s.prop("abelian"))

    @property
    def subgroups_complete(self) -> bool:
        """True when every subgroup of M lies in one of :attr:`subgroups` (up to iso)."""
        return self.group_dfa or self.monoid is not None

    def find_subgroup(self, predicate: Callable[[SubgroupFact], bool]) -> SubgroupFact | None:
        for s in self.subgroups:
            if predicate(s):
                return s
        return None

    # ------------------------------------------------------------------ elements
    def period_witness(self, allowed: tuple[int, ...], letters_only: bool = False
                       ) -> Witness | None:
        """A word whose period is not in ``allowed`` (letters first, then monoid/search)."""
        for a, info in enumerate(self.infos):
            if info.period not in allowed:
                return self._pw([self.A.alphabet[a]], info.period, allowed)
        if letters_only:
            return None
        if self.monoid is not None:
            M = self.monoid
            bad = ~np.isin(M.periods, allowed)
            hit = M.element_word_with(bad)
            if hit:
                return self._pw(M.word(hit[0]), int(M.periods[hit[0]]), allowed)
            return None
        s = self.search
        if s.period not in allowed:
            return self._pw(s.period_word, s.period, allowed)
        for g in self.subgroups:  # an element of a found group
            for w in g.generator_words:
                _, p = index_period(self._map(w))
                if p not in allowed:
                    return self._pw(list(w), p, allowed)
        return None

    def _map(self, word: list) -> np.ndarray:
        return word_map(self.A, word)

    def _pw(self, word: list, p: int, allowed: tuple[int, ...]) -> Witness:
        t = self._map(word)
        cycles = []
        seen: set[int] = set()
        k, _ = index_period(t)
        for q in np.unique(power(t, k)).tolist():
            if q in seen:
                continue
            cyc, r = [], q
            while r not in seen:
                seen.add(r)
                cyc.append(self.A.states[r])
                r = int(t[r])
            if len(cyc) > 1:
                cycles.append(cyc)
        return Witness.period_word(word, int(p), allowed, cycles)

    def index_witness(self, bound: int) -> Witness | None:
        """A word whose index exceeds ``bound`` (letters, then monoid/search)."""
        for a, info in enumerate(self.infos):
            if info.index > bound:
                return self._iw([self.A.alphabet[a]], info.index, bound)
        if self.group_dfa:  # permutations have index 0
            return None
        if self.monoid is not None:
            M = self.monoid
            hit = M.element_word_with(M.indices > bound)
            return self._iw(M.word(hit[0]), int(M.indices[hit[0]]), bound) if hit else None
        s = self.search
        if s.index > bound:
            return self._iw(s.index_word, s.index, bound)
        return None

    def _iw(self, word: list, k: int, bound: int) -> Witness:
        return Witness.index_word(word, int(k), int(bound))

    @cached_property
    def max_index_known(self) -> int:
        """A proved lower bound on ind(M) (exact when the monoid was enumerated)."""
        if self.group_dfa:
            return 0
        if self.monoid is not None:
            return self.monoid.max_index
        return max([i.index for i in self.infos] + [self.search.index])

    @property
    def index_bound_note(self) -> str:
        """How ``max_index_known`` was obtained: empty when exact, else where the search stopped."""
        if self.group_dfa or self.monoid is not None:
            return ""
        s = self.search
        if s.complete:
            return ""
        return (f"lower bound >= {self.max_index_known} (search stopped at {s.explored} "
                f"transformations, budget {self.search_budget}; the monoid passed its cap "
                f"of {self.cap} elements: classify(..., cap=N) raises it up to "
                f"{MAX_MONOID_ENTRIES} entries / |Q|)")

    @cached_property
    def aperiodic(self) -> bool | None:
        if any(i.period > 1 for i in self.infos):
            return False
        if self.monoid is not None:
            return self.monoid.is_aperiodic
        return False if self.search.period > 1 else None

    def all_letter(self, attr: str) -> bool:
        return all(getattr(i, attr) for i in self.infos)

    def letter_is_perm(self, a: int) -> bool:
        return is_permutation(self.maps[a])
