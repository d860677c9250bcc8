"""Rules about offers (tilbud): which are employment-oriented, and which come next.

The right to a meeting with the sundhedskoordinator covers only employment-oriented offers:
virksomhedspraktik (LAB ch. 11), ansættelse med løntilskud (ch. 12) and vejledning og
opkvalificering (ch. 14) — LAB § 113, stk. 3 with § 53, stk. 4.
"""

from __future__ import annotations

EMPLOYMENT_ORIENTED_KINDS = frozenset(
    {"virksomhedspraktik", "loentilskud", "vejledning_opkvalificering"}
)


def is_employment_oriented(kind: str) -> bool:
    return str(kind) in EMPLOYMENT_ORIENTED_KINDS
