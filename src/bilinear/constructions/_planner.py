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

#: Theory's construction names that this library builds under another name.
_ALIASES = {
    "permutation": "one_hot",
    "one_hot_jordan": "jordan",
}


def verdict_for(dfa: DFA, level: str, notion: str) -> Any:
    """Theory's ``LevelVerdict`` for ``level`` (``None`` when classify is unavailable)."""
    try:
        from bilinear.theory import classify
    except ImportError:
        return None
    if dfa.n_states > CLASSIFY_CAP:
        return None
    return classify(dfa, notion=notion).levels[level]


def plan(
    dfa: DFA, level: str, notion: str, block_size: int | None, rank: int | None,
    construction: str | None,
) -> Any:
    """The :class:`~bilinear.constructions.compile.Plan` for ``dfa`` at ``level``."""
    from bilinear.constructions.compile import CONSTRUCTIONS, Plan

    if construction is not None:
        return Plan(construction)
    verdict = verdict_for(dfa, level, notion)
    if verdict is not None:
        if verdict.verdict == "no":
            raise UnsupportedConstructionError(
                f"level {level!r} cannot simulate this automaton ({notion}): {verdict.reason}",
                witness=verdict.witness,
            )
        name = _ALIASES.get(getattr(verdict, "construction", None) or "",
                            getattr(verdict, "construction", None))
        if verdict.verdict == "yes" and name in CONSTRUCTIONS and _fits(name, dfa, block_size):
            return Plan(name, verdict.dim_upper, getattr(verdict, "reason", ""))
    return Plan(_rules(dfa, level, notion, block_size),
                getattr(verdict, "dim_upper", None) if verdict is not None else None)


def _fits(name: str, dfa: DFA, block_size: int | None) -> bool:
    if block_size is None:
        return True
    return groups.block_of(name, dfa) <= block_size


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
    for a, info in enumerate(infos):
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
