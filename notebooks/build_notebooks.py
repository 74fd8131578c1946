"""Write the teaching notebooks of ``notebooks/`` from the cell sources below (nbformat).

The notebooks are stored executed, so their results show where people read them (GitHub, the
docs); CI executes them again with ``pytest --nbmake notebooks/`` (each runs in well under a
minute on one CPU core).  Edit the cells here, then run
``python notebooks/build_notebooks.py`` to rewrite and execute the ``.ipynb`` files
(``--no-execute`` writes them without outputs).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
import numpy as np
import torch

torch.set_num_threads(1)          # small models: one thread is fastest and reproducible
_ = torch.manual_seed(0)"""


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


# ------------------------------------------------------------------------------------------
MAMBA = [
    md("""
# Why Mamba cannot count mod 3

A Mamba-like layer updates its state coordinate by coordinate with *nonnegative* gates:
$h_t = \\mathrm{diag}(\\lambda(x_t))\\, h_{t-1}$ with $\\lambda \\ge 0$.  In the bilinear hierarchy
that is the `positive_diagonal` level.  This notebook shows, three ways, that such a model
cannot track the running sum of a sequence modulo 3, while a *complex* diagonal (one rotation
per symbol) can:

1. the theory's verdict and its **witness**, re-checked by running the automaton;
2. the reason, in two lines of algebra: real eigenvalues cannot rotate;
3. **training**: a positive and a real diagonal model fail beyond the training lengths, a complex
   diagonal model succeeds, and its learned eigenvalues are the cube roots of unity.
"""),
    code(SETUP),
    md("""
## 1. The task and the theory's verdict

The task is the word problem of the cyclic group $\\mathbb{Z}_3$: symbols `0`, `1`, `2`, label
after each prefix = the running sum mod 3.
"""),
    code("""
from bilinear.automata import tasks
from bilinear.theory import classify

dfa = tasks.get("modular_addition", m=3).dfa
print(dfa, dfa.output(["1", "1", "2", "1"]))
c = classify(dfa)
for name, v in c.levels.items():
    print(f"{name:18} {v.verdict:4} dim {v.dim_upper}   {v.reason}")"""),
    md("""
Every "no" carries a witness that anyone can check.  Here it is a *period* witness: the word
`1` has period 3 (applying it 3 times is the first return to the identity), but on a finite
orbit a nonnegative diagonal can only realise period 1 and a real diagonal periods 1 and 2.
"""),
    code("""
w = c.levels["positive_diagonal"].witness
print(w["kind"], w["words"], "period", w["period"], "allowed", w["allowed_periods"])
print([dfa.run(w["words"][0] * k) for k in range(7)])"""),
    md("""
## 2. Why: real eigenvalues cannot rotate

On one coordinate a diagonal model multiplies by $\\lambda$ each time it reads `1`.  Reading
`1` $k$ times gives $\\lambda^k$.  For $\\lambda \\ge 0$ the sequence $\\lambda^k$ is monotone
(it grows, shrinks or stays), so it can never come back after 3 steps without being constant; for
real $\\lambda < 0$ it can alternate (period 2: parity!) but not cycle with period 3.  A complex
$\\lambda = e^{2\\pi i/3}$ does: $\\lambda^3 = 1$.  Since decoding has no bias, the scale of
$\\lambda$ is irrelevant; only signs and phases matter.
"""),
    code("""
k = np.arange(7)
for lam in [0.5, 1.0, 1.3, -1.0, np.exp(2j * np.pi / 3)]:
    print(f"lambda = {np.round(lam, 3)!s:>16}:", np.round(lam ** k, 2))"""),
    md("""
The complex diagonal construction is exactly that: one complex unit, realised as a $2\\times2$
rotation by $120^\\circ$ per unit of the symbol.  The states go round a circle.
"""),
    code("""
from bilinear.analysis.plots import hidden_states, state_trajectory
from bilinear.constructions import compile_automaton

rnn = compile_automaton(dfa, level="complex_diagonal")
print(rnn)
print(rnn.exact.letters[1])
word = ["1", "1", "2", "0", "1", "2", "2"]
assert rnn.output(word) == dfa.output(word)
state_trajectory(hidden_states(rnn, word), dfa.output(word), h0=rnn.h0,
                 title="Z3 as rotations by 120 degrees")"""),
    md("""
Asking for the Mamba-like level raises an error carrying the same witness:
"""),
    code("""
from bilinear.errors import UnsupportedConstructionError

try:
    compile_automaton(dfa, level="positive_diagonal")
except UnsupportedConstructionError as err:
    print(err)
    print(err.witness["kind"], err.witness["words"])"""),
    md("""
## 3. Training from scratch

Now forget the construction and train three models of the same size by gradient descent on
random words of lengths 2 to 10, then test on words of length 10 and 200.  Normalized accuracy is
0 at chance and 1 when perfect.
"""),
    code("""
from bilinear.experiments import RunConfig, evaluate, train

results, models = {}, {}
for level in ["positive_diagonal", "real_diagonal", "complex_diagonal"]:
    cfg = RunConfig(task="modular_addition:m=3", model=level, hidden=2, steps=300,
                    batch_size=32, lr=0.05, train_lengths="2-10", seed=0)
    models[level] = train(cfg, dfa=dfa).model
    metrics = evaluate(models[level], dfa, [10, 200], words=64)
    results[level] = {n: round(m["normalized_accuracy"], 2) for n, m in metrics.items()}
    print(f"{level:18}", results[level])"""),
    code("""
assert results["complex_diagonal"]["10"] > 0.9
assert results["positive_diagonal"]["200"] < 0.5 and results["real_diagonal"]["200"] < 0.5"""),
    md("""
The positive and real diagonal models stay near chance on long words (they may fit short
training words by memorising, but cannot generalise): that is the theorem.  The complex diagonal
model generalises.  What did it learn?  The eigenvalues of its letter matrices: the phases of
`1` and `2` are close to $\\pm 120^\\circ$, the cube roots of unity, and `0` is close to
$0^\\circ$ (the identity, up to scale).
"""),
    code("""
W = models["complex_diagonal"].transition_tensor().detach().double().numpy()
for k, a in enumerate(dfa.alphabet):
    ev = np.linalg.eigvals(W[:, :, k])
    print(f"A({a}): |lambda| = {np.round(np.abs(ev), 2)}, "
          f"phase = {np.round(np.degrees(np.angle(ev)), 1)} degrees")"""),
    md("""
**Take-away.** Input-dependent gates in $(0, 1)$ (Mamba, GLA, ...) are the `positive_diagonal`
level: they cannot count modulo any $m \\ge 2$ on a single layer, whatever the width, because
their orbits are monotone.  Negative eigenvalues buy parity; complex phases buy every cyclic
group.  Non-abelian groups need more than any diagonal: see *S5 needs four dimensions*.
"""),
]

