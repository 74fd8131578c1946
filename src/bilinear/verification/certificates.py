"""Certificates: frozen records of a finite check that proves (or refutes) a construction.

A :class:`Certificate` says *what* was checked, *how many* cases, *how* (the method of
docs/explanation/certificates.md), and, when the construction fails, the shortest word found on
which it decodes the wrong label.  :meth:`Certificate.to_markdown` and :meth:`Certificate.to_latex`
write it as a proof a reader can follow line by line.

Methods (docs/explanation/certificates.md):

* ``exact`` (C-exact): a state-determined encoding checked in exact arithmetic, then induction;
* ``orbit`` (C-orbit): breadth-first search of the exact orbit of ``h``, paired with the
  automaton state, closed and decoded correctly;
* ``cells`` (C-cell): one closed box per state, mapped into each other (interval arithmetic);
* ``float`` (C-fp): the reachable floating-point states of one fixed implementation.

Examples
--------
>>> c = Certificate(holds=True, method="exact", task="parity", model="real_diagonal, H = 1",
...                 checked=(Check("h0 = enc(q0)", 1, True),
...                          Check("A(a) enc(q) = enc(q.a) for every reachable q, letter a", 4,
...                                True)))
>>> c.cases, bool(c.counterexample)
(5, False)
>>> print(c.to_markdown().splitlines()[0])
# Certificate: real_diagonal, H = 1 simulates parity
"""

from __future__ import annotations

import json
import types
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bilinear._validation import check_bool, check_choice, check_nonnegative_int
from bilinear.errors import InvalidArgumentError
from bilinear.verification.kernel import Evidence

__all__ = ["Certificate", "Check", "METHODS", "METHOD_TITLES"]

#: The certificate kinds of docs/explanation/certificates.md.
METHODS = ("exact", "orbit", "cells", "float")

#: How each method is named in the written proof.
METHOD_TITLES = {
    "exact": "C-exact: a state-determined encoding checked in exact arithmetic, then induction",
    "orbit": "C-orbit: breadth-first search of the exact orbit of h, paired with the automaton "
             "state",
    "cells": "C-cell: closed cells mapped into each other, checked with exact interval "
             "arithmetic",
    "float": "C-fp: exhaustive search of the floating-point states of one fixed implementation",
}


@dataclass(frozen=True)
class Check:
    """One line of a proof: a statement, how many cases it covers, and whether all hold.

    Examples
    --------
    >>> Check("the readout decodes every code correctly", 5, True).render()
    '[x] the readout decodes every code correctly (5 cases)'
    """

    statement: str
    cases: int
    holds: bool
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.statement, str) or not self.statement:
            raise InvalidArgumentError("a check needs a non-empty statement")
        if isinstance(self.cases, bool) or not isinstance(self.cases, int) or self.cases < 0:
            raise InvalidArgumentError(f"cases must be a non-negative int, got {self.cases!r}")
        object.__setattr__(self, "holds", bool(self.holds))

    def render(self) -> str:
        """The check as one line: ``[x]`` when it holds, ``[ ]`` when it does not."""
        mark = "[x]" if self.holds else "[ ]"
        unit = "case" if self.cases == 1 else "cases"
        note = f"; {self.note}" if self.note else ""
        return f"{mark} {self.statement} ({self.cases:,} {unit}{note})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"statement": self.statement, "cases": self.cases, "holds": self.holds,
                "note": self.note}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Check:
        """The inverse of :meth:`to_dict`.

        Examples
        --------
        >>> c = Check("h0 = enc(q0)", 1, True)
        >>> Check.from_dict(c.to_dict()) == c
        True
        """
        d = _mapping(d, "a check")
        statement = d.get("statement")
        if not isinstance(statement, str):
            raise InvalidArgumentError(f"a check's statement must be a string, got "
                                       f"{statement!r}")
        return cls(statement=statement, cases=check_nonnegative_int(d.get("cases"), "cases"),
                   holds=check_bool(d.get("holds"), "holds"), note=str(d.get("note", "")))


