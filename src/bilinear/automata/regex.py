"""Regular expressions to automata: our own parser, Thompson's NFA, subsets, minimization.

Syntax (a subset of Python's :mod:`re`, matched against the *whole* word):

* a literal character matches itself; ``\\`` escapes any non-alphanumeric character
  (``\\*``, ``\\(``, ``\\\\``, ...), and ``\\n``, ``\\t`` are newline and tab;
* ``.`` is any symbol of the alphabet; ``[abc]``, ``[a-z]``, ``[^...]`` are character classes
  (the complement ``[^...]`` is taken within the alphabet; ``-`` is literal first or last);
* ``|`` alternation (empty alternatives allowed: ``(a|)``), concatenation, ``*``, ``+``, ``?``
  (stacked quantifiers such as ``a*?`` repeat the repetition), ``(...)`` grouping.

Not supported (a :class:`~bilinear.errors.RegexSyntaxError` says so): ``{m,n}``, anchors
``^``/``$`` outside classes, and escapes like ``\\d``.  Symbols are single characters.

The automaton labels every prefix ``True`` or ``False``: whether the prefix read so far matches.

Examples
--------
>>> d = from_regex("(a|b)*abb")
>>> d.n_states, d.alphabet
(4, ('a', 'b'))
>>> d.output("aabb")
[False, False, False, True]
>>> import re
>>> all(d.output(w)[-1] == bool(re.fullmatch("(a|b)*abb", w)) for w in ["abb", "babb", "ab"])
True
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bilinear._validation import check_positive_int
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize
from bilinear.errors import (
    AutomatonTooLargeError,
    InvalidArgumentError,
    RegexSyntaxError,
    UnknownSymbolError,
)

#: Default cap on the states of the subset construction (before minimization); raise it with
#: ``from_regex(..., max_states=...)``.
MAX_SUBSET_STATES = 10_000

__all__ = ["from_regex", "parse", "Node"]

_ESCAPES = {"n": "\n", "t": "\t"}


# ================================================================================ syntax tree
@dataclass(frozen=True)
class Node:
    """A node of the parsed expression.

    ``kind`` is ``"empty"`` (the empty word), ``"chars"`` (one symbol from ``chars``; with
    ``negated`` the complement within the alphabet; ``chars=None`` is ``.``), ``"cat"``,
    ``"alt"``, ``"star"``, ``"plus"`` or ``"opt"``; ``pos`` is the position in the pattern.
    """

    kind: str
    children: tuple[Node, ...] = ()
    chars: frozenset[str] | None = None
    explicit: frozenset[str] = frozenset()  # characters written out (not from a range)
    negated: bool = False
    pos: int = 0


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def error(self, problem: str, pos: int | None = None) -> RegexSyntaxError:
        pos = self.i if pos is None else pos
        return RegexSyntaxError(f"{problem} at position {pos} of the pattern {self.p!r}")

    def peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def parse(self) -> Node:
        node = self.alternation()
        if self.i < len(self.p):  # only a stray ')' can stop the top level
            raise self.error("unbalanced ')' (no '(' to close)")
        return node

    def alternation(self) -> Node:
        start = self.i
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.concatenation())
        return branches[0] if len(branches) == 1 else Node("alt", tuple(branches), pos=start)

    def concatenation(self) -> Node:
        start = self.i
        items: list[Node] = []
        while (c := self.peek()) is not None and c not in "|)":
            items.append(self.repetition())
        if not items:
            return Node("empty", pos=start)
        return items[0] if len(items) == 1 else Node("cat", tuple(items), pos=start)

    def repetition(self) -> Node:
        c = self.peek()
        if c in ("*", "+", "?"):
            raise self.error(f"dangling {c!r} (nothing to repeat)")
        node = self.atom()
        while (c := self.peek()) in ("*", "+", "?"):
            node = Node({"*": "star", "+": "plus", "?": "opt"}[c], (node,), pos=self.i)
            self.i += 1
        return node

    def atom(self) -> Node:
        c = self.p[self.i]  # the caller (concatenation) has checked that a character is left
        pos = self.i
        if c == "(":
            self.i += 1
            node = self.alternation()
            if self.peek() != ")":
                raise self.error("unbalanced '(' (missing ')')", pos)
            self.i += 1
            return node
        if c == "[":
            return self.char_class()
        if c == ".":
            self.i += 1
            return Node("chars", chars=None, pos=pos)
        if c == "\\":
            ch = self.escape()
            return Node("chars", chars=frozenset(ch), explicit=frozenset(ch), pos=pos)
        if c in ("{", "}"):
            raise self.error(f"repetition braces are not supported; escape {c!r} as '\\{c}'")
        if c in ("^", "$"):
            raise self.error(f"anchor {c!r} is not supported (the whole word is matched)")
        if c == "]":
            raise self.error("unbalanced ']' (no '[' to close); escape it as '\\]'")
        self.i += 1
        return Node("chars", chars=frozenset(c), explicit=frozenset(c), pos=pos)

    def escape(self) -> str:
        pos = self.i
        self.i += 1
        if self.i >= len(self.p):
            raise self.error("dangling backslash at the end of the pattern", pos)
        c = self.p[self.i]
        self.i += 1
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c.isalnum():
            raise self.error(f"unsupported escape '\\{c}'", pos)
        return c

    def class_char(self) -> str:
        c = self.p[self.i]
        if c == "\\":
            return self.escape()
        self.i += 1
        return c

    def char_class(self) -> Node:
        start = self.i
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        chars: set[str] = set()
        explicit: set[str] = set()
        empty = True
        while True:
            c = self.peek()
            if c is None:
                raise self.error("unterminated character class (missing ']')", start)
            if c == "]":
                self.i += 1
                break
            empty = False
            pos = self.i
            lo = self.class_char()
            if self.peek() == "-" and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                self.i += 1
                hi = self.class_char()
                if ord(hi) < ord(lo):
                    raise self.error(f"bad range {lo + '-' + hi!r} (start after end)", pos)
                chars.update(chr(o) for o in range(ord(lo), ord(hi) + 1))
            else:
                chars.add(lo)
                explicit.add(lo)
        if empty:
            raise self.error("empty character class", start)
        return Node("chars", chars=frozenset(chars), explicit=frozenset(explicit),
                    negated=negated, pos=start)


def parse(pattern: str) -> Node:
    """Parse a pattern into a :class:`Node` tree.

    Raises
    ------
    RegexSyntaxError
        The message names the problem and its position.

    Examples
    --------
    >>> parse("a|b*").kind, [c.kind for c in parse("a|b*").children]
    ('alt', ['chars', 'star'])
    >>> parse("a(b|c")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.RegexSyntaxError: unbalanced '(' (missing ')') at position 1 of the pattern ...
    """
    if not isinstance(pattern, str):
        raise InvalidArgumentError(f"a pattern must be a string, got {pattern!r}")
    return _Parser(pattern).parse()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


# ================================================================================ Thompson NFA
class _NFA:
    """Thompson NFA: epsilon lists and (symbol-index set, target) edges."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[frozenset[int], int]]] = []

    def new(self) -> int:
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    def build(self, node: Node, symbols: dict[str, int]) -> tuple[int, int]:
        kind = node.kind
        if kind == "chars":
            s, t = self.new(), self.new()
            if node.chars is None:
                chosen = frozenset(symbols.values())
            else:
                inside = frozenset(symbols[c] for c in node.chars if c in symbols)
                chosen = frozenset(symbols.values()) - inside if node.negated else inside
            self.edges[s].append((chosen, t))
            return s, t
        if kind == "empty":
            s = self.new()
            return s, s
        if kind == "cat":
            first, last = self.build(node.children[0], symbols)
            for child in node.children[1:]:
                s, t = self.build(child, symbols)
                self.eps[last].append(s)
                last = t
            return first, last
        if kind == "alt":
            s, t = self.new(), self.new()
            for child in node.children:
                cs, ct = self.build(child, symbols)
                self.eps[s].append(cs)
                self.eps[ct].append(t)
            return s, t
        s, t = self.new(), self.new()
        cs, ct = self.build(node.children[0], symbols)
        self.eps[s].append(cs)
        self.eps[ct].append(t)
        if kind in ("star", "opt"):
            self.eps[s].append(t)
        if kind in ("star", "plus"):
            self.eps[ct].append(cs)
        return s, t

    def closure(self, states: set[int]) -> frozenset[int]:
        out = set(states)
        stack = list(states)
        while stack:
            q = stack.pop()
            for r in self.eps[q]:
                if r not in out:
                    out.add(r)
                    stack.append(r)
        return frozenset(out)


