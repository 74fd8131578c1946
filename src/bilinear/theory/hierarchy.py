"""The hierarchy of bilinear model classes, as data (docs/explanation/hierarchy.md#levels,
docs/explanation/levels.md).

One place that the report, the documentation, the command line and :func:`classify` read: every
level with its name, the structure of each ``A(a)``, the parameter count as a function of
``(H, D, b)`` (or ``(H, D, R)`` for ``cp``), and the tests behind its verdicts with their status
in the explanation pages, docs/explanation/ (THEOREM / FOLKLORE / CONJECTURE).

Examples
--------
>>> from bilinear.theory.hierarchy import LEVELS, CHAIN, level, parameter_count
>>> CHAIN
('positive_diagonal', 'real_diagonal', 'complex_diagonal', 'block', 'full')
>>> level("block").structure
'block-diagonal with b x b blocks (b is a parameter)'
>>> parameter_count("block", H=6, D=3, b=2)
36
>>> parameter_count("cp", H=4, D=2, R=5)
50
>>> sorted(LEVELS) == sorted(CHAIN + ("monomial", "cp"))
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bilinear._validation import check_choice, check_nonnegative_int
from bilinear.errors import UnknownLevelError
from bilinear.vocabulary import CHAIN, NOTIONS, VERDICTS

__all__ = [
    "DIMENSION_CONVENTION",
    "Criterion",
    "Level",
    "LEVELS",
    "CHAIN",
    "NOTIONS",
    "VERDICTS",
    "TEST_KINDS",
    "STATUSES",
    "check_notion",
    "level",
    "parameter_count",
    "level_names",
]

#: How :func:`bilinear.theory.classify` counts dimensions (``dim_upper`` / ``dim_lower``).
DIMENSION_CONVENTION = (
    "Real dimension of the state h (a complex unit counts 2) for the decoder of "
    "docs/explanation/conventions.md#decoding: argmax over readout rows (one row per codeword, "
    "several rows may share a "
    "label), no bias, ties fail. A code vector is therefore never 0, and constructions with "
    "'seen' or threshold coordinates carry one constant coordinate (the bias of "
    "docs/explanation/conventions.md#readout-bias, "
    "written '+1 bias' in docs/explanation/levels.md#examples). Lower bounds hold for every "
    "decoder; d_enc values "
    "are those of docs/explanation/bounds.md#d-enc (decoder D_aff)."
)

#: Kinds of decision tests (:attr:`Criterion.kind`).
TEST_KINDS: tuple[str, ...] = ("iff", "necessary", "sufficient")

#: Status labels of a test (:attr:`Criterion.status`).
STATUSES: tuple[str, ...] = ("THEOREM", "FOLKLORE", "CONJECTURE", "EXPERIMENT")


@dataclass(frozen=True)
class Criterion:
    """One decision test of a level for one notion, with its source in the project's docs.

    Attributes
    ----------
    notion : str
        ``"fin"``, ``"rob"`` or ``"fp"``.
    statement : str
        The condition, on the transition monoid ``M`` of the minimal automaton.
    kind : str
        ``"iff"`` (decides the level), ``"necessary"`` (a "no" when it fails) or
        ``"sufficient"`` (a "yes" when it holds).
    status : str
        ``"THEOREM"``, ``"FOLKLORE"`` or ``"CONJECTURE"`` as labelled in docs/explanation/levels.md.
    source : str
        Page and anchor in docs/explanation/ (and the paper when there is one).
    """

    notion: str
    statement: str
    kind: str
    status: str
    source: str

    def __post_init__(self) -> None:
        check_choice(self.notion, NOTIONS, "notion")
        check_choice(self.kind, TEST_KINDS, "test kind")
        check_choice(self.status, STATUSES, "status")


@dataclass(frozen=True)
class Level:
    """A level of the hierarchy (docs/explanation/hierarchy.md#levels).

    Attributes
    ----------
    name : str
        Name used everywhere (API, CLI, JSON, report).
    structure : str
        The structure of each ``A(a)``.
    params : str
        The parameter count as a formula in ``H`` (units), ``D`` (symbols), ``b`` or ``R``.
    count : callable
        ``count(H, D, extra)`` giving the number of parameters (``extra`` is ``b`` or ``R``).
    on_chain : bool
        Whether the level is on the chain used for ``minimal_level``.
    tests : tuple of Criterion
        The tests behind the verdicts, per notion.
    """

    name: str
    structure: str
    params: str
    count: Callable[[int, int, int | None], int] = field(repr=False)
    on_chain: bool
    tests: tuple[Criterion, ...] = ()

    def tests_for(self, notion: str) -> tuple[Criterion, ...]:
        """The tests of this level for one notion."""
        return tuple(t for t in self.tests if t.notion == notion)


def _t(notion: str, statement: str, kind: str, status: str, source: str) -> Criterion:
    return Criterion(notion, statement, kind, status, source)


_COMMUTE = "M commutative (diagonal matrices commute)"

LEVELS: dict[str, Level] = {
    "positive_diagonal": Level(
        "positive_diagonal",
        "nonnegative real diagonal (the Mamba-like end)",
        "H D",
        lambda H, D, x: H * D,
        True,
        (
            _t("fin", "M commutative and idempotent (every letter map idempotent)", "iff",
               "FOLKLORE", "docs/explanation/levels.md#pdiag"),
            _t("rob", "M commutative and aperiodic (every letter period 1)", "iff",
               "FOLKLORE", "docs/explanation/levels.md#pdiag"),
            _t("fp", "M aperiodic", "necessary", "FOLKLORE",
               "docs/explanation/levels.md#pdiag (monotone rounding); Sarrof+24 Thm 2"),
            _t("fp", "M commutative and aperiodic (lambda = 1/2 is exact)", "sufficient",
               "FOLKLORE", "docs/explanation/levels.md#pdiag"),
        ),
    ),
    "real_diagonal": Level(
        "real_diagonal",
        "real diagonal, any sign",
        "H D",
        lambda H, D, x: H * D,
        True,
        (
            _t("fin", "M commutative and every letter map satisfies t^3 = t", "iff",
               "FOLKLORE", "docs/explanation/levels.md#rdiag"),
            _t("rob", "M commutative and every letter period in {1, 2}", "iff",
               "FOLKLORE", "docs/explanation/levels.md#rdiag"),
            _t("fp", "every subgroup of M has exponent <= 2", "necessary", "FOLKLORE",
               "docs/explanation/levels.md#rdiag; Grazzi+25 Thm 2"),
            _t("fp", "M commutative and every letter period in {1, 2}", "sufficient",
               "FOLKLORE", "docs/explanation/levels.md#rdiag"),
        ),
    ),
    "complex_diagonal": Level(
        "complex_diagonal",
        "complex diagonal; realised as 2 x 2 scaled rotations (R2 blocks)",
        "2 H D",
        lambda H, D, x: 2 * H * D,
        True,
        (
            _t("fin", "M commutative and every letter index <= 1 (commutative Clifford)",
               "iff", "FOLKLORE", "docs/explanation/levels.md#cdiag"),
            _t("rob", _COMMUTE, "iff", "FOLKLORE", "docs/explanation/levels.md#cdiag"),
            _t("fp", "no non-abelian group word problem", "necessary", "THEOREM",
               "docs/explanation/levels.md#cdiag; Shakerinava+26"),
            _t("fp", "M commutative with every letter period in {1, 2, 4}", "sufficient",
               "FOLKLORE", "docs/explanation/levels.md#cdiag, "
                           "docs/explanation/numerical-stability.md#exact-families"),
        ),
    ),
    "block": Level(
        "block",
        "block-diagonal with b x b blocks (b is a parameter)",
        "b H D",
        lambda H, D, b: (b if b is not None else 2) * H * D,
        True,
        (
            _t("fin", "every element of M has index <= b", "necessary", "FOLKLORE",
               "docs/explanation/levels.md#index-bound"),
            _t("fin", "b = 2: every subgroup G of M has G^2 = <g^2> abelian", "necessary",
               "FOLKLORE", "docs/explanation/levels.md#block"),
            _t("fin", "b = 3: a non-solvable subgroup with trivial solvable radical has "
               "exponent dividing 30", "necessary", "FOLKLORE",
               "docs/explanation/levels.md#block-3 (S5 argument)"),
            _t("fin", "a faithful real representation that is a sum of irreducibles of "
               "dimension <= b, or a construction of block size <= b", "sufficient",
               "FOLKLORE",
               "docs/explanation/levels.md#block, docs/explanation/algebra.md#rep-computations"),
            _t("rob", "b = 2: every subgroup G of M has G^2 abelian", "necessary",
               "FOLKLORE", "docs/explanation/levels.md#block-2 (via the compact lift of "
                           "docs/explanation/simulation-notions.md#lemmas)"),
            _t("rob", "a Sim_fin construction or a commutative monoid", "sufficient",
               "FOLKLORE", "docs/explanation/levels.md#cdiag, #block"),
            _t("fp", "an exact (integer / 0-1) construction of block size <= b", "sufficient",
               "FOLKLORE", "docs/explanation/levels.md#block, "
                           "docs/explanation/numerical-stability.md#exact-families"),
        ),
    ),
    "full": Level(
        "full",
        "any H x H matrix",
        "H^2 D",
        lambda H, D, x: H * H * D,
        True,
        (
            _t("fin", "every DFA (one-hot, H = |Q|)", "iff", "THEOREM",
               "docs/explanation/levels.md#full; Grazzi+25 App. A.3"),
            _t("rob", "every DFA", "iff", "THEOREM", "docs/explanation/levels.md#full"),
            _t("fp", "every DFA (one-hot is exact in every format)", "iff", "THEOREM",
               "docs/explanation/levels.md#full, "
               "docs/explanation/numerical-stability.md#exact-families"),
        ),
    ),
    "monomial": Level(
        "monomial",
        "column one-hot matrix times diagonal (a function of units, scaled)",
        "2 H D",
        lambda H, D, x: 2 * H * D,
        False,
        (
            _t("fin", "every DFA, H <= |Q|", "iff", "THEOREM",
               "docs/explanation/levels.md#monomial; Terzic+25b Prop. 2"),
            _t("rob", "every DFA, H <= |Q|", "iff", "THEOREM",
               "docs/explanation/levels.md#monomial"),
            _t("fp", "every DFA, H <= |Q|, exact", "iff", "THEOREM",
               "docs/explanation/levels.md#monomial"),
        ),
    ),
    "cp": Level(
        "cp",
        "rank-R CP factorization: A(x) = U diag(V^T x) Z^T",
        "R (2 H + D)",
        lambda H, D, R: (R if R is not None else H) * (2 * H + D),
        False,
        (
            _t("fin", "every DFA, R <= #{(q, q.a)} <= |Q| min(|Q|, K)", "iff", "FOLKLORE",
               "docs/explanation/levels.md#cp"),
            _t("rob", "every DFA (as fin)", "iff", "FOLKLORE", "docs/explanation/levels.md#cp"),
            _t("fp", "every DFA (as fin; 0/1 weights)", "iff", "FOLKLORE",
               "docs/explanation/levels.md#cp"),
        ),
    ),
}


def level_names() -> list[str]:
    """All level names: the chain first, then ``monomial`` and ``cp``.

    Examples
    --------
    >>> level_names()[-2:]
    ['monomial', 'cp']
    """
    return list(CHAIN) + [n for n in LEVELS if n not in CHAIN]


def level(name: str) -> Level:
    """The :class:`Level` called ``name``; raises :class:`UnknownLevelError` otherwise.

    Examples
    --------
    >>> level("full").params
    'H^2 D'
    >>> level("tiny")
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownLevelError: unknown level 'tiny'; the levels are positive_diagonal, \
real_diagonal, complex_diagonal, block, full, monomial, cp
    """
    try:
        return LEVELS[name]
    except (KeyError, TypeError):
        raise UnknownLevelError(
            f"unknown level {name!r}; the levels are {', '.join(level_names())}"
        ) from None


def check_notion(notion: str) -> str:
    """Return ``notion`` if it is a simulation notion (docs/explanation/simulation-notions.md), else
    raise.

    Examples
    --------
    >>> check_notion("rob")
    'rob'
    >>> check_notion("exact")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: unknown notion 'exact'; use one of fin, rob, fp
    """
    return str(check_choice(notion, NOTIONS, "notion"))


def parameter_count(name: str, H: int, D: int, b: int | None = None, R: int | None = None) -> int:
    """Number of parameters of level ``name`` with ``H`` units and ``D`` symbols.

    ``b`` is the block size of ``block`` (default 2) and ``R`` the CP rank of ``cp``
    (default ``H``).

    Examples
    --------
    >>> parameter_count("full", H=3, D=2)
    18
    """
    check_nonnegative_int(H, "H")
    check_nonnegative_int(D, "D")
    lv = level(name)
    extra = R if name == "cp" else b
    return int(lv.count(H, D, extra))
