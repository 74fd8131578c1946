"""``compile_automaton``: an automaton in, exact bilinear weights of a chosen level out.

The orchestrator reads like the algorithm, one stage per line:

1. :class:`~bilinear.constructions._planner.CompileRequest` -- the level, notion and options,
   validated;
2. :func:`_canonical` -- the minimal reachable automaton (identity-labelled automata only lose
   their unreachable states);
3. :func:`~bilinear.constructions._planner.plan` -- theory's verdict for the level
   (``UnsupportedConstructionError`` with its reason and witness on "no") and the construction
   of the registry that reaches its ``dim_upper``;
4. :func:`_build` -- the construction's exact :class:`~bilinear.constructions._spec.Spec`, or,
   when a representation-based construction is refused at a level every automaton reaches,
   the one-hot model (recorded in ``info["fallback"]``);
5. :func:`~bilinear.constructions._spec.assemble` -- readout, exact and float weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize, reachable
from bilinear.constructions import irreps, onehot
from bilinear.constructions._planner import CompileRequest, Plan, plan
from bilinear.constructions._spec import Spec, assemble
from bilinear.constructions.registry import REGISTRY, BuildRequest, ConstructionRecord
from bilinear.constructions.rnn import BilinearRNN
from bilinear.errors import InvalidArgumentError, UnsupportedConstructionError
from bilinear.vocabulary import Construction, Level

__all__ = ["compile_automaton", "check_compilable", "CONSTRUCTIONS", "Plan"]

#: Construction name -> :class:`~bilinear.constructions.registry.ConstructionRecord` (callable
#: as ``CONSTRUCTIONS[name](dfa, level=..., notion=...)``); the registry itself.
CONSTRUCTIONS: Mapping[str, ConstructionRecord] = REGISTRY

#: Levels where a refused representation-based construction falls back to one-hot.
_FALLBACK_LEVELS = (Level.FULL, Level.MONOMIAL, Level.CP)


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
        A level of docs/explanation/hierarchy.md#levels.
    construction : str, optional
        Force a construction of :data:`CONSTRUCTIONS` instead of theory's choice.
    notion : {"fin", "rob", "fp"}
        Simulation notion of docs/explanation/simulation-notions.md (``rob``/``fp`` allow
        ``lambda = 1/2`` cells).
    block_size : int, optional
        ``b`` for ``level="block"`` (default: the smallest that theory allows).
    rank : int, optional
        Upper bound on the CP rank for ``level="cp"``: the one-hot edge bound when it fits,
        else the slice bound ``R <= H min(H, D)`` of a smaller construction
        (docs/explanation/levels.md#cp).
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
    if not isinstance(dfa, DFA):
        raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
    req = CompileRequest(level, notion, construction, block_size, rank, sparse,
                         dfa.name if source is None else source)
    minimal = _canonical(dfa)
    return _build(plan(minimal, req), minimal, req)


def _canonical(dfa: DFA) -> DFA:
    """The minimal reachable automaton (identity labels: reachable part only)."""
    return reachable(dfa) if dfa.has_identity_labels else minimize(dfa)


def _build(chosen: Plan, dfa: DFA, req: CompileRequest) -> BilinearRNN:
    """The model of the plan: sparse one-hot, the construction's spec, or a fallback."""
    if chosen.sparse:
        return onehot.one_hot_sparse(dfa, req.level, req.source, _sparse_info(dfa, req))
    build = BuildRequest(req.level, req.notion, chosen.block_size, chosen.dim_upper)
    try:
        spec = REGISTRY[chosen.construction].build(dfa, build)
    except UnsupportedConstructionError as err:
        return _fallback(chosen, dfa, req, err)
    return assemble(spec, dfa, req.level, req.source, _info(chosen, spec, dfa, req))


def _fallback(chosen: Plan, dfa: DFA, req: CompileRequest,
              err: UnsupportedConstructionError) -> BilinearRNN:
    """A refused construction: the float irrep model, then one-hot where every automaton
    has one; a forced construction or a level without a fallback re-raises."""
    if chosen.forced:
        raise err
    extra = _base_info(chosen, req)
    if chosen.construction == Construction.IRREP_SUM:
        b = chosen.block_size if req.level == Level.BLOCK else None
        try:
            return irreps.float_irrep_model(dfa, req.level, req.source, b, extra)
        except UnsupportedConstructionError:
            pass
    one_hot_fits = req.level in _FALLBACK_LEVELS or (
        req.level == Level.BLOCK and (chosen.block_size or 0) >= dfa.n_states)
    if not one_hot_fits:
        raise err
    fallback = Plan(Construction.ONE_HOT, block_size=chosen.block_size,
                    sparse=onehot.use_sparse(dfa, req.sparse))
    model = _build(fallback, dfa, req)
    note = {"from": chosen.construction, "reason": str(err)}
    return model.with_info(fallback=note, **extra)


def _base_info(chosen: Plan, req: CompileRequest) -> dict[str, Any]:
    info: dict[str, Any] = {"notion": req.notion}
    if chosen.dim_upper is not None:
        info["dim_upper"] = chosen.dim_upper
    return info


def _info(chosen: Plan, spec: Spec, dfa: DFA, req: CompileRequest) -> dict[str, Any]:
    """What the model records beside the spec's own options."""
    info = _base_info(chosen, req)
    if req.level == Level.BLOCK:
        info["block_size"] = (chosen.block_size or spec.options.get("block_size") or spec.dim)
    if req.level == Level.CP:
        info.update(_cp_info(dfa, spec, req.rank))
    return info


def _sparse_info(dfa: DFA, req: CompileRequest) -> dict[str, Any]:
    """``block_size`` / ``rank`` of the sparse one-hot model at ``block`` / ``cp``."""
    info: dict[str, Any] = {}
    if req.level == Level.BLOCK:
        info["block_size"] = dfa.n_states
    if req.level == Level.CP:
        edges = len({(q, int(t)) for a in range(dfa.n_symbols)
                     for q, t in enumerate(dfa.table[:, a])})
        if req.rank is not None and edges > req.rank:
            raise UnsupportedConstructionError(
                f"the one-hot CP factorization has rank {edges} > rank = {req.rank}")
        info["rank"] = edges
    return info


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
    if not isinstance(dfa, DFA):
        raise InvalidArgumentError(f"expected a DFA, got {type(dfa).__name__}")
    req = CompileRequest(level, notion, block_size=block_size)
    try:
        plan(_canonical(dfa), req)
    except UnsupportedConstructionError as err:
        return [str(err)]
    return []
