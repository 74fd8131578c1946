"""Regular expressions: agreement with Python's ``re.fullmatch``, minimality, syntax errors."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilinear.automata import DFA, minimize
from bilinear.automata.regex import from_regex, parse
from bilinear.errors import InvalidArgumentError, RegexSyntaxError, UnknownSymbolError
from bilinear.verification.strategies import regexes, words


def agrees_with_re(pattern: str, alphabet: str, word: list[str], d: DFA | None = None) -> None:
    d = from_regex(pattern, alphabet=alphabet) if d is None else d
    assert d.label(d.start) == bool(re.fullmatch(pattern, ""))
    text = "".join(word)
    for t, label in enumerate(d.output(word)):
        assert label == bool(re.fullmatch(pattern, text[: t + 1])), (pattern, text[: t + 1])


@given(regexes("ab", max_leaves=8), words("abc", max_size=12))
def test_agrees_with_python_re(pattern: str, word: list[str]) -> None:
    agrees_with_re(pattern, "abc", word)


@pytest.mark.parametrize(
    "pattern",
    ["", "a", "(a|b)*abb", "a*b+c?", "(a|)(b|)", "()", "(|a)+", "[a-c]*", "[^a]b", ".*c.",
     "a\\*", "\\(a\\)", "[\\]a]", "[a-]", "[-a]", "((a*)*)*", "a??", "(ab|ba)*|c+"],
)
def test_fixed_patterns(pattern: str) -> None:
    alphabet = "abc*()]-"
    d = from_regex(pattern, alphabet=alphabet)
    for n in range(4):
        for w in itertools.product("abc*()", repeat=n):
            agrees_with_re(pattern, alphabet, list(w), d)


@given(regexes("ab", max_leaves=6))
def test_result_is_minimal_and_canonical(pattern: str) -> None:
    d = from_regex(pattern, alphabet="ab")
    assert minimize(d).n_states == d.n_states
    assert d.start == "0"
    assert set(d.label_values) <= {False, True}


def test_inferred_alphabet() -> None:
    assert from_regex("b(a|c)*").alphabet == ("a", "b", "c")
    assert from_regex("[x-z]").alphabet == ("x", "y", "z")
    assert from_regex(".*a").alphabet == ("a",)
    assert from_regex("ab", name="ab-task").name == "ab-task"


@pytest.mark.parametrize(
    ("pattern", "problem", "position"),
    [
        ("(ab", "unbalanced '('", 0),
        ("a(b|c", "unbalanced '('", 1),
        ("ab)", "unbalanced ')'", 2),
        ("*a", "dangling '*'", 0),
        ("a|+b", "dangling '+'", 2),
        ("(?a)", "dangling '?'", 1),
        ("[]", "empty character class", 0),
        ("a[^]", "empty character class", 1),
        ("[b-a]", "bad range 'b-a'", 1),
        ("[ab", "unterminated character class", 0),
        ("ab\\", "dangling backslash", 2),
        ("a{2}", "braces are not supported", 1),
        ("^a", "anchor '^'", 0),
        ("a$", "anchor '$'", 1),
        ("\\d", "unsupported escape", 0),
        ("a]", "unbalanced ']'", 1),
    ],
)
def test_bad_patterns(pattern: str, problem: str, position: int) -> None:
    with pytest.raises(RegexSyntaxError) as info:
        from_regex(pattern, alphabet="ab")
    message = str(info.value)
    assert problem in message
    assert f"at position {position} " in message
    assert isinstance(info.value, ValueError)


def test_bad_alphabets() -> None:
    with pytest.raises(UnknownSymbolError, match="'c'.*position 3"):
        from_regex("ab(c|a)", alphabet="ab")
    with pytest.raises(UnknownSymbolError, match="'c'"):
        from_regex("[ac]", alphabet="ab")
    assert from_regex("[a-z]", alphabet="ab").n_states == 3  # ranges are cut to the alphabet
    with pytest.raises(InvalidArgumentError, match="no literals"):
        from_regex(".*")
    with pytest.raises(InvalidArgumentError, match="single characters"):
        from_regex("a", alphabet=["a", "bb"])
    with pytest.raises(InvalidArgumentError, match="repeats"):
        from_regex("a", alphabet="aa")
    with pytest.raises(InvalidArgumentError, match="string"):
        parse(3)  # type: ignore[arg-type]


@given(st.text(alphabet="ab()|*+?[]^-.\\", max_size=8))
def test_parser_never_crashes(pattern: str) -> None:
    try:
        d = from_regex(pattern, alphabet="ab")
    except RegexSyntaxError as err:
        assert "at position" in str(err)
    except UnknownSymbolError as err:  # '^', '-', ... written as literals
        assert "at position" in str(err)
    else:
        assert d.n_states >= 1
