"""Property tests with drawn representations and group elements (issue 8 item 4)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sympy.combinatorics import PermutationGroup

from bilinear.constructions.representation import compile_representation
from bilinear.verification import verify
from bilinear.verification.strategies import (
    DrawnRepresentation,
    group_elements,
    groups,
    permutation_matrix,
    representations,
    words,
)

_FAST = settings(max_examples=15, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(groups(max_degree=4, max_generators=2).flatmap(
    lambda g: group_elements(g).map(lambda x: (g, x))))
def test_group_elements_lie_in_the_group(pair: tuple[PermutationGroup, object]) -> None:
    g, x = pair
    assert g.contains(x)


@_FAST
@given(representations(max_degree=4, max_generators=2))
def test_drawn_representations_are_homomorphisms(r: DrawnRepresentation) -> None:
    # M(p q) = M(q) M(p) for the generators, and determinants are +-1
    for a, p in r.generators.items():
        for b, q in r.generators.items():
            assert r.matrices[b] * r.matrices[a] == permutation_matrix(
                p * q, sign=r.kind == "signed")
        assert abs(r.matrices[a].det()) == 1


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(representations(max_degree=4, max_generators=2).flatmap(
    lambda r: words(tuple(r.generators), max_size=8).map(lambda w: (r, w))))
def test_compiled_representation_simulates_and_verifies(pair: tuple) -> None:
    r, word = pair
    dfa = r.automaton()
    rnn = compile_representation(r.matrices, dfa)
    assert rnn.output(word) == dfa.output(word)
    cert = verify(rnn, dfa)
    assert cert.holds and cert.method in ("exact", "orbit")
