"""`make mutate`'s verdict: the mutation score of portal/domain and the surviving mutants.

Reads `mutmut results --all true`, prints killed, survived and the score, and fails when the
score is under 90 % or a mutant survives that the README's "Tests that catch the edges" does not
list with the reason it is harmless (so a new survivor is either killed by a test or explained).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEAST_SCORE = 0.90


def main() -> int:
    listing = subprocess.run(  # noqa: S603 - our own virtualenv's mutmut
        [str(Path(sys.executable).parent / "mutmut"), "results", "--all", "true"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    results = dict(re.findall(r"^\s*(portal\.\S+__mutmut_\d+): (.+)$", listing, re.MULTILINE))
    # A mutant that makes the tests run forever (a loop that never ends) is caught too.
    caught = {"killed", "timeout"}
    counts = Counter(results.values())
    total = len(results)
    found = sum(counts[verdict] for verdict in caught)
    score = found / total if total else 0.0
    print(f"portal/domain: {total} mutants, {found} caught ({dict(counts)}); score {score:.1%}")
    explained = set(
        re.findall(r"portal\.domain\.\S+?__mutmut_\d+", (ROOT / "README.md").read_text())
    )
    unexplained = sorted(name for name, verdict in results.items()
                         if verdict not in caught and name not in explained)  # fmt: skip
    for name in unexplained:
        print(f"  survived, not listed as harmless in README.md: {name}")
    if score < LEAST_SCORE or unexplained:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
