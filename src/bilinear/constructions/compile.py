"""``compile_automaton``: an automaton in, exact bilinear weights of a chosen level out.

The orchestrator reads like the algorithm (style.md item 2):

1. :func:`_check_request` -- the level, notion and options;
2. :func:`_canonical` -- the minimal reachable automaton (identity-labelled automata only lose
   their unreachable states);
3. :func:`_plan` -- theory's verdict for the level (``UnsupportedConstructionError`` with its
   reason and witness on "no") and the construction that reaches its ``dim_upper``;
4. the construction (a :class:`~bilinear.constructions._spec.Spec` of exact matrices);
5. :func:`~bilinear.constructions._spec.assemble` -- readout, exact and float weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bilinear._validation import check_positive_int
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize, reachable
from bilinear.constructions import _planner, diagonal, groups, irreps, onehot
from bilinear.constructions._spec import Spec, assemble
from bilinear.constructions.rnn import BilinearRNN
from bilinear.errors import InvalidArgumentError, UnsupportedConstructionError
from bilinear.theory.hierarchy import check_notion
from bilinear.theory.hierarchy import level as hierarchy_level

__all__ = ["compile_automaton", "check_compilable", "CONSTRUCTIONS", "Plan"]


@dataclass(frozen=True)
class Plan:
    """The construction chosen for a level, with theory's expected dimension (or ``None``)."""

    construction: str
    dim_upper: int | None = None
    reason: str = ""
    options: dict = field(default_factory=dict)


Builder = Callable[..., Spec]
_PHASES = {"positive_diagonal": "none", "real_diagonal": "real"}

#: Construction name -> builder ``(dfa, **options) -> Spec``.  Names follow the theory
#: module's ``LevelVerdict.construction``.
CONSTRUCTIONS: dict[str, Builder] = {
    "one_hot": lambda dfa, **_: onehot.one_hot(dfa),
    "sink_zero": lambda dfa, **_: onehot.sink_zero(dfa),
    "reset_line": lambda dfa, **_: onehot.reset_line(dfa),
    "reset_bits": lambda dfa, **_: onehot.reset_bits(dfa),
    "abelian_snf": lambda dfa, **_: diagonal.abelian_snf_spec(dfa),
    "parity_sign": lambda dfa, **_: diagonal.abelian_snf_spec(dfa),
    "cyclic_rotation": lambda dfa, **_: diagonal.abelian_snf_spec(dfa),
    **{name: lambda dfa, _name=name, **o: diagonal.commutative_cells(
        dfa, o.get("notion", "fin"), _PHASES.get(o.get("level"), "complex"), _name)
       for name in ("seen_indicator", "threshold_half", "parity_seen", "threshold_parity",
                    "phase_seen", "threshold_phase", "commutative_cells")},
    **groups.GROUP_CONSTRUCTIONS,
}