# ------------------------------------------------------------------------------------------
S5 = [
    md("""
# S5 needs four dimensions

The word problem of the symmetric group $S_5$ (track a permutation of 5 objects under a stream
of generators) is the classic hard case: $S_5$ is not solvable, so by Barrington's theorem its
word problem is NC¹-complete, and no fixed-depth diagonal state-space model can solve it.

This notebook shows what the bilinear hierarchy says about it:

1. no diagonal level and no $2\\times2$ blocks, with witnesses;
2. four dimensions suffice: an exact **integer** construction, checked for all lengths;
3. three do not: the finite groups of $3\\times3$ real matrices do not contain $S_5$;
4. compare $A_5$, which fits in three dimensions over $\\mathbb{Q}(\\sqrt 5)$.
"""),
    code(SETUP),
    code("""
from bilinear.automata import tasks
from bilinear.theory import classify

s5 = tasks.get("symmetric", n=5).dfa      # states: the 120 permutations; start: the identity
print(s5)
c = classify(s5)
print("algebra:", {k: c.algebra[k] for k in ["group_order", "abelian", "solvable", "exponent",
                                             "f_R"]})
for name, v in c.levels.items():
    print(f"{name:18} {v.verdict:4} dim {v.dim_upper} (lower bound {v.dim_lower})")"""),
    md("""
## 1. Why not diagonal, why not 2 x 2 blocks

Diagonal matrices commute, and the *commutation witness* shows two words with the same letters
in a different order that lead to different states.  For $2\\times 2$ blocks the obstruction is
subtler: every finite group of $2\\times2$ real matrices sits in $O(2)$, where the squares
generate an abelian (rotation) subgroup; in $S_5$ the subgroup generated by squares is
$A_5$, far from abelian (`g2_nonabelian`).
"""),
    code("""
w = c.levels["complex_diagonal"].witness
u, v = w["words"]
print(w["kind"], u, v, "->", s5.run(u), "vs", s5.run(v))
print(c.levels["block"].witness["kind"], "-", c.levels["block"].reason)"""),
    md("""
## 2. Four dimensions: the standard representation

$S_5$ permutes the coordinates of $\\mathbb{R}^5$ and fixes the all-ones vector, so it acts on
the 4-dimensional sum-zero subspace.  In the basis $e_i - e_5$ its matrices are **integers**
in $\\{-1, 0, 1\\}$, hence exact in every float format.  With a generic start vector every one
of the 120 group elements gets its own state vector.
"""),
    code("""
from bilinear.constructions import compile_automaton

rnn = compile_automaton(s5, level="full")
print(rnn, "field:", rnn.exact.field)
for k, a in enumerate(rnn.alphabet):
    print(f"A({a}) =", rnn.exact.letters[k].tolist())
print("h0 =", rnn.h0.tolist())"""),
    md("""
**The proof, for all lengths.**  Build the state vector of every group element once (breadth-first
from the identity), then check in exact integer arithmetic that every letter maps the vector of
$q$ to the vector of $q\\cdot a$, that the 120 vectors are distinct, and that the readout decodes
each one to its state with a positive margin.  By induction on the length of the word, the model
is then correct on every word.
"""),
    code("""
from collections import deque

A = [np.array(rnn.exact.letters[k].tolist(), dtype=np.int64) for k in range(rnn.D)]
R = np.array(rnn.exact.readout_matrix().tolist(), dtype=object)
code = {s5.start: np.array(rnn.exact.h0.tolist(), dtype=np.int64).ravel()}
queue = deque([s5.start])
while queue:                                     # breadth-first: one code per state
    q = queue.popleft()
    for k, a in enumerate(s5.alphabet):
        r = s5.step(q, a)
        if r not in code:
            code[r] = A[k] @ code[q]
            queue.append(r)

closed = all(np.array_equal(A[k] @ code[q], code[s5.step(q, a)])
             for q in s5.states for k, a in enumerate(s5.alphabet))
distinct = len({tuple(v) for v in code.values()}) == s5.n_states
decodes = True
for q, v in code.items():
    scores = [sum(x * y for x, y in zip(row, v, strict=True)) for row in R]
    best = max(scores)
    decodes &= scores.count(best) == 1 and rnn.labels[scores.index(best)] == s5.label(q)
print(f"{len(code)} states; closed under every letter: {closed}; distinct codes: {distinct}; "
      f"readout decodes every code: {decodes}")
assert closed and distinct and decodes"""),
    md("""
The letter matrices and the start vector, as the toolkit prints them for a paper (the readout,
one row per group element, follows in the full output of `to_latex()`):
"""),
    code("""
print("\\n".join(rnn.to_latex().splitlines()[: rnn.D + 1]))"""),
    md("""
## 3. Why three dimensions are not enough

A bilinear RNN that tracks $S_5$ exactly with a finite orbit contains a finite matrix group that
maps onto $S_5$ (theory.md F2).  The finite subgroups of $GL_3(\\mathbb{R})$ are, up to a change of
basis, subgroups of $O(3)$: cyclic, dihedral, the rotation groups of the tetrahedron ($A_4$),
cube ($S_4$) and icosahedron ($A_5$), and their products with $\\pm I$.  Only the icosahedral ones
are not solvable, and they have exponent 30: no element of order 4.  But $S_5$ contains
4-cycles.  The same argument rules out blocks of size 3 of any number (theory.md 3.4), which is
why the classification gives the lower bound 4.
"""),
    code("""
from sympy.combinatorics.named_groups import AlternatingGroup, SymmetricGroup


def orders(G):
    return sorted({int(g.order()) for g in G.elements})


print("element orders in S5:", orders(SymmetricGroup(5)))
print("element orders in A5:", orders(AlternatingGroup(5)), "(icosahedral rotations)")
full = c.levels["full"]
print("classify's lower bound for full:", full.dim_lower, "-", full.theorem)"""),
    md("""
## 4. A5 fits in three dimensions

$A_5$ (the even permutations) *is* the rotation group of the icosahedron, so it is simulated in
3 dimensions, with entries in $\\mathbb{Q}(\\sqrt 5)$ (the golden ratio appears).  Still no
$2\\times2$ blocks: $A_5$ is not solvable.
"""),
    code("""
a5 = tasks.get("alternating", n=5).dfa
ca5 = classify(a5)
print(a5, "->", ca5.minimal_level, "dim", ca5.levels["full"].dim_upper)
r3 = compile_automaton(a5, level="full")
print(r3, "field:", r3.exact.field)
print(r3.exact.letters[1])
rng = np.random.default_rng(0)
word = [a5.alphabet[i] for i in rng.integers(0, a5.n_symbols, size=300)]
assert r3.output(word) == a5.output(word)"""),
    md("""
**Take-away.** Dimension is not about the number of states (120) but about the group: the
smallest faithful real representation.  $S_5$: 4, $A_5$: 3, $S_3$: 2, $\\mathbb{Z}_n$: 2, parity:
1; and non-solvable groups cannot be tracked by any diagonal or $2\\times2$-block model.
"""),
]

