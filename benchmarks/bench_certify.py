"""Certificate for a trained-size model vs evaluating it on random words.

``certify_trained`` extracts the automaton of a 64-unit ``full`` model of a 10-state task,
compares it with the task and proves it for every length with exact interval boxes.  The model
is the one-hot construction of ``random_fsm:states=10,symbols=2,seed=3`` embedded in 64 units
(a direct sum with 54 idle units, then a random permutation of the units), standing in for a
trained model without needing torch.  The baseline, measured in the same run, evaluates the
same model on 1,000 random words of length 500 (100 words of length 50 with ``--quick`` /
``--smoke``), which proves nothing beyond those words.
"""

from __future__ import annotations

import time

import numpy as np

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification.extraction import certify_trained

H = 64


def _embedded(spec: str, seed: int = 0) -> BilinearRNN:
    dfa = tasks.resolve(spec).dfa
    small = compile_automaton(dfa, level="full", construction="one_hot")
    n = small.H
    rng = np.random.default_rng(seed)
    perm = rng.permutation(H)
    W = np.zeros((H, H, small.D))
    W[np.ix_(perm[:n], perm[:n])] = small.W
    h0 = np.zeros(H)
    h0[perm[:n]] = small.h0
    R = np.zeros((small.S, H))
    R[:, perm[:n]] = small.readout
    return BilinearRNN(W=W, h0=h0, readout=R, alphabet=small.alphabet, labels=small.labels,
                       level="full")


def rows(quick: bool) -> list[dict]:
    """Time of ``certify_trained`` vs ``states_batch`` + decoding on random words."""
    spec = "random_fsm:states=10,symbols=2,seed=3"
    rnn = _embedded(spec)
    dfa = tasks.resolve(spec).dfa
    n_words, length = (100, 50) if quick else (1_000, 500)
    t0 = time.perf_counter()
    cert = certify_trained(rnn, dfa)
    t_cert = time.perf_counter() - t0
    if cert.outcome != "certified":  # pragma: no cover - a regression
        raise RuntimeError(cert.summary())
    words = np.random.default_rng(1).integers(0, rnn.D, size=(n_words, length))
    t0 = time.perf_counter()
    rnn.decode_indices(rnn.states_batch(words))
    t_eval = time.perf_counter() - t0
    return [{"benchmark": f"certify_full_{H}_units_random_fsm_10", "value": t_cert, "unit": "s",
             "baseline": f"evaluating the model on {n_words:,} random words of length "
                         f"{length}", "ratio": t_cert / t_eval}]