def compile_automaton(
    dfa: DFA,
    level: str = "full",
    *,
    construction: str | None = None,
    notion: str = "fin",
    block_size: int | None = None,
    rank: int | None = None,
    sparse: bool | None = None,
    source: str | None = None,
) -> BilinearRNN:
    """Compile ``dfa`` into a bilinear RNN of ``level`` that simulates it exactly.

    The recurrence is ``h_t = A(x_t) h_{t-1}``, ``A(a) = W[:, :, index(a)]``; the decoded label
    after each prefix, ``labels[argmax_j (R h_t)_j]``, equals the automaton's.

    Parameters
    ----------
    dfa : DFA
        The automaton (minimized first; the model's dimension refers to the minimal one).
    level : str
        A level of design.md section 3.
    construction : str, optional
        Force a construction of :data:`CONSTRUCTIONS` instead of theory's choice.
    notion : {"fin", "rob", "fp"}
        Simulation notion of theory.md section 2 (``rob``/``fp`` allow ``lambda = 1/2`` cells).
    block_size : int, optional
        ``b`` for ``level="block"`` (default: the smallest that theory allows).
    rank : int, optional
        Upper bound on the CP rank for ``level="cp"``: the one-hot edge bound when it fits,
        else the slice bound ``R <= H min(H, D)`` of a smaller construction (theory.md 3.6).
    sparse : bool, optional
        One-hot constructions only: keep the sparse monomial exact form (default: when the
        one-hot model has more than 64 units).  Automata with more than
        ``CLASSIFY_CAP`` (2000) states are not classified: ``full``, ``monomial``, ``cp`` and
        ``block`` then use the sparse one-hot model.
    source : str, optional
        Recorded in the model (default: the automaton's name).

    Raises
    ------
    UnsupportedConstructionError
        The level cannot simulate the automaton (``.witness`` is theory's evidence), or no
        construction within the requested options is known.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> parity = tasks.get("parity").dfa
    >>> rnn = compile_automaton(parity, level="real_diagonal")
    >>> rnn.H, rnn.W[:, :, 1].tolist(), rnn.output("0110")
    (1, [[-1.0]], [0, 1, 0, 0])
    >>> compile_automaton(parity, level="positive_diagonal")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.UnsupportedConstructionError: ...
    """
    _check_request(dfa, level, notion, block_size, rank, construction)
    src = dfa.name if source is None else source
    minimal = _canonical(dfa)
    big = minimal.n_states > _planner.CLASSIFY_CAP
    if construction is None and level in _ONE_HOT_LEVELS and (sparse or big):
        return _sparse_one_hot(minimal, level, src, block_size, rank)
    plan = _plan(minimal, level, notion, block_size, rank, construction)
    if plan.construction == "one_hot" and onehot.use_sparse(minimal, sparse):
        return _sparse_one_hot(minimal, level, src, block_size, rank)
    if level == "cp" and rank is not None and construction is None:
        smaller = _cp_smaller(minimal, notion, rank)
        if smaller is not None:
            extra_cp = {"notion": notion, **_cp_info(minimal, smaller, rank)}
            return assemble(smaller, minimal, level, src, extra_cp)
    options = {"block_size": block_size, **plan.options}
    extra: dict[str, Any] = {"notion": notion}
    if plan.dim_upper is not None:
        extra["dim_upper"] = plan.dim_upper
    try:
        spec = CONSTRUCTIONS[plan.construction](minimal, notion=notion, level=level, **options)
    except UnsupportedConstructionError:
        if plan.construction != "irrep_sum":
            raise
        b = options["block_size"] if level == "block" else None
        return irreps.float_irrep_model(minimal, level, src, b, extra)
    if level == "block":
        extra["block_size"] = options["block_size"] or spec.options.get("block_size") or spec.dim
    if level == "cp":
        extra.update(_cp_info(minimal, spec, rank))
    return assemble(spec, minimal, level, src, extra)


_ONE_HOT_LEVELS = ("full", "monomial", "cp", "block")


def _sparse_one_hot(dfa: DFA, level: str, source: str, block_size: int | None,
                    rank: int | None) -> BilinearRNN:
    """The one-hot model in sparse form at ``level`` (block: one block of size ``|Q|``)."""
    n = dfa.n_states
    info: dict[str, Any] = {}
    if level == "block":
        if block_size is not None and block_size < n:
            raise UnsupportedConstructionError(
                f"automaton too large to classify ({n} states): only the one-hot construction "
                f"is attempted, which needs block_size >= {n}")
        info["block_size"] = n
    if level == "cp":
        edges = len({(q, int(t)) for a in range(dfa.n_symbols)
                     for q, t in enumerate(dfa.table[:, a])})
        if rank is not None and edges > rank:
            raise UnsupportedConstructionError(
                f"the one-hot CP factorization has rank {edges} > rank = {rank}")
        info["rank"] = edges
    return onehot.one_hot_sparse(dfa, level, source, info)