# ------------------------------------------------------------------------------------------
READING = [
    md("""
# Reading a trained bilinear RNN

Train a small **full** bilinear RNN on counting modulo 3, then read what it learned: the letter
matrices against the representation theory predicts, their eigenvalues, and the hidden-state
trajectories.
"""),
    code(SETUP),
    code("""
from bilinear.automata import tasks
from bilinear.experiments import RunConfig, evaluate, train

dfa = tasks.get("modular_addition", m=3).dfa
cfg = RunConfig(task="modular_addition:m=3", model="full", hidden=4, steps=300, batch_size=32,
                lr=0.05, train_lengths="2-10", seed=0)
outcome = train(cfg, dfa=dfa)
model = outcome.model
print(model)
metrics = evaluate(model, dfa, [10, 100], words=64)
print({n: round(m["normalized_accuracy"], 3) for n, m in metrics.items()})
assert metrics["10"]["normalized_accuracy"] > 0.9"""),
    md("""
## The automaton and the exact construction

The automaton is a triangle; the minimal exact construction rotates a 2-dimensional state by
$120^\\circ$ per unit.
"""),
    code("""
from bilinear.analysis.plots import (
    automaton_diagram,
    hidden_states,
    letter_heatmaps,
    state_trajectory,
)
from bilinear.constructions import compile_automaton

automaton_diagram(dfa)"""),
    code("""
exact = compile_automaton(dfa, level="full")
print(exact)
letter_heatmaps(exact, title="exact construction")"""),
    md("""
## The learned letter matrices

The learned matrices are $4\\times4$ and look nothing like the rotation: a bilinear RNN is
only defined up to a change of basis $A(a) \\mapsto S A(a) S^{-1}$ (with $h \\mapsto S h$) and up
to a positive scale per letter (decoding has no bias).  What is invariant is the
**spectrum**: the phases of the eigenvalues.
"""),
    code("""
letter_heatmaps(model, alphabet=dfa.alphabet, title="learned (full, H = 4)")"""),
    code("""
W = model.transition_tensor().detach().double().numpy()
for k, a in enumerate(dfa.alphabet):
    ev = np.linalg.eigvals(W[:, :, k])
    top = ev[np.argsort(-np.abs(ev))][:2]
    print(f"A({a}): dominant eigenvalues |lambda| = {np.round(np.abs(top), 2)}, "
          f"phase = {np.round(np.degrees(np.angle(top)), 1)} degrees")"""),
    md("""
The dominant eigenvalues of `A(1)` and `A(2)` have phases near $\\pm120^\\circ$: the model found
the 2-dimensional rotation representation of $\\mathbb{Z}_3$ inside its 4 dimensions (the other
eigenvalues are smaller and their directions fade under the per-step normalization).  `A(0)`
has real eigenvalues: the identity, up to scale.

## Hidden-state trajectories

Project the learned hidden states on their first two principal components and colour them by
the true label: three clusters, visited in rotation, like the exact construction's triangle on
the circle.
"""),
    code("""
rng = np.random.default_rng(1)
word = [dfa.alphabet[i] for i in rng.integers(0, 3, size=40)]
learned = hidden_states(model, word, alphabet=dfa.alphabet)
state_trajectory(learned, dfa.output(word), method="pca", title="learned states (PCA)")"""),
    code("""
state_trajectory(hidden_states(exact, word), dfa.output(word), h0=exact.h0,
                 title="exact construction")"""),
    md("""
**How well separated are the clusters?**  The accuracy at long lengths depends on how far the
learned phases are from exactly $120^\\circ$: a phase error of $\\delta$ per step accumulates to
$T\\delta$ after $T$ steps, and decoding fails once it passes $60^\\circ$.  That is the
*learnability gap* the report measures: the exact weights exist at every level that says "yes",
but gradient descent finds them only approximately.
"""),
    code("""
ev = np.linalg.eigvals(W[:, :, 1])
phase = np.degrees(np.angle(ev[np.argmax(np.abs(ev))]))
delta = abs(abs(phase) - 120.0)
print(f"phase error per step {delta:.2f} degrees; drift reaches 60 degrees after about "
      f"{60 / max(delta, 1e-9):.0f} steps")"""),
]

NOTEBOOKS = {
    "why-mamba-cannot-count-mod-3.ipynb": MAMBA,
    "s5-needs-four-dimensions.ipynb": S5,
    "reading-a-trained-bilinear-rnn.ipynb": READING,
}


def execute(path: Path, timeout: int = 600) -> None:
    """Run a notebook in its folder and store it with its outputs (nbclient, kernel python3)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in nb.cells:  # keep the stored files stable: no timings, no widget state
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def build(target: Path = HERE) -> list[Path]:
    """Write every notebook into ``target`` without outputs; return the paths."""
    paths = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        )
        nbformat.validate(nb)
        path = target / name
        nbformat.write(nb, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    for p in build():
        if "--no-execute" not in sys.argv[1:]:
            execute(p)
        print(p)
