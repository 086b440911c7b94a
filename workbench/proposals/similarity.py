"""How alike two short texts are, for Chinese and English alike.

Chinese has no spaces between words, so texts are compared by overlapping character n-grams
rather than by words; the same works for English and mixed text. Each
n-gram is weighted by how rare it is among the texts compared (IDF), so "公园" or "park",
which many proposals share, counts less than "长椅" or "bench". Plain Python: no model to
load, fast for the few hundred proposals of a community.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _NOT_WORD.sub(" ", text).strip()
    # spaces between Chinese characters carry no meaning: drop them there only
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)


def ngrams(text: str) -> Counter:
    """Character n-grams of the normalised text: 1- and 2-grams of Chinese (a character
    already carries meaning), 2- and 3-grams of other words."""
    grams: Counter = Counter()
    for word in normalise(text).split():
        chinese = bool(_CJK.search(word))
        padded = word if chinese else f" {word} "
        for n in ((1, 2) if chinese else (2, 3)):
            for i in range(len(padded) - n + 1):
                grams[padded[i:i + n]] += 1
    return grams


def _weighted(grams: Counter, idf: dict[str, float]) -> dict[str, float]:
    return {g: c * idf.get(g, 1.0) for g, c in grams.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def most_similar(text: str, candidates: list[str], limit: int = 3,
                 threshold: float = 0.25) -> list[tuple[int, float]]:
    """Indices of the candidates most like ``text`` with their scores (0 to 1), best first,
    only those at or above ``threshold``."""
    query = ngrams(text)
    if not query or not candidates:
        return []
    docs = [ngrams(c) for c in candidates]
    df: Counter = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs) + 1
    idf = {g: math.log(n / (1 + df[g])) + 1.0 for g in set(df) | set(query)}
    q = _weighted(query, idf)
    scored = [(i, _cosine(q, _weighted(d, idf))) for i, d in enumerate(docs)]
    scored = [(i, s) for i, s in scored if s >= threshold]
    return sorted(scored, key=lambda x: -x[1])[:limit]
