"""Resource guards: time and peak memory of inputs that used to exhaust memory (issue 15).

Each row runs the CLI in a subprocess and reads its peak resident memory from
``resource.getrusage(RUSAGE_CHILDREN)`` (Linux: KiB).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

COMMANDS = {
    "classify_random_fsm_5000": ["classify", "random_fsm:states=5000,symbols=3,seed=1"],
    "regex_subset_cap_2^16": [
        "-c",
        "from bilinear.automata.regex import from_regex\n"
        "try:\n    from_regex('(a|b)*a' + '(a|b)' * 15)\n"
        "except Exception as e:\n    print(type(e).__name__)",
    ],
}
QUICK = {"classify_random_fsm_5000": ["classify", "random_fsm:states=500,symbols=3,seed=1"]}


def _run(args: list[str]) -> tuple[float, float, int]:
    main = "import sys; from bilinear.cli import main; sys.exit(main(sys.argv[1:]))"
    cmd = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-c", main, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024.0, proc.returncode


def rows(quick: bool) -> list[dict]:
    """Seconds and peak MiB (max over children so far) of each guarded command, as a ratio
    to ``bilinear classify parity`` (process start-up and imports) run just before it."""
    out = []
    for name, args in COMMANDS.items():
        args = QUICK.get(name, args) if quick else args
        startup, _, _ = _run(["classify", "parity"])
        elapsed, peak_mib, rc = _run(args)
        out.append(
            {
                "benchmark": name,
                "value": elapsed,
                "unit": "s",
                "baseline": f"`bilinear classify parity` (start-up); peak RSS {peak_mib:.0f} MiB, "
                f"exit {rc}",
                "ratio": elapsed / startup,
            }
        )
    return out
