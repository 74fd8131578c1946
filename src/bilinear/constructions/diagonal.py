"""Diagonal constructions for commutative automata (docs/explanation/levels.md#diagonal,
docs/explanation/constructions.md#diagonal-constructions).

Realised on real units: a complex unit ``e^{i theta}`` is the 2 x 2 rotation-scaling block
``[[cos, -sin], [sin, cos]]`` (docs/explanation/hierarchy.md#levels).

* ``abelian_snf`` (group automata): one phase per invariant factor ``d`` of the Smith normal form
  (docs/explanation/constructions.md#abelian); ``d = 2`` is the sign ``lambda = -1`` on one unit
  (``parity_sign``), ``d > 2`` a rotation by ``2 pi / d`` on two units (``cyclic_rotation``).  Real
  dimension ``cost(G)``; codewords all have norm ``sqrt(#factors)``, so the readout is
  nearest-codeword ``c . h``.
* ``commutative_cells`` (any commutative automaton): per letter ``a`` with index ``k_a`` and
  period ``p_a`` a count unit (``lambda_a = 0`` under ``fin``, ``1/2`` under ``rob``/``fp``) when
  ``k_a >= 1`` and a phase (sign or rotation) when ``p_a >= 2``, plus a constant unit
  (``lambda = 1``): the bias of the nearest-codeword readout ``2 c . h - |c|^2``
  (docs/explanation/conventions.md#readout-bias). Count unit of ``a`` = ``lambda^{n_a}``; the cells
  are ``{1}, {2^-1}, ..., [0, 2^-k_a]`` (docs/explanation/certificates.md#c-cell); names:
  ``seen_indicator`` (fin, no phases), ``threshold_half`` (rob/fp).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sympy as sp

from bilinear.automata.dfa import DFA
from bilinear.constructions._spec import Spec, exact_vector
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory.groups import abelian_snf
from bilinear.theory.letters import letter_infos, letter_maps

__all__ = ["abelian_snf_spec", "commutative_cells", "rotation", "phase_block", "cos_sin",
           "CELL_CAP"]

#: Largest number of readout rows (combinations of cells) of ``commutative_cells``.
CELL_CAP = 20_000


def rotation(k: int, n: int) -> sp.ImmutableMatrix:
    """The exact rotation by ``2 pi k / n``: ``[[cos, -sin], [sin, cos]]``.

    Examples
    --------
    >>> rotation(1, 4)
    Matrix([
    [0, -1],
    [1,  0]])
    """
    c, s = cos_sin(k % n, n)
    return sp.ImmutableMatrix([[c, -s], [s, c]])


@lru_cache(maxsize=8192)
def cos_sin(k: int, n: int) -> tuple[sp.Expr, sp.Expr]:
    """sympy's ``cos(2 pi k / n)`` and ``sin(2 pi k / n)`` (``0 <= k < n``), built once per
    angle: sympy's own evaluation at a rational multiple of ``pi`` costs milliseconds, and the
    letters and codes of a construction share their angles; ``k > n / 2`` mirrors ``n - k``
    (``cos`` even, ``sin`` odd: the expressions sympy writes for both are the same).

    Examples
    --------
    >>> cos_sin(1, 6), cos_sin(5, 6)
    ((1/2, sqrt(3)/2), (1/2, -sqrt(3)/2))
    """
    if 2 * k > n:
        c, s = cos_sin(n - k, n)
        return c, -s
    return sp.cos(2 * sp.pi * k / n), sp.sin(2 * sp.pi * k / n)


def phase_block(k: int, n: int) -> sp.ImmutableMatrix:
    """``e^{2 pi i k / n}`` realised: ``[(-1)^k]`` for ``n = 2``, else a 2 x 2 rotation."""
    if n == 2:
        return sp.ImmutableMatrix([[(-1) ** (k % 2)]])
    return rotation(k % n, n)


def _phase_code(k: int, n: int) -> list:
    if n == 2:
        return [(-1) ** (k % 2)]
    return list(cos_sin(k % n, n))


def _block_diag(blocks: list[sp.ImmutableMatrix]) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(sp.diag(*blocks)) if blocks else sp.ImmutableMatrix(1, 1, [1])


def abelian_snf_spec(dfa: DFA) -> Spec:
    """Abelian group automaton by invariant-factor phases
    (docs/explanation/constructions.md#abelian; ``complex_diagonal``).

    Recurrence: unit block ``i`` is multiplied by ``e^{2 pi i c_{a,i} / d_i}`` when letter
    ``a`` is read, ``h0 = (1, 0, 1, 0, ...)``; the state ``g`` has code
    ``(e^{2 pi i g_i / d_i})_i``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("abelian", orders="2x4").dfa, level="complex_diagonal")
    >>> rnn.H, rnn.info["construction"], rnn.exact.field
    (3, 'abelian_snf', 'ZZ')
    """
    snf = abelian_snf(dfa)
    factors = snf.factors
    letters = tuple(
        _block_diag([phase_block(c, d)
                     for c, d in zip(snf.letter_coordinates[a], factors, strict=True)])
        for a in dfa.alphabet
    )
    encoding = {
        q: exact_vector([x for g, d in zip(coords, factors, strict=True)
                         for x in _phase_code(g, d)] or [1])
        for q, coords in enumerate(snf.state_coordinates)
    }
    name = "abelian_snf"
    if len(factors) == 1:
        name = "parity_sign" if factors[0] == 2 else "cyclic_rotation"
    return Spec(name, letters, encoding[dfa.start_index], encoding=encoding,
                options={"invariant_factors": list(factors)})


def _count_values(k: int, lam: sp.Rational) -> list:
    """Representatives of the cells of a count unit with index ``k``: ``lam^0 .. lam^{k-1}``
    and, for the terminal cell, ``0`` (``lam = 0``) or ``lam^{k+1}`` (``lam = 1/2``)."""
    reps = [lam ** m for m in range(k)]
    reps.append(sp.Integer(0) if lam == 0 else lam ** (k + 1))
    return reps


def _representatives(dfa: DFA) -> list[int]:
    """For each letter, the first letter with the same map (letters with one map share units)."""
    first: dict[bytes, int] = {}
    return [first.setdefault(m.tobytes(), a) for a, m in enumerate(letter_maps(dfa))]


def commutative_cells(dfa: DFA, notion: str = "fin", phases: str = "complex",
                      name: str | None = None) -> Spec:
    """Per-letter count and phase units plus a constant unit (docs/explanation/levels.md#diagonal,
    docs/explanation/constructions.md#commutative-monoids).

    Recurrence (diagonal): count unit of ``a``: ``h <- lambda h`` on ``a``, unchanged on other
    letters (``lambda = 0`` for ``fin``, ``1/2`` for ``rob``/``fp``); phase unit(s) of ``a``:
    ``h <- e^{2 pi i / p_a} h``; constant unit: always 1.  Letters with the same map share
    their units.  ``h0 = 1`` on count and constant units, ``(1, 0)`` on rotations.  Readout:
    nearest cell representative, one row ``2 c - |c|^2 e_const`` per reachable combination of
    cells.  The constant unit is the bias that the bias-free readout needs
    (docs/explanation/conventions.md#readout-bias): ``H`` is one more than theory's affine-decoder
    count (``info["bias_unit"]``).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("threshold", k=2).dfa
    >>> rnn = compile_automaton(d, level="positive_diagonal", notion="rob")
    >>> rnn.H, rnn.output("abaab") == d.output("abaab")
    (2, True)
    """
    infos = letter_infos(dfa)
    rep = _representatives(dfa)
    lam = sp.Integer(0) if notion == "fin" else sp.Rational(1, 2)
    units: list[tuple[str, int, int]] = []  # (kind, representative letter, parameter)
    for a, info in enumerate(infos):
        if rep[a] != a:
            continue
        if info.index >= 1:
            if lam == 0 and info.index > 1:
                raise UnsupportedConstructionError(
                    f"letter {info.symbol!r} has index {info.index} > 1: no finite diagonal "
                    "simulation (use notion='rob' for lambda = 1/2 cells)"
                )
            units.append(("count", a, info.index))
        if info.period >= 2:
            if phases == "none" or (info.period > 2 and phases != "complex"):
                raise UnsupportedConstructionError(
                    f"letter {info.symbol!r} has period {info.period}: not a "
                    + ("nonnegative" if phases == "none" else "real") + " diagonal phase"
                )
            units.append(("phase", a, info.period))
    letters = tuple(_cells_letter(units, rep[a], lam) for a in range(dfa.n_symbols))
    h0 = exact_vector([x for u in units for x in _unit_start(u)] + [1])
    kinds = {u[0] for u in units}
    periods = {u[2] for u in units if u[0] == "phase"}
    family = "seen" if "phase" not in kinds else ("parity" if periods <= {2} else "phase")
    if name in (None, "commutative_cells"):
        name = {("seen", True): "seen_indicator", ("seen", False): "threshold_half",
                ("parity", True): "parity_seen", ("parity", False): "threshold_parity",
                ("phase", True): "phase_seen", ("phase", False): "threshold_phase"}[
            (family, lam == 0)]
    R, labels = _cells_readout(dfa, units, lam, rep)
    return Spec(name, letters, h0, readout=(R, labels),
                options={"notion": notion, "bias_unit": True,
                         "units": [f"{k}:{dfa.alphabet[a]}:{p}" for k, a, p in units]})


def _unit_start(unit: tuple[str, int, int]) -> list:
    kind, _, p = unit
    return [1] if kind == "count" or p == 2 else [1, 0]


def _cells_letter(units: list, a: int, lam: sp.Rational) -> sp.ImmutableMatrix:
    blocks = []
    for kind, b, p in units:
        if kind == "count":
            blocks.append(sp.ImmutableMatrix([[lam if b == a else 1]]))
        else:
            blocks.append(phase_block(1 if b == a else 0, p))
    blocks.append(sp.ImmutableMatrix([[1]]))
    return _block_diag(blocks)


def _cells_readout(dfa: DFA, units: list, lam: sp.Rational,
                   rep: list[int]) -> tuple[sp.ImmutableMatrix, tuple]:
    """One row ``2 c - |c|^2 e_const`` per reachable combination of cell representatives."""
    infos = letter_infos(dfa)
    letters = sorted(set(rep))
    per_letter = []
    for a in letters:
        k, p = infos[a].index, infos[a].period
        per_letter.append([(m, r) for m in range(k + 1) for r in range(p)
                           if m == k or m % p == r])
    size = 1
    for cells in per_letter:
        size *= len(cells)
    if size > CELL_CAP:
        raise UnsupportedConstructionError(
            f"the cell readout would have {size} rows (cap {CELL_CAP}): too many letters with "
            "count or phase units for one nearest-codeword row per combination")
    rows, labels = [], []
    for combo in itertools.product(*per_letter):
        state = dict(zip(letters, combo, strict=False))
        q = dfa.start_index
        for a, (m, r) in state.items():
            k, p = infos[a].index, infos[a].period
            n = m if m < k else k + ((r - k) % p)
            for _ in range(n):
                q = int(dfa.table[q, a])
        code: list = []
        for kind, a, p in units:
            m, r = state[a]
            code += _count_values(p, lam)[m:m + 1] if kind == "count" else _phase_code(r, p)
        c = sp.Matrix(code + [1])
        norm2 = sum(x * x for x in code) + 1
        row = 2 * c.T
        row[0, len(code)] -= norm2
        rows.append(row.applyfunc(sp.nsimplify) if not all(x.is_Rational for x in row)
                    else row)
        labels.append(dfa.label_values[dfa.label_index[q]])
    return sp.ImmutableMatrix(sp.Matrix.vstack(*rows)), tuple(labels)


def cost(factors: list[int]) -> int:
    """Real dimension of the invariant-factor realisation: 1 per ``d = 2``, 2 per ``d > 2``."""
    return sum(1 if d == 2 else 2 for d in factors)


