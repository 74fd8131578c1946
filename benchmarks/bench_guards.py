"""Resource guards: time and peak memory of inputs that used to exhaust memory (issue 15).

Each command runs in its own subprocess; its wall time and its own peak resident memory (from
``os.wait4``, Linux: KiB) give two rows, ``<name>`` in seconds and ``<name>_peak`` in MiB.  The
ratios are against ``bilinear classify parity`` (process start-up and imports) measured just
before, in the same way: a guarded command that refuses costs about one start-up (ratio ~1), one
that finishes shows its real cost on top.

Figures on the shared 2-core development machine (full run, loaded): ``classify
random_fsm:states=5000`` 7.1 s and 261 MiB (start-up: 3.1 s, 125 MiB); ``export
random_fsm:states=100000,symbols=1000`` refused by ``--max-states`` and, with ``--max-states
100000``, by the build-memory cap (1.53 GiB estimated > 0.25 GiB), each in about one start-up at
the start-up's memory (122 MiB); the build of ``random_fsm:states=100000,symbols=100`` 4.1 s and
278 MiB (``kind=permutation``: 3.1 s, 272 MiB).  Before the guard the export ran past 60 s and
6.7 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

_BUILD = (
    "import sys; from bilinear.automata import tasks; "
    "t = tasks.resolve(sys.argv[1]); print(t.dfa.n_states)"
)
_REGEX = (
    "from bilinear.automata.regex import from_regex\n"
    "try:\n    from_regex('(a|b)*a' + '(a|b)' * 15)\n"
    "except Exception as e:\n    print(type(e).__name__)"
)
_MAIN = "import sys; from bilinear.cli import main; sys.exit(main(sys.argv[1:]))"

COMMANDS: dict[str, list[str]] = {
    "classify_random_fsm_5000": ["classify", "random_fsm:states=5000,symbols=3,seed=1"],
    "export_random_fsm_1e5x1e3_refused_by_max_states": [
        "export",
        "random_fsm:states=100000,symbols=1000",
        "--out",
        os.devnull,
    ],
    "export_random_fsm_1e5x1e3_refused_by_memory_cap": [
        "export",
        "random_fsm:states=100000,symbols=1000",
        "--max-states",
        "100000",
        "--out",
        os.devnull,
    ],
    "build_random_fsm_1e5x100": ["-c", _BUILD, "random_fsm:states=100000,symbols=100"],
    "build_random_fsm_1e5x100_permutation": [
        "-c",
        _BUILD,
        "random_fsm:states=100000,symbols=100,kind=permutation",
    ],
    "regex_subset_cap_2^16": ["-c", _REGEX],
}
QUICK: dict[str, list[str]] = {
    "classify_random_fsm_5000": ["classify", "random_fsm:states=500,symbols=3,seed=1"],
    "build_random_fsm_1e5x100": ["-c", _BUILD, "random_fsm:states=10000,symbols=100"],
    "build_random_fsm_1e5x100_permutation": [
        "-c",
        _BUILD,
        "random_fsm:states=10000,symbols=100,kind=permutation",
    ],
}


def _run(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MiB and exit status of one command in a fresh process."""
    cmd = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-c", _MAIN, *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode


def rows(quick: bool) -> list[dict]:
    """Two rows per guarded command (seconds, peak MiB), each as a ratio to the start-up."""
    out = []
    for name, args in COMMANDS.items():
        args = QUICK.get(name, args) if quick else args
        startup, startup_mib, _ = _run(["classify", "parity"])
        elapsed, peak_mib, rc = _run(args)
        baseline = "`bilinear classify parity` (start-up and imports)"
        out.append(
            {
                "benchmark": name,
                "value": elapsed,
                "unit": "s",
                "baseline": f"{baseline}, {startup:.2f} s; exit {rc}",
                "ratio": elapsed / startup,
            }
        )
        out.append(
            {
                "benchmark": f"{name}_peak",
                "value": peak_mib,
                "unit": "MiB",
                "baseline": f"{baseline}, {startup_mib:.0f} MiB; exit {rc}",
                "ratio": peak_mib / startup_mib,
            }
        )
    return out
