"""Which construction to use for a level: theory's verdict first, then the library's own rules.

:func:`plan` asks :func:`bilinear.theory.classify` for the level's verdict.  A ``"no"`` raises
:class:`~bilinear.errors.UnsupportedConstructionError` carrying theory's reason and witness; a
``"yes"`` names the construction that reaches ``dim_upper``.  Automata too large to classify
(more than :data:`CLASSIFY_CAP` states) use the rules of :func:`_rules`.
"""

from __future__ import annotations

from typing import Any

from bilinear.automata.dfa import DFA
from bilinear.constructions import groups
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory.letters import commutation_witness, letter_infos

__all__ = ["plan", "CLASSIFY_CAP", "verdict_for"]

#: Automata with more states are not classified (one-hot or the diagonal rules apply).
CLASSIFY_CAP = 2000

#: ``level="block"`` without a block size tries ``b = 1 .. MAX_SEARCHED_BLOCK`` (then one-hot).
MAX_SEARCHED_BLOCK = 8


def verdict_for(dfa: DFA, level: str, notion: str, block_size: int = 2) -> Any:
    """Theory's ``LevelVerdict`` for ``level`` (``None`` for automata past the cap)."""
    from bilinear.theory import classify

    if dfa.n_states > CLASSIFY_CAP:
        return None
    return classify(dfa, notion=notion, block_size=block_size).levels[level]


def plan(
    dfa: DFA, level: str, notion: str, block_size: int | None, rank: int | None,
    construction: str | None,
) -> Any:
    """The :class:`~bilinear.constructions.compile.Plan` for ``dfa`` at ``level``."""
    from bilinear.constructions.compile import Plan

    if construction is not None:
        return Plan(construction, options={"block_size": block_size} if block_size else {})
    if level == "block":
        return _plan_block(dfa, notion, block_size)
    verdict = verdict_for(dfa, level, notion)
    return _from_verdict(dfa, level, notion, verdict, None)


def _from_verdict(dfa: DFA, level: str, notion: str, verdict: Any, b: int | None) -> Any:
    from bilinear.constructions.compile import CONSTRUCTIONS, Plan

    options: dict = {} if b is None else {"block_size": b}
    if verdict is not None:
        if verdict.verdict == "no":
            raise UnsupportedConstructionError(
                f"level {level!r}{'' if b is None else f' (block size {b})'} cannot simulate "
                f"this automaton ({notion}): {verdict.reason}", witness=verdict.witness)
        name = verdict.construction
        if verdict.verdict == "yes" and name in CONSTRUCTIONS:
            return Plan(name, verdict.dim_upper, verdict.reason,
                        {**options, "dim": verdict.dim_upper})
        if verdict.verdict == "unknown" and not (b is not None and dfa.n_states <= b):
            raise UnsupportedConstructionError(
                f"level {level!r}{'' if b is None else f' (block size {b})'}: theory does not "
                f"know ({verdict.reason}); no construction is attempted", witness=None)
    return Plan(_rules(dfa, level, notion, b),
                verdict.dim_upper if verdict is not None else None, options=options)


def _plan_block(dfa: DFA, notion: str, block_size: int | None) -> Any:
    """Block size ``block_size``, or the smallest ``b >= 1`` for which theory says yes."""
    from bilinear.constructions.compile import Plan

    if block_size is not None:
        return _from_verdict(dfa, "block", notion,
                             verdict_for(dfa, "block", notion, block_size), block_size)
    for b in range(1, min(dfa.n_states, MAX_SEARCHED_BLOCK) + 1):
        verdict = verdict_for(dfa, "block", notion, b)
        if verdict is not None and verdict.verdict == "yes":
            return _from_verdict(dfa, "block", notion, verdict, b)
    return Plan("one_hot", dfa.n_states, options={"block_size": max(dfa.n_states, 1)})


def _rules(dfa: DFA, level: str, notion: str, block_size: int | None) -> str:
    """The library's own choice when theory gives none (or none that it builds)."""
    if level in ("positive_diagonal", "real_diagonal", "complex_diagonal"):
        return _diagonal_rule(dfa, level, notion)
    if level in ("full", "monomial", "cp"):
        best = groups.best_group_construction(dfa, level)
        return best or "one_hot"
    best = groups.best_group_construction(dfa, "block", block_size)
    if best is not None:
        return best
    if block_size is not None and dfa.n_states > block_size:
        raise UnsupportedConstructionError(
            f"no known construction with blocks of size <= {block_size} for this automaton "
            f"({dfa.n_states} states; one-hot needs block_size >= {dfa.n_states})"
        )
    return "one_hot"


def _diagonal_rule(dfa: DFA, level: str, notion: str) -> str:
    witness = commutation_witness(dfa)
    if witness is not None:
        raise UnsupportedConstructionError(
            f"level {level!r}: the transition monoid is not commutative (diagonal matrices "
            "commute)", witness=witness)
    infos = letter_infos(dfa)
    allowed = {"positive_diagonal": (1,), "real_diagonal": (1, 2)}.get(level)
    for _a, info in enumerate(infos):
        if allowed is not None and info.period not in allowed:
            raise UnsupportedConstructionError(
                f"level {level!r}: letter {info.symbol!r} has period {info.period} (allowed: "
                f"{list(allowed)})",
                witness={"kind": "period", "words": [[info.symbol]], "period": info.period,
                         "allowed_periods": list(allowed)})
        if notion == "fin" and info.index > 1 and not (level == "positive_diagonal" and
                                                       info.idempotent):
            raise UnsupportedConstructionError(
                f"level {level!r} (fin): letter {info.symbol!r} has index {info.index} > 1; a "
                "finite diagonal simulation needs index <= 1 (use notion='rob')",
                witness={"kind": "index", "words": [[info.symbol]], "index": info.index,
                         "max_index": 1})
    if all(i.permutation for i in infos):
        return "abelian_snf"
    return "commutative_cells" if notion == "fin" else "threshold_half"