def _mapping(d: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise InvalidArgumentError(f"{what} must be a JSON object (a dict), got "
                                   f"{type(d).__name__}")
    return d


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if x is None or isinstance(x, (str, bool, int)):
        return x
    if isinstance(x, float):
        return x if x == x and abs(x) != float("inf") else str(x)
    if isinstance(x, np.generic):
        return _jsonable(x.item())
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    return str(x)


def _word_text(word: tuple[Hashable, ...] | None) -> str:
    if word is None:
        return "none"
    if not word:
        return "the empty word"
    if all(isinstance(a, str) and len(a) == 1 for a in word):
        return '"' + "".join(map(str, word)) + '"'
    return "[" + ", ".join(repr(a) for a in word) + "]"


@dataclass(frozen=True)
class Certificate:
    """The outcome of :func:`~bilinear.verification.verify`: a proof, a refutation, or neither.

    Attributes
    ----------
    holds : bool
        True when the checks prove that the model simulates the automaton for *every* word.
    method : str
        ``"exact"``, ``"orbit"``, ``"cells"`` or ``"float"`` (docs/explanation/certificates.md).
    checked : tuple of Check
        What was checked and how many cases, in the order of the proof.
    counterexample : tuple or None
        When the model fails: the shortest word found after which it decodes a wrong label.
    task, model : str
        What was verified against what, in words.
    details : mapping
        Method-specific facts (field, dtype, normalization, number of codes, margin, horizon
        bound, encoding table, the reason a search stopped, notes).
    failure : mapping or None
        For a refutation: ``step``, ``expected`` label, ``decoded`` label (``None`` for a tie).
    evidence : Evidence or None
        The data the claim rests on, for the trusted kernel
        (:mod:`~bilinear.verification.kernel`) to re-check from the weights alone.

    Examples
    --------
    >>> c = Certificate(holds=False, method="float", task="Z_5", model="rotation",
    ...                 counterexample=("1", "1"), failure={"step": 2, "expected": "2",
    ...                                                     "decoded": None})
    >>> c.to_dict()["counterexample"]
    ['1', '1']
    >>> "Counterexample" in c.to_markdown()
    True
    """

    holds: bool
    method: str
    checked: tuple[Check, ...] = ()
    counterexample: tuple | None = None
    task: str = ""
    model: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    failure: Mapping[str, Any] | None = None
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.method not in METHODS:
            raise InvalidArgumentError(f"unknown method {self.method!r}; use one of {METHODS}")
        set_(self, "holds", bool(self.holds))
        checked = tuple(self.checked)
        for c in checked:
            if not isinstance(c, Check):
                raise InvalidArgumentError(f"checked must hold Check records, got {c!r}")
        set_(self, "checked", checked)
        if self.counterexample is not None:
            set_(self, "counterexample", tuple(self.counterexample))
            if self.holds:
                raise InvalidArgumentError("a certificate that holds has no counterexample")
        if self.holds and not all(c.holds for c in checked):
            raise InvalidArgumentError("a certificate holds only when every check holds")
        set_(self, "details", types.MappingProxyType(dict(self.details)))
        if self.failure is not None:
            set_(self, "failure", types.MappingProxyType(dict(self.failure)))
        if self.evidence is not None and not isinstance(self.evidence, Evidence):
            raise InvalidArgumentError(f"evidence must be an Evidence record, got "
                                       f"{type(self.evidence).__name__}")

    # ------------------------------------------------------------------ summaries
    @property
    def cases(self) -> int:
        """Total number of cases checked."""
        return sum(c.cases for c in self.checked)

    @property
    def verdict(self) -> str:
        """``"proved"``, ``"refuted"`` (a counterexample) or ``"not certified"``."""
        if self.holds:
            return "proved"
        return "refuted" if self.counterexample is not None else "not certified"

    def summary(self) -> str:
        """One line: verdict, method and the counterexample or the reason.

        Examples
        --------
        >>> Certificate(holds=True, method="orbit", task="Q8", model="block").summary()
        'proved by orbit (0 cases): block simulates Q8'
        """
        text = f"{self.verdict} by {self.method} ({self.cases:,} cases): {self.model} "
        if self.holds:
            return text + f"simulates {self.task}"
        if self.counterexample is not None:
            return text + f"fails {self.task} on {_word_text(self.counterexample)}"
        reason = self.details.get("reason", "")
        return text + f"is not certified for {self.task}" + (f": {reason}" if reason else "")

    def __str__(self) -> str:
        return self.summary()

    # ------------------------------------------------------------------ exports
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (``json.dumps`` works on it); ``evidence`` is the kernel's
        record (:meth:`Evidence.to_dict`) or None."""
        out: dict[str, Any] = _jsonable({
            "holds": self.holds, "verdict": self.verdict, "method": self.method,
            "task": self.task, "model": self.model, "cases": self.cases,
            "checked": [c.to_dict() for c in self.checked],
            "counterexample": None if self.counterexample is None else list(self.counterexample),
            "failure": None if self.failure is None else dict(self.failure),
            "details": dict(self.details),
        })
        out["evidence"] = None if self.evidence is None else self.evidence.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Certificate:
        """The inverse of :meth:`to_dict` (e.g. a certificate saved with ``--save-cert``),
        evidence included; ``verdict`` and ``cases`` are derived and must agree.

        ``Certificate.from_dict(c.to_dict()).to_dict() == c.to_dict()`` for every certificate
        (``details`` come back in their JSON form: lists for tuples, plain numbers).

        Raises
        ------
        InvalidArgumentError
            Not a certificate's dictionary (a missing or malformed key, named).

        Examples
        --------
        >>> c = Certificate(holds=False, method="float", task="Z_5", model="rotation",
        ...                 counterexample=("1", "1"), details={"reason": "cap"})
        >>> back = Certificate.from_dict(c.to_dict())
        >>> back.counterexample, back.to_dict() == c.to_dict()
        (('1', '1'), True)
        """
        d = _mapping(d, "a certificate")
        missing = [k for k in ("holds", "method") if k not in d]
        if missing:
            raise InvalidArgumentError(f"keys missing from the certificate: {missing}")
        checked = d.get("checked") or []
        if not isinstance(checked, list):
            raise InvalidArgumentError(f"a certificate's checked must be a list, got "
                                       f"{type(checked).__name__}")
        word = d.get("counterexample")
        if word is not None and not isinstance(word, (list, tuple)):
            raise InvalidArgumentError(f"counterexample must be a list or null, got {word!r}")
        failure = d.get("failure")
        ev = d.get("evidence")
        cert = cls(holds=check_bool(d["holds"], "holds"),
                   method=check_choice(d["method"], METHODS, "method"),
                   checked=tuple(Check.from_dict(c) for c in checked),
                   counterexample=None if word is None else tuple(word),
                   task=str(d.get("task", "")), model=str(d.get("model", "")),
                   details=dict(_mapping(d.get("details", {}), "details")),
                   failure=None if failure is None else dict(_mapping(failure, "failure")),
                   evidence=None if ev is None else Evidence.from_dict(ev))
        for key, value in (("verdict", cert.verdict), ("cases", cert.cases)):
            if key in d and d[key] != value:
                raise InvalidArgumentError(f"the certificate's {key} {d[key]!r} does not match "
                                           f"its checks ({value!r})")
        return cert

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=indent)

    def _claim(self) -> str:
        return (f"For every word w over the alphabet, the label decoded from h_w (argmax of "
                f"R h_w, ties counted as failures) equals the label of {self.task} after w.")

    def _conclusion(self) -> str:
        d = self.details
        if self.method == "exact":
            return ("By induction on |w|: h_w = enc(q0 . w) (items 1 and 2), so the decoded "
                    "label is the label of q0 . w (item 3), for every word w.")
        if self.method == "orbit":
            return ("The set of pairs (h_w, q0 . w) is closed under every letter and contains "
                    "(h0, q0), so it contains every pair reached by a word; each decodes "
                    "correctly, so the model simulates the automaton for every word.")
        if self.method == "cells":
            return ("By induction on |w|: h_w lies in the cell of q0 . w, and the readout is "
                    "constant and correct on every cell, for every word w.")
        impl = d.get("implementation", "this implementation")
        return (f"The set of pairs (float state, automaton state) reachable under {impl} is "
                "finite and closed and every pair decodes correctly, so this implementation "
                "is correct for every length (sequential evaluation only; "
                "docs/explanation/certificates.md).")

    def to_markdown(self) -> str:
        """The certificate as a Markdown proof (or refutation), one checked fact per line."""
        lines = [f"# Certificate: {self.model} simulates {self.task}", ""]
        lines.append(f"**Verdict:** {self.verdict}.  ")
        lines.append(f"**Method:** {METHOD_TITLES[self.method]}.")
        lines.append("")
        facts = [(k, v) for k, v in self.details.items()
                 if k not in ("encoding", "notes", "reason", "horizon_bound", "table", "model")
                 and not isinstance(v, (Mapping, list, tuple))]
        for k, v in facts:
            lines.append(f"- {k.replace('_', ' ')}: {v}")
        if facts:
            lines.append("")
        model_rows = self.details.get("model")
        if model_rows:
            lines += ["**Model** (exact entries):", "", "```"]
            for name, rows in model_rows.items():
                pad = " " * (len(name) + 3)
                lines += [(f"{name} = " if i == 0 else pad) + r for i, r in enumerate(rows)]
            lines += ["```", ""]
        lines.append(f"**Claim.** {self._claim()}")
        lines.append("")
        lines.append("**Proof.**" if self.holds else "**Checks.**")
        lines.append("")
        for i, c in enumerate(self.checked, 1):
            lines.append(f"{i}. {c.render()}")
        lines.append("")
        if self.holds:
            lines.append(f"**Conclusion.** {self._conclusion()} QED.")
        elif self.counterexample is not None:
            f = self.failure or {}
            got = f.get("decoded")
            got_text = "a tie between readout rows" if got is None else f"label {got!r}"
            lines.append(f"**Counterexample.** w = {_word_text(self.counterexample)} "
                         f"(length {len(self.counterexample)}): the automaton's label after w is "
                         f"{f.get('expected')!r}; the model decodes {got_text}.")
        else:
            lines.append(f"**Not certified.** {self.details.get('reason', 'no proof found')}")
        horizon = self.details.get("horizon_bound")
        if horizon:
            lines += ["", "**Horizon bound (docs/explanation/numerical-stability.md#horizon).** In "
                          "floating point, decoding is "
                      "guaranteed for about T_safe steps (a worst-case order of magnitude):",
                      ""]
            lines += [f"- {fmt}: T_safe ~ {t:.3g}" for fmt, t in horizon.items()]
        table = self.details.get("table")
        if table:
            lines += ["", "**Encoding.**", "", "| state | shortest word | code | label | "
                      "margin |", "|---|---|---|---|---|"]
            for row in table:
                lines.append("| " + " | ".join(str(row.get(k, "")) for k in
                                               ("state", "word", "code", "label", "margin"))
                             + " |")
        notes = self.details.get("notes")
        if notes:
            lines += ["", "**Notes.**", ""] + [f"- {n}" for n in notes]
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        """The certificate as a LaTeX fragment (a ``proof`` environment when it holds)."""
        def esc(s: str) -> str:
            for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("&", r"\&"), ("%", r"\%"),
                         ("#", r"\#"), ("{", r"\{"), ("}", r"\}"), ("$", r"\$")):
                s = s.replace(a, b) if a != "\\" else s
            return s

        out = [r"\begin{claim}", esc(f"{self.model} simulates {self.task}. {self._claim()}"),
               r"\end{claim}", r"\begin{proof}" if self.holds else r"\paragraph{Checks.}",
               esc(f"Method: {METHOD_TITLES[self.method]}."), r"\begin{enumerate}"]
        for c in self.checked:
            out.append(r"\item " + esc(c.render()[4:]) + (r" $\checkmark$" if c.holds
                                                           else r" $\times$"))
        out.append(r"\end{enumerate}")
        if self.holds:
            out += [esc(self._conclusion()), r"\end{proof}"]
        elif self.counterexample is not None:
            out.append(r"\paragraph{Counterexample.} " + esc(
                f"w = {_word_text(self.counterexample)}, expected "
                f"{(self.failure or {}).get('expected')!r}, decoded "
                f"{(self.failure or {}).get('decoded')!r}."))
        else:
            out.append(r"\paragraph{Not certified.} " + esc(str(self.details.get("reason", ""))))
        return "\n".join(out) + "\n"
