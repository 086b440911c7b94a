"""Proposals at random places in a community (fixed seed), one a title that is markup: what
the exported map's tests draw. A plain module, importable by name anywhere under tests/."""

from __future__ import annotations

import random

from agenda_samples import MARKUP_TITLE
from samples import random_point
from workbench.proposals.rules import Proposal


def add_proposals(store, community, n: int, seed: int = 16) -> list[str]:
    """Store ``n`` proposals (the first titled :data:`MARKUP_TITLE`); returns their titles."""
    rng = random.Random(seed)
    scenarios = ["health", "transport", "neighbourhood", "low_carbon"]
    titles = [f"提案 {i}：{rng.choice(['长椅', '遮阳棚', '路灯', '自行车架'])}" for i in range(n)]
    titles[0] = MARKUP_TITLE
    for i, title in enumerate(titles):
        store.add_proposal(community.id, Proposal(title, "", rng.choice(scenarios),
                                                  *random_point(rng, community)),
                           client=f"test-client-{i}")
    return titles
