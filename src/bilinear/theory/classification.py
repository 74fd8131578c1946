"""``classify(dfa, notion)``: the place of an automaton in the hierarchy
(docs/explanation/levels.md, docs/explanation/bounds.md,
docs/explanation/algebra.md#class-assignment).

Always on the minimal automaton of the labels.  Per level: a verdict (``"yes"``, ``"no"``,
``"unknown"``), a real dimension upper bound with the construction that reaches it, a lower
bound with the theorem used, and for every ``"no"`` a witness (:mod:`bilinear.theory.witnesses`).
The open problems of docs/explanation/open-problems.md stay ``"unknown"``.

Dimensions are real dimensions of ``h`` (a complex unit counts 2) for the decoder of
docs/explanation/conventions.md as :mod:`bilinear.constructions` implements it: ``argmax`` over
readout rows (one row per codeword, several rows may carry one label), no bias, ties are failures
(docs/explanation/conventions.md#decoding).  So a code vector may never be 0, and constructions with
"seen" or threshold coordinates carry one constant coordinate (``A(a) = 1`` on it) as the bias of
docs/explanation/conventions.md#readout-bias; docs/explanation/levels.md#examples writes these as "1
(+1 bias)".  Lower bounds hold for every decoder.  ``levels["full"]["dim_enc_upper"]`` /
``["dim_enc_lower"]`` are ``d_enc`` (docs/explanation/bounds.md#d-enc, decoder ``D_aff``).

The construction names (``LevelVerdict.construction``) are the contract with
:mod:`bilinear.constructions`:

``one_hot``
    one-hot codes, ``H = |Q|`` (docs/explanation/constructions.md#one-hot);
``sink_zero``
    (block only) one-hot on the non-sink states (the sink encoded as 0) in one block of size
    ``|Q| - 1``, plus a constant coordinate: ``H = |Q|`` (docs/explanation/bounds.md#d-enc-search);
``seen_indicator``
    ``lambda in {0, 1}``, one coordinate per distinct non-identity letter, plus the constant
    coordinate (docs/explanation/levels.md#pdiag);
``threshold_half``
    ``lambda = 1/2`` per distinct non-identity letter, plus the constant coordinate
    (docs/explanation/levels.md#pdiag, Sim_rob);
``parity_sign``
    ``lambda = -1``, one coordinate (Z_2);
``abelian_snf``
    rotation / sign blocks of :func:`~bilinear.theory.groups.abelian_r2_packing` packed as real R2
    blocks, ``H = cost(G)`` (docs/explanation/levels.md#cdiag,
    docs/explanation/constructions.md#abelian);
``cyclic_rotation``
    one 2 x 2 rotation for ``Z_n`` (docs/explanation/constructions.md#cyclic);
``parity_seen``
    per distinct letter: ``-1`` coordinate if period 2, ``0/1`` coordinate if not a permutation
    (docs/explanation/levels.md#rdiag); plus the constant coordinate when some letter is not a
    permutation (the same for the three next ones);
``threshold_parity``
    the same with ``1/2`` instead of ``0`` (docs/explanation/levels.md#rdiag, Sim_rob);
``phase_seen``
    per distinct letter: phase ``e^{2 pi i / p}`` (1 real coordinate if ``p = 2``, 2 if ``p >= 3``)
    plus a ``0/1`` coordinate if not a permutation (docs/explanation/levels.md#cdiag);
``threshold_phase``
    the same with ``1/2`` (docs/explanation/levels.md#cdiag, Sim_rob);
``irrep_sum``
    a faithful sum of real irreducibles of the transition group acting on a generic vector (tracks
    the group element), ``H = f_R`` (docs/explanation/bounds.md#group-dfas,
    docs/explanation/constructions.md#general-group); for ``block`` the summands have dimension
    ``<= b``;
``irrep_sum_enc``
    state-determined: the least sum of isotypic pieces separating the states, ``H = d_enc``
    (docs/explanation/bounds.md#group-dfas);
``a5_icosahedral``
    the icosahedral rotation group in ``SO(3)``, entries in ``Q(sqrt 5)``, tracking the element of
    ``A_5`` (docs/explanation/constructions.md#icosahedral), ``H = 3``;
``reset_line``
    every letter is the identity or a constant map (flip-flops): codes
    ``v_q = (1, cos t_q, sin t_q)`` on a circle in the plane ``l . v = 1`` (``l = e_1``),
    ``A(set_q) = v_q l^T``, ``A(id) = I``, ``H = 3`` (docs/explanation/constructions.md#resets);
``reset_bits``
    the same automata: one 2-state flip-flop block (codes ``e_0, e_1``,
    ``A(set_q) = e_{bit_i(q)} 1^T``) per bit of the state index, ``H = 2 ceil(log2 |Q|)``, blocks
    of size 2, integer;
``q8_cover``
    ``D_4 + Z_4`` in two 2 x 2 blocks (docs/explanation/levels.md#block,
    docs/explanation/constructions.md#quaternion);
``quaternion_left``
    left multiplication on the quaternions, ``H = 4``
    (docs/explanation/constructions.md#quaternion);
``permutation``
    permutation matrices of a faithful action on blocks of the states with a generic ``h0``
    (docs/explanation/levels.md#orthogonal), ``H`` = its degree
    (:func:`~bilinear.theory.groups.faithful_block_action` gives the action);
``cyclic_integer``
    exact integer blocks for ``Z_n``: companion matrices of ``Phi_{p^k}``
    (:func:`~bilinear.theory.groups.psi_blocks`), ``H = psi(n)`` (6.3 iii);
``abelian_integer``
    the same per invariant factor;
``dihedral_integer``
    integer 2 x 2 matrices for ``D_3, D_4, D_6`` (docs/explanation/constructions.md#dihedral);
``sn_standard``
    the standard representation of ``S_m`` / ``A_m`` on the sum-zero lattice of a faithful action
    on ``m`` points, ``H = m - 1`` (docs/explanation/constructions.md#symmetric).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sympy.combinatorics import PermutationGroup

from bilinear._progress import Progress
from bilinear._validation import check_bool, check_choice, check_positive_int
from bilinear.automata import DFA
from bilinear.errors import InvalidArgumentError
from bilinear.theory import groups as gr
from bilinear.theory._facts import Facts
from bilinear.theory._witness import Witness
from bilinear.theory.hierarchy import check_notion, level_names
from bilinear.theory.letters import minimal_automaton
from bilinear.theory.representations import f_R
from bilinear.vocabulary import (
    CHAIN,
    CONSTRUCTION_PRIORITY,
    DIAGONAL_LEVELS,
    REAL_DIAGONAL_LEVELS,
    VERDICTS,
)

__all__ = ["LevelVerdict", "Classification", "classify", "classify_level", "smallest_block",
           "DEFAULT_CLASSIFY_CAP"]

#: Monoid size cap used by :func:`classify` (beyond it: witness search).
DEFAULT_CLASSIFY_CAP = 100_000


@dataclass(frozen=True)
class LevelVerdict:
    """The verdict of one level.

    Attributes
    ----------
    verdict : str
        ``"yes"``, ``"no"`` or ``"unknown"``.
    dim_upper, dim_lower : int or None
        Real dimension reached by ``construction`` / proved necessary by ``theorem``.
    reason : str
        Why, in one or two sentences.
    theorem : str
        The statement (with its docs page and status) behind the verdict and bound.
    construction : str or None
        The construction reaching ``dim_upper`` (see the module docstring).
    witness : Witness or None
        For ``"no"``: a checkable :class:`~bilinear.theory.witnesses.Witness` (a dict given
        here is read with ``Witness.from_dict``).
    extra : dict
        Level-specific data (``block_size``, ``rank_upper``, ``dim_enc_upper``, ...).

    Examples
    --------
    >>> v = LevelVerdict("no", reason="r", witness={"kind": "period", "words": [["1"]],
    ...                                             "period": 2, "allowed_periods": [1]})
    >>> type(v.witness).__name__, v.to_dict()["witness"]["period"]
    ('Witness', 2)
    >>> LevelVerdict.from_dict(v.to_dict()) == v
    True
    """

    verdict: str
    dim_upper: int | None = None
    dim_lower: int | None = None
    reason: str = ""
    theorem: str = ""
    construction: str | None = None
    witness: Witness | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice(self.verdict, VERDICTS, "verdict")
        if self.witness is not None and not isinstance(self.witness, Witness):
            object.__setattr__(self, "witness", Witness.from_dict(self.witness))
        if self.verdict == "no" and not self.witness:
            raise InvalidArgumentError("a 'no' verdict needs a witness")
        if self.verdict != "yes" and self.dim_upper is not None:
            raise InvalidArgumentError("only a 'yes' has a dimension upper bound")
        if (self.dim_upper is not None and self.dim_lower is not None
                and self.dim_lower > self.dim_upper):
            raise InvalidArgumentError(
                f"lower bound {self.dim_lower} exceeds upper bound {self.dim_upper}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (docs/reference/formats.md#classification-json)."""
        d: dict[str, Any] = {
            "verdict": self.verdict, "dim_upper": self.dim_upper, "dim_lower": self.dim_lower,
            "reason": self.reason, "theorem": self.theorem, "construction": self.construction,
        }
        if self.witness is not None:
            d["witness"] = self.witness.to_dict()
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LevelVerdict:
        """The inverse of :meth:`to_dict` (the keys beyond the fields go back into ``extra``)."""
        if not isinstance(d, Mapping) or "verdict" not in d:
            raise InvalidArgumentError(f"a level verdict must be a dict with a verdict, got {d!r}")
        core = ("verdict", "dim_upper", "dim_lower", "reason", "theorem", "construction")
        witness = d.get("witness")
        return cls(d["verdict"], d.get("dim_upper"), d.get("dim_lower"), d.get("reason", ""),
                   d.get("theorem", ""), d.get("construction"),
                   witness=None if witness is None else Witness.from_dict(witness),
                   extra={k: v for k, v in d.items() if k not in core + ("witness",)})


