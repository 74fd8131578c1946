"""The :class:`Witness` record (internal home; import it from :mod:`bilinear.theory.witnesses`).

It lives in its own module, below :mod:`bilinear.theory.letters`, because
:func:`bilinear.theory.letters.commutation_witness` builds one while
:mod:`bilinear.theory.witnesses` (the checker) needs the letter maps: one-way imports.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from bilinear._validation import check_choice
from bilinear.errors import InvalidArgumentError

__all__ = ["GROUP_KINDS", "WITNESS_KINDS", "Witness"]

GROUP_KINDS = (
    "nonabelian_group",
    "nonsolvable",
    "g2_nonabelian",
    "not_cyclic_or_dihedral",
    "v3_exponent",
    "not_a5_type",
    "v3_perfect_residual",
)
WITNESS_KINDS = ("commutation", "period", "index") + GROUP_KINDS

Word = tuple[Hashable, ...]

# per kind: (required keys, optional keys) besides ``kind`` and ``words``, in JSON order
_COMMUTATION_KEYS = (("suffix",), ("letters",))
_PERIOD_KEYS = (("period", "allowed_periods"), ("cycles",))
_INDEX_KEYS = (("index", "max_index"), ())
_GROUP_KEYS = (("image_word", "generator_words"), ("group_order",))
_FIELDS_OF_KIND: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "commutation": _COMMUTATION_KEYS, "period": _PERIOD_KEYS, "index": _INDEX_KEYS,
    **{k: _GROUP_KEYS for k in GROUP_KINDS},
}
_WORD_LIST_KEYS = ("words", "generator_words", "cycles")
_WORD_KEYS = ("suffix", "letters", "image_word")
_INT_KEYS = {"period": 1, "index": 0, "max_index": 0, "group_order": 1}


def _word(value: Any, name: str) -> Word:
    if hasattr(value, "tolist"):  # a numpy array of symbols
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgumentError(f"witness {name} must be a list of symbols, got {value!r}")
    return tuple(value)


def _words(value: Any, name: str) -> tuple[Word, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgumentError(f"witness {name} must be a list of words, got {value!r}")
    return tuple(_word(w, name) for w in value)


def _int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvalidArgumentError(
            f"witness {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _json(key: str, value: Any) -> Any:
    """The JSON form of one field: words and lists of words as lists (symbols as they are)."""
    if value is None or key in _INT_KEYS or key == "kind":
        return value
    if key in _WORD_LIST_KEYS:
        return [list(w) for w in value]
    return list(value)


@dataclass(frozen=True, eq=False)
class Witness(Mapping[str, Any]):
    """A checkable impossibility witness (kinds and keys: :mod:`bilinear.theory.witnesses`).

    Frozen; words are tuples of symbols.  It reads as a read-only mapping with exactly the keys
    of its JSON form (:meth:`to_dict`): ``kind``, ``words`` and the keys of its kind that are
    set; ``w[key]`` gives the JSON value (lists), so ``dict(w) == w.to_dict()``.

    Attributes
    ----------
    kind : str
        One of ``WITNESS_KINDS``.
    words : tuple of tuple
        The words the claim is about (for group kinds ``(image_word, *generator_words)``).
    suffix, letters : tuple or None
        ``"commutation"``: the separating suffix; the two letters that do not commute.
    period, allowed_periods, cycles : int, tuple of int, tuple of tuple, or None
        ``"period"``: the period of the word, the periods the level allows, the cycles (state
        names) of the word's map.
    index, max_index : int or None
        ``"index"``: the index of the word and the largest index the level allows.
    image_word, generator_words, group_order : tuple, tuple of tuple, int, or None
        Group kinds: the word ``x`` with image ``X``, the words permuting ``X``, ``|G|``.

    Examples
    --------
    >>> w = Witness.commutation(["1", "2"], ["2", "1"], [])
    >>> w["kind"], w["words"], w.get("suffix"), "period" in w, len(w)
    ('commutation', [['1', '2'], ['2', '1']], [], False, 3)
    >>> dict(w) == w.to_dict() and Witness.from_dict(w.to_dict()) == w
    True
    >>> Witness.from_dict({"kind": "period", "words": [["1"]], "period": 2})
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: a 'period' witness needs allowed_periods
    """

    kind: str
    words: tuple[Word, ...] = ()
    suffix: Word | None = None
    letters: Word | None = None
    period: int | None = None
    allowed_periods: tuple[int, ...] | None = None
    cycles: tuple[Word, ...] | None = None
    index: int | None = None
    max_index: int | None = None
    image_word: Word | None = None
    generator_words: tuple[Word, ...] | None = None
    group_order: int | None = None

    def __post_init__(self) -> None:
        check_choice(self.kind, WITNESS_KINDS, "witness kind")
        required, optional = _FIELDS_OF_KIND[self.kind]
        for name in required:
            if getattr(self, name) is None:
                raise InvalidArgumentError(f"a {self.kind!r} witness needs {name}")
        for f in fields(self):
            if f.name in ("kind", "words") or f.name in required or f.name in optional:
                continue
            if getattr(self, f.name) is not None:
                raise InvalidArgumentError(
                    f"a {self.kind!r} witness has no {f.name} (got {getattr(self, f.name)!r})")
        set_ = object.__setattr__
        set_(self, "words", _words(self.words, "words"))
        for name in _WORD_LIST_KEYS[1:]:
            if getattr(self, name) is not None:
                set_(self, name, _words(getattr(self, name), name))
        for name in _WORD_KEYS:
            if getattr(self, name) is not None:
                set_(self, name, _word(getattr(self, name), name))
        for name, minimum in _INT_KEYS.items():
            if getattr(self, name) is not None:
                set_(self, name, _int(getattr(self, name), name, minimum))
        if self.allowed_periods is not None:
            if isinstance(self.allowed_periods, (str, bytes)) or not isinstance(
                    self.allowed_periods, Sequence):
                raise InvalidArgumentError(
                    f"witness allowed_periods must be a list, got {self.allowed_periods!r}")
            set_(self, "allowed_periods",
                 tuple(_int(p, "allowed_periods", 1) for p in self.allowed_periods))
        if self.image_word is not None and self.generator_words is not None:  # group kinds
            expected = (self.image_word,) + self.generator_words
            if self.words == ():
                set_(self, "words", expected)
            elif self.words != expected:
                raise InvalidArgumentError(
                    f"a {self.kind!r} witness has words = [image_word, *generator_words], got "
                    f"{_json('words', self.words)!r}")
        n_words = {"commutation": 2, "period": 1, "index": 1}.get(self.kind)
        if n_words is not None and len(self.words) != n_words:
            raise InvalidArgumentError(
                f"a {self.kind!r} witness has {n_words} word(s), got "
                f"{_json('words', self.words)!r}")
        if self.letters is not None and len(self.letters) != 2:
            raise InvalidArgumentError(f"witness letters must be two symbols, got "
                                       f"{list(self.letters)!r}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def commutation(cls, u: Sequence[Hashable], v: Sequence[Hashable],
                    suffix: Sequence[Hashable], letters: Sequence[Hashable] | None = None
                    ) -> Witness:
        """``"commutation"``: ``u``, ``v`` with equal letter counts separated by ``suffix``.

        Examples
        --------
        >>> Witness.commutation(["a", "b"], ["b", "a"], ["a"], letters=["a", "b"]).to_dict()
        {'kind': 'commutation', 'words': [['a', 'b'], ['b', 'a']], 'suffix': ['a'], \
'letters': ['a', 'b']}
        """
        return cls("commutation", (tuple(u), tuple(v)), suffix=tuple(suffix),
                   letters=None if letters is None else tuple(letters))

    @classmethod
    def period_word(cls, word: Sequence[Hashable], period: int, allowed_periods: Sequence[int],
                    cycles: Sequence[Sequence[Hashable]] | None = None) -> Witness:
        """``"period"``: ``tau_word`` has period ``period``, not in ``allowed_periods``.

        Examples
        --------
        >>> Witness.period_word(["1"], 2, [1]).to_dict()
        {'kind': 'period', 'words': [['1']], 'period': 2, 'allowed_periods': [1]}
        """
        return cls("period", (tuple(word),), period=period, allowed_periods=tuple(allowed_periods),
                   cycles=None if cycles is None else tuple(tuple(c) for c in cycles))

    @classmethod
    def index_word(cls, word: Sequence[Hashable], index: int, max_index: int) -> Witness:
        """``"index"``: ``tau_word`` has index ``index > max_index``.

        Examples
        --------
        >>> Witness.index_word(["a", "a"], 2, 1)["max_index"]
        1
        """
        return cls("index", (tuple(word),), index=index, max_index=max_index)

    @classmethod
    def group(cls, kind: str, image_word: Sequence[Hashable],
              generator_words: Sequence[Sequence[Hashable]], group_order: int | None = None
              ) -> Witness:
        """A group kind: the words ``generator_words`` permute ``im(tau_image_word)``.

        Examples
        --------
        >>> Witness.group("nonabelian_group", [], [["a"], ["b"]], 6)["words"]
        [[], ['a'], ['b']]
        """
        check_choice(kind, GROUP_KINDS, "group witness kind")
        return cls(kind, image_word=tuple(image_word),
                   generator_words=tuple(tuple(w) for w in generator_words),
                   group_order=group_order)

    # ------------------------------------------------------------------ JSON
    def _keys(self) -> tuple[str, ...]:
        required, optional = _FIELDS_OF_KIND[self.kind]
        return ("kind", "words") + required + tuple(k for k in optional
                                                    if getattr(self, k) is not None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict (words as lists), the witness format of ``classify --json``."""
        return {k: self[k] for k in self._keys()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Witness:
        """The inverse of :meth:`to_dict` (unknown kind, missing or foreign key: an error)."""
        if isinstance(d, Witness):
            return d
        if not isinstance(d, Mapping):
            raise InvalidArgumentError(f"a witness must be a dict, got {type(d).__name__}")
        if "kind" not in d:
            raise InvalidArgumentError("a witness needs a kind")
        kind = check_choice(d["kind"], WITNESS_KINDS, "witness kind")
        required, optional = _FIELDS_OF_KIND[kind]
        allowed = ("kind", "words") + required + optional
        unknown = [k for k in d if k not in allowed]
        if unknown:
            raise InvalidArgumentError(f"unknown key(s) {unknown} in a {kind!r} witness; "
                                       f"it has {', '.join(allowed)}")
        if kind not in GROUP_KINDS and "words" not in d:
            raise InvalidArgumentError(f"a {kind!r} witness needs words")
        return cls(**{k: d[k] for k in d})

    # ------------------------------------------------------------------ Mapping protocol
    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str) or key not in self._keys():
            raise KeyError(key)
        return _json(key, getattr(self, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._keys()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    def __repr__(self) -> str:
        return f"Witness({self.to_dict()!r})"