def _resolve_alphabet(tree: Node, pattern: str, alphabet: Sequence[Hashable] | None
                      ) -> tuple[str, ...]:
    leaves = [n for n in _walk(tree) if n.kind == "chars"]
    if alphabet is None:
        chars: set[str] = set()
        for n in leaves:
            chars |= n.chars or set()
        if not chars:
            raise InvalidArgumentError(
                f"cannot infer an alphabet from {pattern!r} (it has no literals); pass alphabet="
            )
        return tuple(sorted(chars))
    if isinstance(alphabet, str):
        alphabet = list(alphabet)
    symbols: list[str] = []
    for a in alphabet:
        if not isinstance(a, str) or len(a) != 1:
            raise InvalidArgumentError(
                f"regex symbols are single characters; the alphabet has {a!r}"
            )
        symbols.append(a)
    if len(set(symbols)) != len(symbols):
        raise InvalidArgumentError(f"the alphabet {symbols!r} repeats a symbol")
    if not symbols:
        raise InvalidArgumentError("the alphabet is empty")
    allowed = set(symbols)
    for n in sorted(leaves, key=lambda n: n.pos):
        for c in sorted(n.explicit - allowed):
            raise UnknownSymbolError(c, tuple(symbols),
                                     context=f"at position {n.pos} of the pattern {pattern!r}")
    return tuple(symbols)


