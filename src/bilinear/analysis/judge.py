"""How the report judges a trained model against the theory's verdict.

The thresholds and the wording of the agreement between training and theory live here, so that
the report (:mod:`bilinear.analysis.report`) and its renderer
(:mod:`bilinear.analysis.report_render`) both read them without importing each other.

Examples
--------
>>> from bilinear.analysis.judge import AGREEMENT_TEXT, LONG_LENGTH, PASS_THRESHOLD
>>> PASS_THRESHOLD, LONG_LENGTH
(0.95, 200)
>>> sorted(AGREEMENT_TEXT)
['agree', 'agree_fp', 'bug', 'gap', 'open']
"""

from __future__ import annotations

__all__ = ["AGREEMENT_TEXT", "LONG_LENGTH", "PASS_THRESHOLD"]

#: A trained model *succeeds* when its chance-normalized accuracy is at least this ...
PASS_THRESHOLD = 0.95
#: ... at every test length of at least this (or at its longest length when all are shorter).
LONG_LENGTH = 200

#: One sentence per agreement class between training and theory.
AGREEMENT_TEXT = {
    "agree": "training agrees with theory",
    "agree_fp": "learned although the fin notion says no; allowed in floating point (fp notion)",
    "bug": "BUG TO INVESTIGATE: a trained model beats a proved 'no'",
    "gap": "learnability gap: theory says yes, training did not get there",
    "open": "theory unknown",
}
