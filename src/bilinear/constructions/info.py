"""``ConstructionInfo``: what a compiled (or loaded) model records about how it was built.

A frozen record with typed fields for the keys every layer reads (``construction``,
``notion``, ``state_determined``, ``dim_upper``, ``block_size``, ``rank``, ``exact``,
``fallback``) and an ``extra`` mapping for the construction's own notes (``encoding``,
``units``, ``invariant_factors``, ``cp_factors``, training notes, ...).  It is also a read-only
mapping with exactly the keys of its JSON form, so ``info["construction"]``,
``info.get("rank")`` and ``dict(info)`` read as they always did; :meth:`ConstructionInfo.to_dict`
is the ``info`` object of the NPZ / exact-JSON formats (documented in
:doc:`/reference/formats`).

Examples
--------
>>> info = ConstructionInfo.from_dict({"construction": "one_hot", "block_size": 4,
...                                    "sink": "q3"})
>>> info.construction, info.block_size, info["sink"]
('one_hot', 4, 'q3')
>>> info.to_dict()
{'construction': 'one_hot', 'block_size': 4, 'sink': 'q3'}
>>> ConstructionInfo.from_dict({"rank": "three"})
Traceback (most recent call last):
...
bilinear.errors.InvalidArgumentError: info['rank'] must be an integer, got 'three'
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from numbers import Integral
from typing import Any

import numpy as np

from bilinear.errors import InvalidArgumentError

__all__ = ["ConstructionInfo"]

_INT_KEYS = ("dim_upper", "block_size", "rank")
_BOOL_KEYS = ("state_determined", "exact")
_STR_KEYS = ("construction", "notion")


@dataclass(frozen=True, eq=False)
class ConstructionInfo(Mapping[str, Any]):
    """How a model was built (typed fields, plus ``extra``); a read-only mapping of its JSON.

    Attributes
    ----------
    construction : str or None
        The construction's name (:class:`bilinear.vocabulary.Construction`, or
        ``"representation"`` for a user's group representation).
    notion : str or None
        The simulation notion the model was built for.
    state_determined : bool or None
        Whether the hidden state determines the automaton's state.
    dim_upper : int or None
        Theory's dimension for the level.
    block_size, rank : int or None
        ``b`` of a ``block`` model, the CP rank of a ``cp`` model.
    exact : bool or None
        ``False`` for float-only constructions.
    fallback : mapping or None
        ``{"from": name, "reason": text}`` when the planned construction was refused and the
        one-hot model stands in for it.
    extra : mapping
        Every other key.
    """

    construction: str | None = None
    notion: str | None = None
    state_determined: bool | None = None
    dim_upper: int | None = None
    block_size: int | None = None
    rank: int | None = None
    exact: bool | None = None
    fallback: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    _dict: dict[str, Any] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for key in _STR_KEYS:
            _check_type(key, getattr(self, key), str, "a string")
        for key in _INT_KEYS:
            value = getattr(self, key)
            if value is not None:
                if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
                    raise InvalidArgumentError(f"info[{key!r}] must be an integer, got {value!r}")
                object.__setattr__(self, key, int(value))
        for key in _BOOL_KEYS:
            value = getattr(self, key)
            if isinstance(value, np.bool_):
                object.__setattr__(self, key, bool(value))
            _check_type(key, getattr(self, key), bool, "True or False")
        if self.fallback is not None:
            _check_type("fallback", self.fallback, Mapping, "a mapping")
            object.__setattr__(self, "fallback", types.MappingProxyType(dict(self.fallback)))
        if not isinstance(self.extra, Mapping):
            raise InvalidArgumentError(f"info extra must be a mapping, got {self.extra!r}")
        clash = set(self.extra) & _TYPED
        if clash:
            raise InvalidArgumentError(f"info extra repeats typed keys {sorted(clash)}")
        object.__setattr__(self, "extra", types.MappingProxyType(dict(self.extra)))
        object.__setattr__(self, "_dict", self._as_dict())

    def _as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("extra", "_dict"):
                continue
            if value is not None:
                out[f.name] = dict(value) if f.name == "fallback" else value
        out.update(self.extra)
        return out

    # ------------------------------------------------------------------ mapping view
    def __getitem__(self, key: str) -> Any:
        return self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __repr__(self) -> str:
        return f"ConstructionInfo({self._dict!r})"

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready ``info`` object (absent fields are left out)."""
        return dict(self._dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ConstructionInfo:
        """The record of an ``info`` mapping (unknown keys go to ``extra``)."""
        if isinstance(data, ConstructionInfo):
            return data
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InvalidArgumentError(f"info must be a mapping, got {type(data).__name__}")
        bad = [k for k in data if not isinstance(k, str)]
        if bad:
            raise InvalidArgumentError(f"info keys must be strings, got {bad[0]!r}")
        typed = {k: data[k] for k in _TYPED if k in data}
        extra = {k: v for k, v in data.items() if k not in _TYPED}
        return cls(**typed, extra=extra)

    def updated(self, **changes: Any) -> ConstructionInfo:
        """A copy with some keys set (typed or extra)."""
        return ConstructionInfo.from_dict({**self._dict, **changes})


_TYPED = frozenset(f.name for f in fields(ConstructionInfo)) - {"extra", "_dict"}


def _check_type(key: str, value: Any, kind: type, what: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise InvalidArgumentError(f"info[{key!r}] must be {what}, got {value!r}")
