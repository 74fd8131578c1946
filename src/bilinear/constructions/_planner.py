"""Which construction to use for a level: theory's verdict first, then the library's own rules.

:func:`plan` turns a :class:`CompileRequest` and the canonical automaton into a :class:`Plan`.
It asks theory once for the verdict it needs (:func:`bilinear.theory.classify_level`, or
:func:`bilinear.theory.smallest_block` for ``block`` without a block size, both from one lazy
computation of the automaton's facts, without the lower bounds, so a plan pays only for
the facts it reads): a ``"no"`` raises
:class:`~bilinear.errors.UnsupportedConstructionError` carrying theory's reason and witness;
a ``"yes"`` names the construction of :data:`~bilinear.constructions.registry.REGISTRY` that
reaches ``dim_upper``.  Automata with more than :data:`CLASSIFY_CAP` states are not
classified: the one-hot levels use the sparse one-hot model and the diagonal levels theory's
letter conditions (:func:`bilinear.theory.letters.diagonal_letter_problem`).

The planner imports the registry and theory, never :mod:`bilinear.constructions.compile`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilinear._validation import check_choice, check_optional_positive_int
from bilinear.automata.dfa import DFA
from bilinear.constructions import groups, onehot
from bilinear.constructions.registry import REGISTRY
from bilinear.errors import InvalidArgumentError, UnsupportedConstructionError
from bilinear.theory import LevelVerdict, classify_level, smallest_block
from bilinear.theory.hierarchy import check_notion
from bilinear.theory.letters import diagonal_letter_problem, letter_infos
from bilinear.vocabulary import LEVELS, ONE_HOT_LEVELS, Construction, Level

__all__ = ["CompileRequest", "Plan", "plan", "CLASSIFY_CAP", "MAX_SEARCHED_BLOCK"]

#: Automata with more states are not classified (sparse one-hot or the letter conditions).
CLASSIFY_CAP = 2000

#: ``level="block"`` without a block size tries ``b = 1 .. MAX_SEARCHED_BLOCK`` (then one-hot).
MAX_SEARCHED_BLOCK = 8


@dataclass(frozen=True)
class CompileRequest:
    """The validated arguments of :func:`~bilinear.constructions.compile_automaton`."""

    level: str
    notion: str = "fin"
    construction: str | None = None
    block_size: int | None = None
    rank: int | None = None
    sparse: bool | None = None
    source: str = ""

    def __post_init__(self) -> None:
        check_choice(self.level, LEVELS, "level")
        check_notion(self.notion)
        check_optional_positive_int(self.block_size, "block_size")
        check_optional_positive_int(self.rank, "rank")
        if self.construction is not None and self.construction not in REGISTRY:
            raise InvalidArgumentError(
                f"unknown construction {self.construction!r}; known: {sorted(REGISTRY)}")
        if self.sparse is not None and not isinstance(self.sparse, bool):
            raise InvalidArgumentError(f"sparse must be True, False or None, got {self.sparse!r}")


@dataclass(frozen=True)
class Plan:
    """The construction chosen for a level.

    Attributes
    ----------
    construction : str
        A name of :data:`~bilinear.constructions.registry.REGISTRY`.
    dim_upper : int or None
        Theory's dimension for the level (``None``: not classified or forced).
    reason : str
        Theory's reason (empty for the library's own rules).
    block_size : int or None
        ``b`` of the ``block`` level.
    sparse : bool
        Build the one-hot model in its sparse monomial form.
    forced : bool
        The caller named the construction: no fallback is attempted.
    """

    construction: str
    dim_upper: int | None = None
    reason: str = ""
    block_size: int | None = None
    sparse: bool = False
    forced: bool = False


def plan(dfa: DFA, req: CompileRequest) -> Plan:
    """The :class:`Plan` for the canonical automaton ``dfa`` and the request ``req``."""
    if req.construction is not None:
        return Plan(req.construction, block_size=req.block_size, forced=True,
                    sparse=req.construction == Construction.ONE_HOT
                    and onehot.use_sparse(dfa, req.sparse))
    if req.level in ONE_HOT_LEVELS and (req.sparse or dfa.n_states > CLASSIFY_CAP):
        return _sparse_one_hot(dfa, req)
    if dfa.n_states > CLASSIFY_CAP:
        return Plan(_diagonal_rule(dfa, req.level, req.notion))
    chosen = _plan_block(dfa, req) if req.level == Level.BLOCK else _plan_level(dfa, req)
    if chosen.construction == Construction.ONE_HOT and onehot.use_sparse(dfa, req.sparse):
        return Plan(Construction.ONE_HOT, chosen.dim_upper, chosen.reason, chosen.block_size,
                    sparse=True)
    return chosen


def _plan_level(dfa: DFA, req: CompileRequest) -> Plan:
    level = req.level
    if level == Level.CP and req.rank is not None and _one_hot_rank(dfa) > req.rank:
        level = Level.FULL  # a smaller construction's slice bound R <= H min(H, D) may fit
    verdict = classify_level(dfa, level, req.notion, lower_bound=False)
    return _from_verdict(dfa, req.level, req.notion, verdict, None)


def _one_hot_rank(dfa: DFA) -> int:
    return int(onehot.one_hot_cp_factors(dfa)["rank"])


def _sparse_one_hot(dfa: DFA, req: CompileRequest) -> Plan:
    """The sparse one-hot model at a one-hot level (block: one block of size ``|Q|``)."""
    n = dfa.n_states
    if req.level == Level.BLOCK and req.block_size is not None and req.block_size < n:
        raise UnsupportedConstructionError(
            f"automaton too large to classify ({n} states): only the one-hot construction "
            f"is attempted, which needs block_size >= {n}")
    return Plan(Construction.ONE_HOT, block_size=n if req.level == Level.BLOCK else None,
                sparse=True)


def _from_verdict(dfa: DFA, level: str, notion: str, verdict: LevelVerdict,
                  b: int | None) -> Plan:
    where = "" if b is None else f" (block size {b})"
    if verdict.verdict == "no":
        raise UnsupportedConstructionError(
            f"level {level!r}{where} cannot simulate this automaton ({notion}): "
            f"{verdict.reason}", witness=verdict.witness)
    name = verdict.construction
    if verdict.verdict == "yes" and name is not None and name in REGISTRY:
        return Plan(name, verdict.dim_upper, verdict.reason, b)
    if verdict.verdict == "unknown" and not (b is not None and dfa.n_states <= b):
        raise UnsupportedConstructionError(
            f"level {level!r}{where}: theory does not know ({verdict.reason}); no construction "
            "is attempted", witness=None)
    return Plan(_rules(dfa, level, b), verdict.dim_upper, block_size=b)


def _plan_block(dfa: DFA, req: CompileRequest) -> Plan:
    """Block size ``req.block_size``, or the smallest ``b >= 1`` for which theory says yes."""
    if req.block_size is not None:
        verdict = classify_level(dfa, Level.BLOCK, req.notion, block_size=req.block_size,
                                 lower_bound=False)
        return _from_verdict(dfa, Level.BLOCK, req.notion, verdict, req.block_size)
    found = smallest_block(dfa, req.notion,
                           max_block=max(1, min(dfa.n_states, MAX_SEARCHED_BLOCK)),
                           lower_bound=False)
    if found is not None:
        return _from_verdict(dfa, Level.BLOCK, req.notion, found[1], found[0])
    return Plan(Construction.ONE_HOT, dfa.n_states, block_size=max(dfa.n_states, 1))


def _rules(dfa: DFA, level: str, block_size: int | None) -> str:
    """The library's own choice when theory names no construction it builds."""
    best = groups.best_group_construction(dfa, level, block_size)
    if best is not None:
        return best
    if level == Level.BLOCK and block_size is not None and dfa.n_states > block_size:
        raise UnsupportedConstructionError(
            f"no known construction with blocks of size <= {block_size} for this automaton "
            f"({dfa.n_states} states; one-hot needs block_size >= {dfa.n_states})")
    return Construction.ONE_HOT


def _diagonal_rule(dfa: DFA, level: str, notion: str) -> str:
    """The diagonal construction for an automaton too large to classify: theory's letter
    conditions decide, the letters name the construction."""
    problem = diagonal_letter_problem(dfa, level, notion)
    if problem is not None:
        raise UnsupportedConstructionError(problem[0], witness=problem[1])
    if all(i.permutation for i in letter_infos(dfa)):
        return Construction.ABELIAN_SNF
    return Construction.COMMUTATIVE_CELLS if notion == "fin" else Construction.THRESHOLD_HALF