def _canonical(dfa: DFA, name: str) -> DFA:
    """Renumber states "0", "1", ... in breadth-first order from the start."""
    order = [dfa.start_index]
    index = {dfa.start_index: 0}
    k = 0
    while k < len(order):
        for q in dfa.table[order[k]]:
            q = int(q)
            if q not in index:
                index[q] = len(order)
                order.append(q)
        k += 1
    perm = np.array([index[q] for q in range(dfa.n_states)])
    table = perm[dfa.table[order]]
    labels = [bool(dfa.label_values[dfa.label_index[q]]) for q in order]
    return DFA._from_trusted([str(i) for i in range(len(order))], dfa.alphabet, table, 0,
                             labels, name)


def from_regex(pattern: str, alphabet: Sequence[Hashable] | str | None = None, *,
               name: str | None = None, max_states: int = MAX_SUBSET_STATES) -> DFA:
    """The minimal automaton of a regular expression (labels ``True`` = the prefix matches).

    Parameters
    ----------
    pattern : str
        The expression (module docstring for the syntax); it must match the whole word.
    alphabet : sequence of str or str, optional
        The symbols (single characters); default: the characters written in the pattern.
        ``.`` and ``[^...]`` range over the alphabet.
    name : str, optional
        Name of the automaton (default: the pattern).
    max_states : int, optional
        Cap on the states of the subset construction (default :data:`MAX_SUBSET_STATES`).

    Returns
    -------
    DFA
        Minimal, complete, states ``"0"``, ``"1"``, ... in breadth-first order, labels
        ``False``/``True``.

    Raises
    ------
    RegexSyntaxError
        A malformed pattern (the message gives the position and the problem).
    UnknownSymbolError
        A literal that is not in the given alphabet.
    AutomatonTooLargeError
        The subset construction passed ``max_states`` states (the message says how to raise it).

    Examples
    --------
    >>> d = from_regex("[^a]*a?", alphabet="abc")
    >>> d.output("bcab"), d.n_states
    ([True, True, True, False], 3)
    >>> from_regex("a*", alphabet="b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownSymbolError: unknown symbol 'a' (at position 0 of the pattern 'a*'); ...
    """
    max_states = check_positive_int(max_states, "max_states")
    tree = parse(pattern)
    symbols = _resolve_alphabet(tree, pattern, alphabet)
    index = {c: i for i, c in enumerate(symbols)}
    nfa = _NFA()
    start, accept = nfa.build(tree, index)
    first = nfa.closure({start})
    subsets = {first: 0}
    order = [first]
    rows: list[list[int]] = []
    k = 0
    while k < len(order):
        current = order[k]
        row = []
        for a in range(len(symbols)):
            moved = {t for q in current for chosen, t in nfa.edges[q] if a in chosen}
            target = nfa.closure(moved)
            if target not in subsets:
                if len(order) >= max_states:
                    raise AutomatonTooLargeError(
                        f"the subset construction of the pattern {pattern!r} passed "
                        f"max_states={max_states} states; raise the cap with "
                        "from_regex(..., max_states=N)")
                subsets[target] = len(order)
                order.append(target)
            row.append(subsets[target])
        rows.append(row)
        k += 1
    labels = [accept in s for s in order]
    raw = DFA._from_trusted(list(range(len(order))), symbols, np.array(rows, dtype=np.int64), 0,
                            labels, "")
    return _canonical(minimize(raw), pattern if name is None else name)

