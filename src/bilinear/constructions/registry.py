"""The construction registry: one record per construction name, in the vocabulary's order.

Every construction that :func:`~bilinear.constructions.compile_automaton` can build is a
:class:`ConstructionRecord` here, keyed by its name from
:class:`bilinear.vocabulary.Construction` (the names theory's verdicts use).  A record knows how
to build the exact :class:`~bilinear.constructions._spec.Spec` from an automaton and a
:class:`BuildRequest`, which family it belongs to and whether its letters are rotations
(certified over cyclotomic fields).  Nothing else in the package keeps a list of
constructions.

Examples
--------
>>> from bilinear.automata import tasks
>>> record = REGISTRY["abelian_snf"]
>>> record.family, record.rotation
('diagonal', True)
>>> spec = record.build(tasks.get("cyclic", n=3).dfa, BuildRequest("complex_diagonal"))
>>> spec.dim
2
>>> list(REGISTRY)[:3]
['parity_sign', 'cyclic_rotation', 'abelian_snf']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bilinear._validation import check_choice, check_optional_positive_int
from bilinear.automata.dfa import DFA
from bilinear.constructions import diagonal, groups, onehot
from bilinear.constructions._spec import Spec
from bilinear.vocabulary import (
    CONSTRUCTION_PRIORITY,
    LEVELS,
    NOTIONS,
    ROTATION_CONSTRUCTIONS,
    Construction,
)

__all__ = ["BuildRequest", "ConstructionRecord", "REGISTRY", "FAMILIES", "record"]

#: The families of constructions, in the order the registry lists them.
FAMILIES: tuple[str, ...] = ("diagonal", "one_hot", "group")


@dataclass(frozen=True)
class BuildRequest:
    """What a builder may read besides the automaton.

    Attributes
    ----------
    level : str
        The level the model is compiled for.
    notion : str
        The simulation notion (``lambda = 1/2`` cells under ``rob`` / ``fp``).
    block_size : int or None
        ``b`` of the ``block`` level (group constructions pick a family that fits it).
    dim : int or None
        The dimension theory promises (group constructions pick the family of that dimension).
    """

    level: str
    notion: str = "fin"
    block_size: int | None = None
    dim: int | None = None

    def __post_init__(self) -> None:
        check_choice(self.level, LEVELS, "level")
        check_choice(self.notion, NOTIONS, "notion")
        check_optional_positive_int(self.block_size, "block_size")
        check_optional_positive_int(self.dim, "dim")


Builder = Callable[[DFA, BuildRequest], Spec]


@dataclass(frozen=True)
class ConstructionRecord:
    """One construction: its name, family, builder and whether it uses rotations.

    Calling a record with keyword options, ``record(dfa, level="full", notion="fin")``, builds
    its :class:`~bilinear.constructions._spec.Spec` (the options of :class:`BuildRequest`;
    others are ignored).
    """

    name: str
    family: str
    build: Builder
    summary: str

    def __post_init__(self) -> None:
        check_choice(self.name, CONSTRUCTION_PRIORITY, "construction")
        check_choice(self.family, FAMILIES, "family")

    @property
    def rotation(self) -> bool:
        """Whether the letters are rotations by ``2 pi k / n`` (cyclotomic certificates)."""
        return self.name in ROTATION_CONSTRUCTIONS

    def __call__(self, dfa: DFA, **options: Any) -> Spec:
        """Build with keyword options (``level``, ``notion``, ``block_size``, ``dim``)."""
        request = BuildRequest(options.get("level") or "full", options.get("notion") or "fin",
                               options.get("block_size"), options.get("dim"))
        return self.build(dfa, request)


# ------------------------------------------------------------------------------ builders
_PHASES = {"positive_diagonal": "none", "real_diagonal": "real"}


def _cells(name: str) -> Builder:
    def build(dfa: DFA, req: BuildRequest) -> Spec:
        return diagonal.commutative_cells(dfa, req.notion, _PHASES.get(req.level, "complex"),
                                          name)
    return build


def _snf(dfa: DFA, req: BuildRequest) -> Spec:
    return diagonal.abelian_snf_spec(dfa)


def _irrep_sum(dfa: DFA, req: BuildRequest) -> Spec:
    return groups.irrep_spec(dfa, req.dim, None,
                             req.block_size if req.level == "block" else None)


def _irrep_sum_enc(dfa: DFA, req: BuildRequest) -> Spec:
    return groups.irrep_spec(dfa, req.dim, True, None, "irrep_sum_enc")


def _fixed(make: Callable[[DFA], Spec]) -> Builder:
    def build(dfa: DFA, req: BuildRequest) -> Spec:
        return make(dfa)
    return build


_C = Construction
_ENTRIES: dict[str, tuple[str, Builder, str]] = {
    _C.PARITY_SIGN: ("diagonal", _snf, "the sign -1 on one unit per factor Z_2"),
    _C.CYCLIC_ROTATION: ("diagonal", _snf, "a rotation by 2 pi / n on two units"),
    _C.ABELIAN_SNF: ("diagonal", _snf, "one phase per invariant factor (Smith normal form)"),
    _C.SEEN_INDICATOR: ("diagonal", _cells("seen_indicator"), "0/1 count units (fin)"),
    _C.THRESHOLD_HALF: ("diagonal", _cells("threshold_half"), "lambda = 1/2 count units"),
    _C.PARITY_SEEN: ("diagonal", _cells("parity_seen"), "count units and signs (fin)"),
    _C.THRESHOLD_PARITY: ("diagonal", _cells("threshold_parity"),
                          "lambda = 1/2 count units and signs"),
    _C.PHASE_SEEN: ("diagonal", _cells("phase_seen"), "count units and rotations (fin)"),
    _C.THRESHOLD_PHASE: ("diagonal", _cells("threshold_phase"),
                         "lambda = 1/2 count units and rotations"),
    _C.ONE_HOT: ("one_hot", _fixed(onehot.one_hot), "a unit per state, A(a) e_q = e_{q.a}"),
    _C.SINK_ZERO: ("one_hot", _fixed(onehot.sink_zero), "one-hot with the sink state as 0"),
    _C.RESET_LINE: ("one_hot", _fixed(onehot.reset_line), "a line of reset states"),
    _C.RESET_BITS: ("one_hot", _fixed(onehot.reset_bits), "2 x 2 blocks of reset bits"),
    _C.CYCLIC_INTEGER: ("group", _fixed(lambda d: groups.abelian_integer_spec(
        d, "cyclic_integer")), "integer companion matrix of a cyclic group"),
    _C.ABELIAN_INTEGER: ("group", _fixed(groups.abelian_integer_spec),
                         "integer companion blocks of an abelian group"),
    _C.DIHEDRAL_INTEGER: ("group", _fixed(groups.dihedral_integer_spec),
                          "integer 2 x 2 forms of D_2, D_3, D_4, D_6"),
    _C.SN_STANDARD: ("group", _fixed(groups.sn_standard_spec),
                     "the integer standard representation of S_n / A_n"),
    _C.PERMUTATION: ("group", _fixed(groups.permutation_spec),
                     "permutation matrices of a faithful block action"),
    _C.Q8_COVER: ("group", _fixed(lambda d: groups.group_spec(
        "q8_cover", d, groups.q8_cover(), "cover", False)), "2 x 2 blocks through a cover"),
    _C.QUATERNION_LEFT: ("group", _fixed(lambda d: groups.group_spec(
        "quaternion_left", d, groups.quaternion_left())), "left multiplication by Q_8"),
    _C.A5_ICOSAHEDRAL: ("group", _fixed(lambda d: groups.group_spec(
        "a5_icosahedral", d, groups.a5_icosahedral(), state_determined=False)),
        "the icosahedral 3 x 3 representation of A_5"),
    _C.IRREP_SUM: ("group", _irrep_sum, "a faithful sum of real irreducibles"),
    _C.IRREP_SUM_ENC: ("group", _irrep_sum_enc,
                       "a faithful sum of irreducibles, state-determined"),
    _C.COMMUTATIVE_CELLS: ("diagonal", _cells("commutative_cells"),
                           "count and phase units, named by what they hold"),
}


class _Registry(Mapping[str, ConstructionRecord]):
    """Read-only mapping ``name -> ConstructionRecord`` in the vocabulary's priority order."""

    def __init__(self, records: Mapping[str, ConstructionRecord]) -> None:
        self._records = dict(records)

    def __getitem__(self, name: str) -> ConstructionRecord:
        return self._records[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __repr__(self) -> str:
        return f"<construction registry: {', '.join(self._records)}>"


#: Every construction, keyed by name, in :data:`~bilinear.vocabulary.CONSTRUCTION_PRIORITY`.
REGISTRY: Mapping[str, ConstructionRecord] = _Registry({
    str(name): ConstructionRecord(str(name), *_ENTRIES[name]) for name in CONSTRUCTION_PRIORITY
})


def record(name: str) -> ConstructionRecord:
    """The record of construction ``name`` (an :class:`~bilinear.errors.InvalidArgumentError`
    listing the known names otherwise).

    Examples
    --------
    >>> record("one_hot").family
    'one_hot'
    """
    check_choice(name, tuple(REGISTRY), "construction")
    return REGISTRY[name]
