"""LIX, the Danish readability index (docs/domain.md §6).

LIX = words / sentences + 100 × long words / words, where a long word has more than six letters.
Up to 24 is very easy, 25–34 easy, 35–44 medium. The portal aims at 30 and never above 35.

A sentence ends at . ! ? or : — but not at the period of an ordinal or a date ("13. december",
"§ 113, stk. 3."), which Danish writes with a period — and every line (a heading, a list item)
counts as at least one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GOAL = 30
LIMIT = 35

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<!\d)[.!?:]+(?=\s|$)")


@dataclass(frozen=True)
class Lix:
    score: float
    words: int
    sentences: int
    long_words: int


def lix(text: str) -> Lix:
    words = _WORD.findall(text)
    # A sentence is a stretch of a line between sentence ends that holds a word: so the text
    # after the last full stop is one too, and a line without one ("uge 2." ends one).
    sentences = sum(
        1 for line in text.splitlines() for part in _SENTENCE_END.split(line) if _WORD.search(part)
    )
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    if not words:
        return Lix(0.0, 0, 0, 0)
    score = len(words) / max(sentences, 1) + 100 * long_words / len(words)
    return Lix(round(score, 1), len(words), sentences, long_words)