@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify` (schema: docs/reference/formats.md#classification-json)."""

    task: str | None
    states: int
    alphabet: tuple
    notion: str
    algebra: dict
    levels: dict
    minimal_level: str | None
    block_size: int | None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_notion(self.notion)
        missing = [n for n in level_names() if n not in self.levels]
        if missing:
            raise InvalidArgumentError(f"levels missing from the classification: {missing}")

    def __repr__(self) -> str:
        """A one-line summary, e.g. ``<Classification cyclic:n=5 fin minimal_level=...>``."""
        return (f"<Classification {self.task or 'automaton'} {self.notion} "
                f"minimal_level={self.minimal_level}>")

    def _repr_markdown_(self) -> str:
        """The verdict table (Jupyter renders it)."""
        def cell(value: Any) -> str:
            return "-" if value is None else str(value).replace("|", "\\|")

        lines = [f"**{cell(self.task or 'automaton')}** ({self.notion}, {self.states} states): "
                 f"minimal level **{cell(self.minimal_level)}**", "",
                 "| level | verdict | dim | lower | construction | reason |",
                 "|---|---|---|---|---|---|"]
        for name, v in self.levels.items():
            label = name + (f" (b = {v.extra['block_size']})" if "block_size" in v.extra else "")
            lines.append(f"| {label} | {v.verdict} | {cell(v.dim_upper)} | {cell(v.dim_lower)} | "
                         f"{cell(v.construction)} | {cell(v.reason)} |")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bilinear classify --json``."""
        out = {
            "task": self.task, "states": self.states, "alphabet": list(self.alphabet),
            "notion": self.notion, "algebra": dict(self.algebra),
            "levels": {n: self.levels[n].to_dict() for n in level_names()},
            "minimal_level": self.minimal_level, "block_size": self.block_size,
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Classification:
        """The inverse of :meth:`to_dict` (e.g. the JSON of a worker process).

        Keys beyond the fields go back into ``extra``; levels become :class:`LevelVerdict`.

        Examples
        --------
        >>> import json
        >>> from bilinear.automata import tasks
        >>> c = classify(tasks.get("flip_flop").dfa)
        >>> back = Classification.from_dict(json.loads(json.dumps(c.to_dict())))
        >>> back == c, type(back.levels["positive_diagonal"].witness).__name__
        (True, 'Witness')
        """
        if not isinstance(d, Mapping):
            raise InvalidArgumentError(f"a classification must be a dict, got {type(d).__name__}")
        core = ("task", "states", "alphabet", "notion", "algebra", "levels", "minimal_level",
                "block_size")
        missing = [k for k in core if k not in d]
        if missing:
            raise InvalidArgumentError(f"keys missing from the classification: {missing}")
        return cls(task=d["task"], states=d["states"], alphabet=tuple(d["alphabet"]),
                   notion=d["notion"], algebra=dict(d["algebra"]),
                   levels={n: LevelVerdict.from_dict(v) for n, v in d["levels"].items()},
                   minimal_level=d["minimal_level"], block_size=d["block_size"],
                   extra={k: v for k, v in d.items() if k not in core})


# ---------------------------------------------------------------------- helpers
def _no(witness: Witness | None, reason: str, theorem: str) -> LevelVerdict:
    return LevelVerdict("no", None, None, reason, theorem, None, witness)


#: The lower-bound text of a verdict asked for without its lower bounds.
_NO_LOWER = "not computed (classify_level(..., lower_bound=False))"


def _general_lower(F: Facts, notion: str) -> tuple[int, str]:
    """Sound lower bound for any simulation (docs/explanation/bounds.md#general-bounds;
    docs/explanation/simulation-notions.md#lemmas)."""
    if notion == "fp":
        return 1, ("trivial (no lower bound is proved for floating point, "
                   "docs/explanation/simulation-notions.md#notion-fp)")
    if not F.lower_bounds:
        return 1, _NO_LOWER
    lb, why = 1, ["trivial"]

    def bump(v: int, text: str) -> None:
        nonlocal lb
        if v > lb:
            lb = v
            why.append(text)

    if not F.commutative:
        bump(2, "M non-commutative, 1 x 1 matrices commute "
                "(docs/explanation/bounds.md#general-bounds)")
    if F.period_witness((1, 2)) is not None:
        bump(2, "a subgroup of exponent > 2; compact subgroups of GL_1(R) are {+-1} "
                "(docs/explanation/simulation-notions.md#lemmas)")
    if notion == "fin":
        note = F.index_bound_note
        bump(F.max_index_known, "index bound: d_fin >= ind(M) "
                "(docs/explanation/levels.md#index-bound, "
                "docs/explanation/bounds.md#general-bounds)" + (f"; {note}" if note else ""))
        if F.find_subgroup(lambda s: not s.prop("cyclic_or_dihedral")):
            bump(3, "a subgroup that is neither cyclic nor dihedral; finite subgroups of "
                 "GL_2(R) are (docs/explanation/simulation-notions.md#lemmas, FOLKLORE)")
        if F.find_subgroup(lambda s: not s.prop("solvable") and not s.prop("a5_type")):
            bump(4, "a non-solvable subgroup other than A5, A5 x Z2; finite subgroups of "
                 "GL_3(R) are in O(3) (docs/explanation/simulation-notions.md#lemmas, "
                 "docs/explanation/levels.md#block FOLKLORE)")
    elif F.find_subgroup(lambda s: not s.prop("solvable")):
        bump(3, "a non-solvable subgroup; compact subgroups of GL_2(R) are solvable "
                "(docs/explanation/simulation-notions.md#lemmas, "
                "docs/explanation/bounds.md#general-bounds)")
    return lb, "; ".join(why[-1:]) if len(why) > 1 else why[0]


def _diag_dims(F: Facts, kind: str, notion: str) -> tuple[int, str, int]:
    """(dim_upper, construction, dim_lower) for a diagonal level that says yes."""
    f = F.abelian_factors if F.group_dfa and F.n > 1 else None
    if f is not None:
        if kind == "real_diagonal":
            return len(f), ("parity_sign" if f == (2,) else "abelian_snf"), len(f)
        cost = gr.abelian_cost(f)
        if len(f) == 1 and f[0] > 2:
            return cost, "cyclic_rotation", cost
        return cost, ("parity_sign" if f == (2,) else "abelian_snf"), cost
    rob = notion != "fin"
    dim = 0
    for a in F.distinct_letters:
        info = F.infos[a]
        unit = info.permutation
        if kind == "positive_diagonal":
            dim += 1
        elif kind == "real_diagonal":
            dim += (0 if unit else 1) + (1 if info.period == 2 else 0)
        else:
            dim += (0 if unit else 1) + {1: 0, 2: 1}.get(info.period, 2)
    names = {
        "positive_diagonal": ("seen_indicator", "threshold_half"),
        "real_diagonal": ("parity_seen", "threshold_parity"),
        "complex_diagonal": ("phase_seen", "threshold_phase"),
    }
    lower = 1
    for s in F.subgroups if F.lower_bounds else ():
        if s.prop("abelian"):
            lower = max(lower, gr.abelian_rank(gr.abelian_invariant_factors(s.group)))
    if any(not F.infos[a].permutation for a in F.distinct_letters):
        dim += 1  # a constant coordinate: the all-seen code would be 0 (a tie) without it
    return max(dim, 1), names[kind][1 if rob else 0], lower


_DIAG_TESTS: dict[str, tuple[tuple[int, ...] | None, int, tuple[int, ...] | None]] = {
    # kind: (fin allowed letter periods, fin max letter index, rob allowed letter periods)
    "positive_diagonal": ((1,), 1, (1,)),
    "real_diagonal": ((1, 2), 1, (1, 2)),
    "complex_diagonal": (None, 1, None),
}


def _diagonal(F: Facts, kind: str, notion: str) -> LevelVerdict:
    fin_periods, fin_index, rob_periods = _DIAG_TESTS[kind]
    src = {"positive_diagonal": "docs/explanation/levels.md#pdiag",
           "real_diagonal": "docs/explanation/levels.md#rdiag",
           "complex_diagonal": "docs/explanation/levels.md#cdiag"}[kind]
    if notion == "fp":
        return _diagonal_fp(F, kind, src)
    if not F.commutative:
        return _no(F.comm_witness, "the transition monoid is not commutative",
                   f"diagonal matrices commute ({src}, FOLKLORE)")
    periods = fin_periods if notion == "fin" else rob_periods
    if periods is not None:
        w = F.period_witness(periods, letters_only=True)
        if w is not None:
            return _no(w, f"letter period {w['period']} not in {list(periods)}",
                       f"{src} ({notion}; FOLKLORE)")
    if notion == "fin":
        w = F.index_witness(fin_index)
        if w is not None:
            return _no(w, f"a letter of index {w['index']} (Sim_fin allows index <= 1 here)",
                       f"{src} (Sim_fin: finite orbits force index <= 1; FOLKLORE)")
    up, cons, low = _diag_dims(F, kind, notion)
    low = max(low, _general_lower(F, notion)[0]) if notion == "fin" else low
    low = min(low, up)
    return LevelVerdict("yes", up, low, f"the letter conditions of {src} hold",
                        f"{src} ({notion}, FOLKLORE); lower bound from the rank of "
                        "the subgroups (docs/explanation/levels.md#cdiag)", cons)


def _diagonal_fp(F: Facts, kind: str, src: str) -> LevelVerdict:
    if kind == "positive_diagonal":
        w = F.period_witness((1,))
        if w is not None:
            return _no(w, "not aperiodic: nonnegative gates round monotonically",
                       "docs/explanation/levels.md#pdiag (FP unnormalized, FOLKLORE); Sarrof+24 "
                       "Thm 2")
        ok = F.commutative
    elif kind == "real_diagonal":
        w = F.period_witness((1, 2))
        if w is not None:
            return _no(w, "a subgroup of exponent > 2: real gates round monotonically",
                       "docs/explanation/levels.md#rdiag (FP unnormalized, FOLKLORE); Grazzi+25 "
                       "Thm 2")
        ok = F.commutative
    else:
        s = F.nonabelian_subgroup()
        if s is not None:
            what = ("tracks a non-abelian group" if F.group_dfa else
                    "the permutation letters generate a non-abelian group" if s is F.units else
                    "a non-abelian group divides the transition monoid")
            return _no(s.witness("nonabelian_group"), what,
                       "Shakerinava+26 (THEOREM): no non-abelian group at finite precision" +
                       ("" if F.group_dfa else " (a group dividing M divides the model's "
                        "monoid)"))
        ok = F.commutative and all(i.period in (1, 2, 4) for i in F.infos)
    if not ok:
        return LevelVerdict("unknown", reason="no exact construction and no proved obstruction "
                            "in floating point", theorem=
                            f"{src}, docs/explanation/open-problems.md#u6")
    up, cons, _ = _diag_dims(F, kind, "rob")
    if cons.startswith("threshold_"):
        k, bits = _half_cells_precision(F, up)
        if 2 * k + bits > _FLOAT64_MANTISSA_BITS:
            return LevelVerdict(
                "unknown", reason=f"the lambda = 1/2 cells of a letter of index {k} need score "
                f"differences of 4^-{k} resolved against readout scores up to {up}, finer than "
                f"float64's spacing 2^-{_FLOAT64_MANTISSA_BITS - bits} there (needs "
                f"2 k + {bits} <= {_FLOAT64_MANTISSA_BITS}); no other diagonal construction "
                "is exact in floating point", theorem=f"{src}, "
                        "docs/explanation/numerical-stability.md#exact-families, "
                        "docs/explanation/open-problems.md#u6")
    if F.group_dfa and F.n > 1 and cons in ("cyclic_rotation", "abelian_snf"):
        if any(d not in (2, 4) for d in F.abelian_factors or ()):
            return LevelVerdict("unknown", reason="rotations by angles other than multiples of "
                                "pi/2 are not exact in floating point",
                                theorem="docs/explanation/levels.md#cdiag, "
                                        "docs/explanation/numerical-stability.md#exact-families")
    return LevelVerdict("yes", up, 1, "commutative with exactly representable eigenvalues "
                        "(0, 1/2, +-1, +-i)", f"{src}, "
                                "docs/explanation/numerical-stability.md#exact-families "
                                "(FOLKLORE)", cons)


#: Fraction bits of float64: the spacing of the floats in ``[2^e, 2^(e+1))`` is ``2^(e-52)``.
_FLOAT64_MANTISSA_BITS = 52


def _half_cells_precision(F: Facts, dim: int) -> tuple[int, int]:
    """``(k, e)`` for the ``lambda = 1/2`` cells (``commutative_cells`` at ``rob``/``fp``).

    ``k`` is the largest index of a letter with a count unit.  Its cells have representatives
    ``2^-m`` (``m < k``) and ``2^-(k+1)``, with readout rows ``(2^(1-m), 1 - 4^-m)`` (and the
    other units' entries); telling the deepest cells apart takes score differences of order
    ``4^-k``.  The states stay exact in floating point (powers of 2, ``0``, ``+-1``), so the
    only rounding is in the readout, whose scores lie below ``U + 1 <= 2^(e+1)`` for ``U = dim
    - 1`` unit coordinates, ``e = ceil(log2 U)``: float64 resolves them when ``2 k + e <= 52``
    (for ``threshold:k``, ``e = 0``: ``k <= 26``; from ``k = 27`` the scores of the last cell
    and the terminal cell round to the same float).
    """
    k = max((F.infos[a].index for a in F.distinct_letters), default=0)
    units = max(dim - 1, 1)
    return k, (units - 1).bit_length()


def _small_constructions(F: Facts, b: int | None, exact_only: bool) -> list[tuple[int, str]]:
    """Constructions usable in a block of size ``b`` (``None``: any size)."""
    out = []
    fits = (lambda d: True) if b is None else (lambda d: d <= b)
    if fits(F.n):
        out.append((F.n, "one_hot"))
    if b is not None and F.sink and 2 < F.n and fits(F.n - 1):
        out.append((F.n, "sink_zero"))
    if F.n > 2 and all(i.identity or len(set(t.tolist())) == 1
                       for i, t in zip(F.infos, F.maps, strict=True)):
        if F.n > 3 and fits(3):
            out.append((3, "reset_line"))
        out.append((2 * math.ceil(math.log2(F.n)), "reset_bits"))
    if F.group_dfa and F.n > 1:
        G = F.group
        if not exact_only:
            if gr.is_a5(G) and (b is None or b >= 3):
                out.append((3, "a5_icosahedral"))
            fb = F.f_R_blocks(b) if b is not None else F.f_R
            if fb is not None:
                out.append((fb, "irrep_sum"))
            if b is None and F.d_enc is not None:
                out.append((F.d_enc, "irrep_sum_enc"))
        for dim, name, largest in F.exact_small:
            if b is None or largest <= b:
                out.append((dim, name))
        if gr.is_q8(G) and (b is None or b >= 2):
            out.append((4, "q8_cover" if b is not None else "quaternion_left"))
        if b is None and F.perm_degree is not None:
            out.append((F.perm_degree, "permutation"))
    return out


def _as_candidate(v: LevelVerdict) -> list[tuple[int, str]]:
    """``[(dim_upper, construction)]`` of a ``"yes"`` with both set, else ``[]``."""
    if v.verdict == "yes" and v.dim_upper is not None and v.construction is not None:
        return [(v.dim_upper, v.construction)]
    return []


def _best(cands: list[tuple[int, str]]) -> tuple[int, str]:
    """Smallest dimension; on ties the simplest (exact, explicit) construction."""
    return min(cands, key=lambda c: (c[0], CONSTRUCTION_PRIORITY.index(c[1])))


def _block(F: Facts, notion: str, b: int) -> LevelVerdict:
    extra = {"block_size": b}
    if b == 1:
        v = _diagonal(F, "real_diagonal", notion)
        return LevelVerdict(v.verdict, v.dim_upper, v.dim_lower, "block size 1 is the real "
                            "diagonal level: " + v.reason, v.theorem, v.construction, v.witness,
                            extra)
    if notion == "fin":
        w = F.index_witness(b)
        if w is not None:
            return LevelVerdict("no", reason=f"an element of index {w['index']} > b = {b}",
                                theorem="index bound: every element of a monoid in V_b has "
                                "index <= b (docs/explanation/levels.md#index-bound, "
                                "FOLKLORE)", witness=w, extra=extra)
    if notion in ("fin", "rob") and b == 2:
        s = F.find_subgroup(lambda s: not s.prop("g2_abelian"))
        if s is not None:
            return LevelVerdict("no", reason="a subgroup G with G^2 = <g^2> non-abelian",
                                theorem="docs/explanation/levels.md#block-2 (b = 2, FOLKLORE): "
                                        "groups in V_2 have "
                                "G^2 abelian", witness=s.witness("g2_nonabelian"), extra=extra)
    if notion == "fin" and b == 3:
        s = F.find_subgroup(lambda s: s.prop("v3_exponent"))
        if s is not None:
            return LevelVerdict("no", reason="a non-solvable subgroup with trivial solvable "
                                "radical and exponent not dividing 30",
                                theorem=
                                "docs/explanation/levels.md#block-3 (b = 3, S5 argument, FOLKLORE)",
                                witness=s.witness("v3_exponent"), extra=extra)
        s = F.find_subgroup(lambda s: s.prop("v3_perfect_residual"))
        if s is not None:
            return LevelVerdict("no", reason="a subgroup whose perfect residual is not a power "
                                "of A5", theorem=
                                "docs/explanation/levels.md#block-3 (b = 3, FOLKLORE): finite "
                                "subgroups of GL_b(R), b <= 3, lie in O(b) (solvable, A5, "
                                "A5 x Z2), so groups dividing their products have a power of A5 "
                                "as perfect residual",
                                witness=s.witness("v3_perfect_residual"), extra=extra)
    cands = _small_constructions(F, b, exact_only=(notion == "fp"))
    diag = _diagonal(F, "complex_diagonal", notion)
    cands.extend(_as_candidate(diag))
    if not cands:
        gap = (" (docs/explanation/open-problems.md#u1)" if notion == "fin"
               else " (docs/explanation/open-problems.md#u1 and #u3)")
        return LevelVerdict("unknown", reason=f"no construction with blocks <= {b} and no "
                            "proved obstruction" + gap, theorem="membership in V_b is open",
                            extra=extra)
    dim, cons = _best(cands)
    low = min(_general_lower(F, notion)[0], dim)
    return LevelVerdict("yes", dim, low, f"construction {cons} uses blocks of size <= {b}",
                        "docs/explanation/levels.md#block, docs/explanation/constructions.md "
                        "(constructions); lower bound: " +
                        _general_lower(F, notion)[1], cons, extra=extra)


#: The largest block size tried when ``block_size`` is None (the smallest block that works).
MAX_BLOCK = 8


def _smallest_block(F: Facts, notion: str, max_block: int = MAX_BLOCK) -> LevelVerdict:
    """The ``block`` verdict at the smallest ``b <= max_block`` that says yes (the meaning
    ``compile`` uses); otherwise the verdict at ``b = max_block``, saying so."""
    verdict = _block(F, notion, 1)
    for b in range(1, max_block + 1):
        verdict = _block(F, notion, b)
        if verdict.verdict == "yes":
            return replace(verdict, reason=f"yes at b = {b}, the smallest block size that "
                           f"works: " + verdict.reason)
    return replace(verdict, reason=f"no block size b <= {max_block} is known to work; at "
                   f"b = {max_block}: " + verdict.reason)


def _with_smallest_block(F: Facts, notion: str, verdict: LevelVerdict) -> LevelVerdict:
    """A fixed-``b`` verdict that is not "yes", plus the smallest block size that works
    (``extra["smallest_block_size"]``, the ``b`` that ``compile --level block`` picks)."""
    if verdict.verdict == "yes":
        return verdict
    b = verdict.extra.get("block_size")
    for c in range(int(b) + 1 if b else 1, MAX_BLOCK + 1):
        if _block(F, notion, c).verdict == "yes":
            return replace(verdict, reason=f"{verdict.reason}; yes at b = {c} (the smallest "
                           "block size that works, used by compile)",
                           extra={**verdict.extra, "smallest_block_size": c})
    return verdict


def _full(F: Facts, notion: str) -> LevelVerdict:
    cands = _small_constructions(F, None, exact_only=(notion == "fp"))
    diag = _diagonal(F, "complex_diagonal", notion)
    cands.extend(_as_candidate(diag))
    dim, cons = _best(cands)
    low, why = _general_lower(F, notion)
    extra: dict[str, Any] = {}
    if F.group_dfa and F.d_enc is not None:
        extra["dim_enc_upper"] = extra["dim_enc_lower"] = F.d_enc
    else:
        extra["dim_enc_upper"] = F.n - 1 if F.sink and F.n > 1 else F.n
        enc_low = (max([low] + [_f_R_group(s.group) or 1 for s in F.subgroups])
                   if F.lower_bounds else None)
        extra["dim_enc_lower"] = (min(enc_low, extra["dim_enc_upper"])
                                  if notion == "fin" and enc_low is not None else None)
    return LevelVerdict("yes", dim, min(low, dim), f"construction {cons}",
                        "every DFA: one-hot (docs/explanation/levels.md#full, THEOREM); lower "
                        "bound: " + why,
                        cons, extra=extra)


def _f_R_group(G: PermutationGroup) -> int | None:
    try:
        return f_R(G) if G.order() <= gr.GROUP_CAP else None
    except Exception:
        return None


def _monomial(F: Facts, notion: str) -> LevelVerdict:
    cands = [(F.n, "one_hot")]
    if F.group_dfa and F.perm_degree is not None:
        cands.append((F.perm_degree, "permutation"))
    for kind in REAL_DIAGONAL_LEVELS:
        v = _diagonal(F, kind, notion)
        cands.extend(_as_candidate(v))
    dim, cons = _best(cands)
    low, why = _general_lower(F, notion)
    if (notion != "fp" and F.lower_bounds
            and F.find_subgroup(lambda s: not s.prop("solvable"))):
        low, why = max(low, 5), "a non-solvable subgroup; monomial groups of degree <= 4 are " \
            "solvable (docs/explanation/levels.md#monomial, " \
            "docs/explanation/bounds.md#lower-bounds)"
    return LevelVerdict("yes", dim, min(low, dim), f"construction {cons}",
                        "every DFA in dimension |Q| (Terzic+25b Prop. 2, THEOREM); lower: " + why,
                        cons)


def _cp(F: Facts, notion: str, full: LevelVerdict) -> LevelVerdict:
    edges = {(q, int(t[q])) for t in F.maps for q in range(F.n)}
    return LevelVerdict("yes", F.n, full.dim_lower, "one-hot weights have CP rank <= the number "
                        "of distinct transition edges",
                        "docs/explanation/levels.md#cp (FOLKLORE); exact CP rank "
                        "is NP-hard (Hastad 90), so no rank lower bound", "one_hot",
                        extra={"rank_upper": len(edges), "rank_lower": None})


def _algebra(F: Facts) -> dict[str, Any]:
    M = F.monoid
    G = F.group
    solvable: bool | None
    if G is not None:
        solvable = bool(G.is_solvable)
    elif F.find_subgroup(lambda s: not s.prop("solvable")):
        solvable = False
    else:
        solvable = True if F.subgroups_complete else None
    abelian = bool(G.is_abelian) if G is not None else None
    out: dict[str, Any] = {
        "monoid_size": M.size if M is not None else None,
        "commutative": F.commutative,
        "aperiodic": F.aperiodic,
        "group": F.group_dfa,
        "group_order": F.group_order,
        "abelian": abelian,
        "solvable": solvable,
        "abelian_invariants": list(F.abelian_factors or ()) if abelian else None,
        "idempotents": M.number_of_idempotents if M is not None else None,
        "max_index": (0 if F.group_dfa else M.max_index) if M is not None else None,
        "max_index_lower": F.max_index_known,
        "exponent": (F.group_exponent if G is not None else M.exponent)
        if M is not None else None,
        "letters": {str(i.symbol): {"index": i.index, "period": i.period,
                                    "idempotent": i.idempotent, "permutation": i.permutation}
                    for i in F.infos},
        "maximal_subgroup_orders": sorted(int(s.group.order()) for s in F.subgroups)
        if F.subgroups_complete else None,
        "sink": F.sink,
    }
    if G is not None:
        out.update({
            "derived_length": (len(G.derived_series()) - 1) if G.is_solvable else None,
            "g2_abelian": F.subgroups[0].prop("g2_abelian"),
            "group_exponent": F.group_exponent,
            "f_R": F.f_R, "f_C": F.f_C, "d_enc": F.d_enc,
        })
    return out


def classify(dfa: DFA, notion: str = "fin", *, block_size: int | None = 2,
             cap: int = DEFAULT_CLASSIFY_CAP, group_cap: int = gr.GROUP_CAP,
             search_budget: int = 5_000, task: str | None = None) -> Classification:
    """Classify ``dfa`` (minimized for its labels) in the hierarchy for one simulation notion.

    Parameters
    ----------
    dfa : DFA
    notion : {"fin", "rob", "fp"}
        Simulation notion of docs/explanation/simulation-notions.md.
    block_size : int or None
        ``b`` of the ``block`` level (default 2, the level's column in
        docs/explanation/levels.md#examples); None: the smallest ``b <= MAX_BLOCK`` that
        works, the meaning ``compile`` uses (the verdict's ``block_size`` says which).
    cap : int
        Transition monoids larger than this are not enumerated; a witness search over
        ``search_budget`` distinct words is used instead.
    group_cap : int
        Character tables are computed only for groups up to this order.
    task : str, optional
        Name for the ``task`` field (default: the automaton's name).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> c = classify(tasks.get("cyclic", n=5).dfa)
    >>> c.minimal_level, c.levels["complex_diagonal"].dim_upper
    ('complex_diagonal', 2)
    >>> c.levels["real_diagonal"].witness["kind"]
    'period'
    >>> classify(tasks.get("alternating", n=5).dfa).minimal_level
    'full'
    >>> classify(tasks.get("parity").dfa, notion="exact")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: unknown notion 'exact'; use one of fin, rob, fp
    """
    if block_size is not None:
        check_positive_int(block_size, "block_size")
    F = _facts(dfa, notion, cap, group_cap, search_budget)
    A = F.A
    levels: dict[str, LevelVerdict] = {}
    # The facts are lazy, so each level pays for what it reads: report per level (a terminal
    # sees it; elsewhere silent unless BILINEAR_PROGRESS=1).
    with Progress(total=len(level_names()), desc=f"classify {dfa.name or ''}".rstrip(),
                  unit="level") as bar:
        for kind in DIAGONAL_LEVELS:
            levels[kind] = _diagonal(F, kind, notion)
            bar.update(note=kind)
        levels["block"] = (_smallest_block(F, notion) if block_size is None
                           else _with_smallest_block(F, notion, _block(F, notion, block_size)))
        bar.update(note="block")
        levels["full"] = _full(F, notion)
        bar.update(note="full")
        levels["monomial"] = _monomial(F, notion)
        bar.update(note="monomial")
        levels["cp"] = _cp(F, notion, levels["full"])
        bar.update(note="cp")
    minimal = next((n for n in CHAIN if levels[n].verdict == "yes"), None)
    exact = all(levels[n].verdict == "no" for n in CHAIN[: CHAIN.index(minimal)]) \
        if minimal else False
    return Classification(
        task=task if task is not None else (dfa.name or None),
        states=A.n_states, alphabet=tuple(A.alphabet), notion=notion,
        algebra=_algebra(F), levels=levels, minimal_level=minimal,
        block_size=levels["block"].extra.get("block_size") if minimal == "block" else None,
        extra={"input_states": dfa.n_states, "minimal_level_exact": exact,
               "decoder": "argmax over one readout row per codeword, no bias, ties fail (D_lin)",
               "monoid_cap": F.cap},
    )


def _facts(dfa: DFA, notion: str, cap: int, group_cap: int, search_budget: int, *,
           lower_bounds: bool = True) -> Facts:
    check_notion(notion)
    check_positive_int(cap, "cap")
    check_positive_int(group_cap, "group_cap")
    check_positive_int(search_budget, "search_budget")
    return Facts(minimal_automaton(dfa), cap, group_cap, search_budget,
                 lower_bounds=lower_bounds)


def _without_lower(v: LevelVerdict) -> LevelVerdict:
    """``v`` with its lower-bound fields emptied (they were not computed)."""
    extra = dict(v.extra)
    for key in ("dim_enc_lower",):
        if key in extra:
            extra[key] = None
    return replace(v, dim_lower=None, extra=extra)


def _level_verdict(F: Facts, level: str, notion: str, block_size: int | None) -> LevelVerdict:
    if level in DIAGONAL_LEVELS:
        return _diagonal(F, level, notion)
    if level == "block":
        return _smallest_block(F, notion) if block_size is None else _block(F, notion, block_size)
    if level == "monomial":
        return _monomial(F, notion)
    full = _full(F, notion)
    return _cp(F, notion, full) if level == "cp" else full


def classify_level(dfa: DFA, level: str, notion: str = "fin", *, block_size: int | None = 2,
                   cap: int = DEFAULT_CLASSIFY_CAP, group_cap: int = gr.GROUP_CAP,
                   search_budget: int = 5_000, lower_bound: bool = True) -> LevelVerdict:
    """The verdict of one level, equal to ``classify(dfa, notion, ...).levels[level]``.

    Only the facts that level's decision reads are computed (the facts are lazy), so a
    compiler that needs one verdict does not pay for the others. With
    ``lower_bound=False`` the lower bounds are not computed either (the witness searches
    over the monoid they need): the verdict is the same except ``dim_lower`` and
    ``extra["dim_enc_lower"]``, which are ``None``, and the lower-bound text of ``theorem``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> classify_level(tasks.get("parity").dfa, "real_diagonal").construction
    'parity_sign'
    """
    check_choice(level, level_names(), "level")
    if block_size is not None:
        check_positive_int(block_size, "block_size")
    check_bool(lower_bound, "lower_bound")
    F = _facts(dfa, notion, cap, group_cap, search_budget, lower_bounds=lower_bound)
    verdict = _level_verdict(F, level, notion, block_size)
    return verdict if lower_bound else _without_lower(verdict)


def smallest_block(dfa: DFA, notion: str = "fin", *, max_block: int = 8,
                   cap: int = DEFAULT_CLASSIFY_CAP, group_cap: int = gr.GROUP_CAP,
                   search_budget: int = 5_000, lower_bound: bool = True
                  ) -> tuple[int, LevelVerdict] | None:
    """The smallest ``b <= max_block`` for which the ``block`` level says "yes", with its
    verdict (``None`` when there is none), from one computation of the automaton's facts
    (``lower_bound=False``: without its lower bounds, as in :func:`classify_level`).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> b, verdict = smallest_block(tasks.get("threshold", k=3).dfa)
    >>> b, verdict.verdict
    (3, 'yes')
    """
    check_positive_int(max_block, "max_block")
    check_bool(lower_bound, "lower_bound")
    F = _facts(dfa, notion, cap, group_cap, search_budget, lower_bounds=lower_bound)
    for b in range(1, max_block + 1):
        verdict = _block(F, notion, b)
        if verdict.verdict == "yes":
            return b, verdict if lower_bound else _without_lower(verdict)
    return None
