"""Exact bilinear RNN weights: compile automata and group representations, per level.

A :class:`BilinearRNN` holds ``W`` (H, H, D), ``h0`` and a bias-free readout ``R`` as float64
arrays, with the exact form beside them (:class:`ExactWeights`: sympy integers, rationals or
algebraic numbers).  :func:`compile_automaton` builds, for every level where the theory module
says "yes", a model reaching its dimension; a level that cannot simulate the automaton raises
:class:`~bilinear.errors.UnsupportedConstructionError` with theory's reason and witness.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> rnn = compile_automaton(tasks.get("symmetric", n=3).dfa, level="block", block_size=2)
>>> rnn.H, rnn.info["construction"], rnn.exact.field
(2, 'dihedral_integer', 'ZZ')
>>> d = tasks.get("cyclic", n=5).dfa
>>> compile_automaton(d, level="complex_diagonal").output("111") == d.output("111")
True
"""

from bilinear.constructions.combine import direct_sum, embed
from bilinear.constructions.compile import CONSTRUCTIONS, check_compilable, compile_automaton
from bilinear.constructions.npz import from_exact_json
from bilinear.constructions.representation import compile_representation
from bilinear.constructions.rnn import BilinearRNN, ExactWeights

__all__ = [
    "BilinearRNN",
    "ExactWeights",
    "CONSTRUCTIONS",
    "check_compilable",
    "compile_automaton",
    "compile_representation",
    "direct_sum",
    "embed",
    "from_exact_json",
]