def _check_request(
    dfa: DFA, level: str, notion: str, block_size: int | None, rank: int | None,
    construction: str | None,
) -> None:
    if not isinstance(dfa, DFA):
        raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
    hierarchy_level(level)
    check_notion(notion)
    for name, value in (("block_size", block_size), ("rank", rank)):
        if value is not None:
            check_positive_int(value, name)
    if construction is not None and construction not in CONSTRUCTIONS:
        raise InvalidArgumentError(
            f"unknown construction {construction!r}; known: {sorted(CONSTRUCTIONS)}"
        )


def _canonical(dfa: DFA) -> DFA:
    """The minimal reachable automaton (identity labels: reachable part only)."""
    return reachable(dfa) if dfa.has_identity_labels else minimize(dfa)


def _plan(
    dfa: DFA, level: str, notion: str, block_size: int | None, rank: int | None,
    construction: str | None,
) -> Plan:
    from bilinear.constructions import _planner

    return _planner.plan(dfa, level, notion, block_size, rank, construction)


def _cp_smaller(dfa: DFA, notion: str, rank: int) -> Spec | None:
    """A construction whose slice CP bound fits ``rank`` when the one-hot edge bound does not
    (theory.md 3.6: ``R <= H min(H, D)`` for any ``H``-dimensional simulation)."""
    if onehot.one_hot_cp_factors(dfa)["rank"] <= rank:
        return None
    plan = _plan(dfa, "full", notion, None, None, None)
    spec = CONSTRUCTIONS[plan.construction](dfa, notion=notion, level="full", block_size=None,
                                            **plan.options)
    return spec if _slices_cp(spec)["rank"] <= rank else None


def _cp_info(dfa: DFA, spec: Spec, rank: int | None) -> dict:
    """CP factors of the construction (one-hot: one term per edge) and their rank."""
    if spec.name != "one_hot":
        factors = _slices_cp(spec)
    else:
        factors = onehot.one_hot_cp_factors(dfa)
    if rank is not None and factors["rank"] > rank:
        raise UnsupportedConstructionError(
            f"the known CP factorization has rank {factors['rank']} > rank = {rank} "
            "(exact CP rank is NP-hard; only constructive upper bounds are reported)"
        )
    out = {"rank": factors["rank"]}
    if spec.dim <= 16:
        out["cp_factors"] = {k: factors[k] for k in ("U", "V", "Z")}
    return out


def _slices_cp(spec: Spec) -> dict:
    """The slice bound ``R <= H * min(H, D)``: one term per nonzero entry ``(i, j)`` of some
    ``A(a)``, with ``V[k, r] = A(a_k)[i, j]``."""
    pairs = sorted({(i, j) for m in spec.letters for i in range(m.rows) for j in range(m.cols)
                    if m[i, j] != 0})
    H = spec.dim
    U = [[int(p[0] == i) for p in pairs] for i in range(H)]
    Z = [[int(p[1] == j) for p in pairs] for j in range(H)]
    V = [[str(m[p]) for p in pairs] for m in spec.letters]
    return {"rank": len(pairs), "U": U, "V": V, "Z": Z}


def check_compilable(dfa: DFA, level: str = "full", *, notion: str = "fin",
                     block_size: int | None = None) -> list[str]:
    """Why ``dfa`` cannot be compiled at ``level`` (an empty list when it can), without building.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> check_compilable(tasks.get("parity").dfa, "real_diagonal")
    []
    >>> check_compilable(tasks.get("parity").dfa, "positive_diagonal")  # doctest: +ELLIPSIS
    ["level 'positive_diagonal' cannot simulate this automaton (fin): ..."]
    """
    _check_request(dfa, level, notion, block_size, None, None)
    try:
        _plan(_canonical(dfa), level, notion, block_size, None, None)
    except UnsupportedConstructionError as err:
        return [str(err)]
    return []
