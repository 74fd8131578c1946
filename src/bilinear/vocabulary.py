"""The project's vocabulary: every name that more than one module uses, defined once.

Levels of the hierarchy, simulation notions, verdicts, construction names, the chain on which
``minimal_level`` is taken, the trained baselines and the construction priority all live here;
every other module imports them.  The enumerations are string enums, so a member compares
equal to its name and JSON stays plain strings.

Examples
--------
>>> from bilinear.vocabulary import CHAIN, LEVELS, Level, Notion, Verdict
>>> CHAIN
('positive_diagonal', 'real_diagonal', 'complex_diagonal', 'block', 'full')
>>> LEVELS[-2:]
('monomial', 'cp')
>>> Level("cp") == "cp", Level.CP.value
(True, 'cp')
>>> [n.value for n in Notion]
['fin', 'rob', 'fp']
>>> Verdict.YES == "yes"
True
>>> import json; json.dumps({"level": Level.FULL})
'{"level": "full"}'
"""

from __future__ import annotations

import enum

__all__ = [
    "Level",
    "Notion",
    "Verdict",
    "Construction",
    "CHAIN",
    "LEVELS",
    "DIAGONAL_LEVELS",
    "REAL_DIAGONAL_LEVELS",
    "ONE_HOT_LEVELS",
    "NOTIONS",
    "VERDICTS",
    "BASELINES",
    "CONSTRUCTION_PRIORITY",
    "CONSTRUCTIONS",
    "ROTATION_CONSTRUCTIONS",
    "DEVICES",
]


class _StrEnum(str, enum.Enum):
    """A string enum whose ``str()`` and ``format()`` give the value (as ``enum.StrEnum``)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Level(_StrEnum):
    """The levels of the hierarchy of bilinear model classes, from full ``W`` down."""

    POSITIVE_DIAGONAL = "positive_diagonal"
    REAL_DIAGONAL = "real_diagonal"
    COMPLEX_DIAGONAL = "complex_diagonal"
    BLOCK = "block"
    FULL = "full"
    MONOMIAL = "monomial"
    CP = "cp"


class Notion(_StrEnum):
    """Simulation notions: exact on finite words, robust to small errors, in floating point."""

    FIN = "fin"
    ROB = "rob"
    FP = "fp"


class Verdict(_StrEnum):
    """The answer of a level to "can it simulate this automaton?"."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Construction(_StrEnum):
    """Names of the constructions that compile an automaton into weights.

    The order of the members is the tie-break priority of :func:`bilinear.theory.classify`
    among constructions of equal dimension: the simplest (exact, explicit) first.
    """

    PARITY_SIGN = "parity_sign"
    CYCLIC_ROTATION = "cyclic_rotation"
    ABELIAN_SNF = "abelian_snf"
    SEEN_INDICATOR = "seen_indicator"
    THRESHOLD_HALF = "threshold_half"
    PARITY_SEEN = "parity_seen"
    THRESHOLD_PARITY = "threshold_parity"
    PHASE_SEEN = "phase_seen"
    THRESHOLD_PHASE = "threshold_phase"
    ONE_HOT = "one_hot"
    SINK_ZERO = "sink_zero"
    RESET_LINE = "reset_line"
    RESET_BITS = "reset_bits"
    CYCLIC_INTEGER = "cyclic_integer"
    ABELIAN_INTEGER = "abelian_integer"
    DIHEDRAL_INTEGER = "dihedral_integer"
    SN_STANDARD = "sn_standard"
    PERMUTATION = "permutation"
    Q8_COVER = "q8_cover"
    QUATERNION_LEFT = "quaternion_left"
    A5_ICOSAHEDRAL = "a5_icosahedral"
    IRREP_SUM = "irrep_sum"
    IRREP_SUM_ENC = "irrep_sum_enc"
    COMMUTATIVE_CELLS = "commutative_cells"


#: The chain on which ``minimal_level`` is taken, lowest first.
CHAIN: tuple[str, ...] = (
    Level.POSITIVE_DIAGONAL.value,
    Level.REAL_DIAGONAL.value,
    Level.COMPLEX_DIAGONAL.value,
    Level.BLOCK.value,
    Level.FULL.value,
)

#: Every level: the chain first, then ``monomial`` and ``cp``.
LEVELS: tuple[str, ...] = tuple(level.value for level in Level)

#: The diagonal levels (commuting letter matrices), lowest first.
DIAGONAL_LEVELS: tuple[str, ...] = CHAIN[:3]

#: The real diagonal levels (no rotations).
REAL_DIAGONAL_LEVELS: tuple[str, ...] = CHAIN[:2]

#: Levels that every automaton reaches through a one-hot construction.
ONE_HOT_LEVELS: tuple[str, ...] = (Level.FULL.value, Level.MONOMIAL.value, Level.CP.value,
                                   Level.BLOCK.value)

#: Every simulation notion, the default first.
NOTIONS: tuple[str, ...] = tuple(n.value for n in Notion)

#: Every verdict.
VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)

#: The trained baselines that are not bilinear.
BASELINES: tuple[str, ...] = ("lstm", "elman", "transformer", "mamba_like")

#: Construction names in tie-break priority (see :class:`Construction`).
CONSTRUCTION_PRIORITY: tuple[str, ...] = tuple(c.value for c in Construction)

#: Every construction name (the same set as :data:`CONSTRUCTION_PRIORITY`).
CONSTRUCTIONS: frozenset[str] = frozenset(CONSTRUCTION_PRIORITY)

#: Constructions whose letter matrices are rotations by angles ``2 pi k / n`` (irrational
#: entries in general: certified over cyclotomic fields).
ROTATION_CONSTRUCTIONS: tuple[str, ...] = (
    Construction.CYCLIC_ROTATION.value,
    Construction.ABELIAN_SNF.value,
    Construction.PHASE_SEEN.value,
    Construction.THRESHOLD_PHASE.value,
)

#: Device names accepted wherever torch runs (``"auto"``: CUDA when present).
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")
