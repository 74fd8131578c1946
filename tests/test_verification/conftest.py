"""Hand-built models and automata shared by the verification tests."""

from __future__ import annotations

import types

import numpy as np
import pytest

from bilinear.automata import DFA
from bilinear.constructions import BilinearRNN


def rot(theta: float) -> np.ndarray:
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def zn_pm_dfa(n: int) -> DFA:
    """Z_n with letters '+' and '-' (add or subtract one), label = the residue."""
    states = list(range(n))
    trans = {(q, "+"): (q + 1) % n for q in states}
    trans.update({(q, "-"): (q - 1) % n for q in states})
    return DFA(states=states, alphabet=["+", "-"], transitions=trans, start=0, name=f"Z{n}+-")


def zn_rotation(n: int, delta: float = 0.0) -> BilinearRNN:
    """The 2 x 2 rotation model of Z_n with letters +-1; nearest-angle readout (float only)."""
    th = 2 * np.pi / n
    W = np.stack([rot(th + delta), rot(-th)], axis=2)
    R = np.array([[np.cos(j * th), np.sin(j * th)] for j in range(n)])
    return BilinearRNN(W=W, h0=np.array([1.0, 0.0]), readout=R, alphabet=("+", "-"),
                       labels=tuple(range(n)), level="complex_diagonal")


def z4_integer() -> BilinearRNN:
    """Z_4 with the integer rotation [[0, -1], [1, 0]] (exact in every format)."""
    J = np.array([[0.0, -1.0], [1.0, 0.0]])
    W = np.stack([J, J.T], axis=2)
    R = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    return BilinearRNN(W=W, h0=np.array([1.0, 0.0]), readout=R, alphabet=("+", "-"),
                       labels=(0, 1, 2, 3), level="block")


def one_hot(dfa: DFA) -> BilinearRNN:
    """The dense one-hot construction of docs/explanation/constructions.md#one-hot, built by
    hand."""
    n, k = dfa.table.shape
    W = np.zeros((n, n, k))
    for a in range(k):
        W[dfa.table[:, a], np.arange(n), a] = 1.0
    h0 = np.zeros(n)
    h0[dfa.start_index] = 1.0
    R = np.zeros((len(dfa.label_values), n))
    R[dfa.label_index, np.arange(n)] = 1.0
    return BilinearRNN(W=W, h0=h0, readout=R, alphabet=dfa.alphabet, labels=dfa.label_values,
                       level="full")


@pytest.fixture(scope="session")
def vh() -> types.SimpleNamespace:
    """The helpers above, for tests (``--import-mode=importlib`` has no sibling imports)."""
    return types.SimpleNamespace(rot=rot, zn_pm_dfa=zn_pm_dfa, zn_rotation=zn_rotation,
                                 z4_integer=z4_integer, one_hot=one_hot)
