"""Certificate for a 64-unit model of a 10-state task vs evaluating it on random words.

Two rows, both on ``random_fsm:states=10,symbols=2,seed=3``:

* ``certify_trained_full_64_units_random_fsm_10``: a *trained* 64-unit ``full`` model (the
  quick suite's recipe: Adam, lr 0.01, batches of 64 words of length 2-10, early stop at
  validation accuracy 1; 800 steps at most, a few seconds; 50 steps with ``--quick`` /
  ``--smoke``), exported with :meth:`BilinearModel.to_rnn
  <bilinear.models.BilinearModel.to_rnn>` and certified by ``certify_trained`` (extraction,
  comparison, proof attempt, random-word search: whatever the outcome, usually ``refuted``
  for so short a training).  Baseline: the torch model's evaluation on 1,000 random words of
  length 500 (100 of length 50 with ``--quick``), the sampled criterion of the report.
* ``certify_full_64_units_random_fsm_10``: the one-hot construction of the task embedded in 64
  units (a direct sum with 54 idle units, then a random permutation of the units), which comes
  out ``certified`` for every length by exact interval boxes: the cost of a full proof.
  Baseline: the same model evaluated (float64 numpy) on the same random words, which proves
  nothing beyond those words.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.experiments import RunConfig, train
from bilinear.models import BilinearModel
from bilinear.verification.extraction import certify_trained

H = 64
SPEC = "random_fsm:states=10,symbols=2,seed=3"


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


def _trained(quick: bool) -> tuple[Any, BilinearRNN]:
    job = RunConfig(task=SPEC, model="full", hidden=H, steps=50 if quick else 800,
                    batch_size=64, lr=1e-2, seed=0, train_lengths=(2, 10), test_lengths=(500,),
                    val_lengths=(20, 40), early_stop=1.0, patience=3)
    model = train(job, device="cpu").model
    if not isinstance(model, BilinearModel):  # pragma: no cover - "full" is a bilinear level
        raise TypeError(type(model).__name__)
    dfa = tasks.resolve(SPEC).dfa
    return model, model.to_rnn(dfa.alphabet, dfa.label_values)


def _trained_row(quick: bool, n_words: int, length: int) -> dict:
    model, rnn = _trained(quick)
    dfa = tasks.resolve(SPEC).dfa
    t0 = time.perf_counter()
    cert = certify_trained(rnn, dfa)
    t_cert = time.perf_counter() - t0
    words = torch.from_numpy(np.random.default_rng(1).integers(0, rnn.D, size=(n_words, length)))
    t0 = time.perf_counter()
    for s in range(0, n_words, 256):
        model.predict(words[s : s + 256])
    t_eval = time.perf_counter() - t0
    return {"benchmark": f"certify_trained_full_{H}_units_random_fsm_10", "value": t_cert,
            "unit": "s", "baseline": f"the torch model on {n_words:,} random words of length "
            f"{length}", "ratio": t_cert / t_eval, "outcome": cert.outcome}


def rows(quick: bool) -> list[dict]:
    """Time of ``certify_trained`` vs evaluating the same model on random words."""
    n_words, length = (100, 50) if quick else (1_000, 500)
    out = [_trained_row(quick, n_words, length)]
    rnn = _embedded(SPEC)
    dfa = tasks.resolve(SPEC).dfa
    t0 = time.perf_counter()
    cert = certify_trained(rnn, dfa)
    t_cert = time.perf_counter() - t0
    if cert.outcome != "certified":  # pragma: no cover - a regression
        raise RuntimeError(cert.summary())
    words = np.random.default_rng(1).integers(0, rnn.D, size=(n_words, length))
    t0 = time.perf_counter()
    rnn.decode_indices(rnn.states_batch(words))
    t_eval = time.perf_counter() - t0
    out.append({"benchmark": f"certify_full_{H}_units_random_fsm_10", "value": t_cert,
                "unit": "s", "baseline": f"evaluating the model on {n_words:,} random words of "
                f"length {length}", "ratio": t_cert / t_eval, "outcome": cert.outcome})
    return out
