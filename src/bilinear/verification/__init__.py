"""Verification: certificates, impossibility witnesses, drift checks and hypothesis strategies.

Only the public strategies exist so far (:mod:`bilinear.verification.strategies`); the
certificate API (``verify``) comes with its issue.

Examples
--------
>>> from bilinear.verification import strategies
>>> callable(strategies.dfas)
True
"""

from bilinear.verification import strategies

__all__ = ["strategies"]
