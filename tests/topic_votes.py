"""A topic with enough votes for opinion groups, built from a fixed seed: two camps that
disagree on most statements and agree on a few. A plain module, importable by name anywhere
under tests/ (as communities.py is)."""

from __future__ import annotations

import random

from workbench.deliberation.statements import voter_key

#: (statement, how camp A votes, how camp B votes): 1 agree, -1 disagree
STATEMENTS = [
    ("口袋公园晚上十点后要安静", 1, -1),
    ("广场舞可以放在银杏公园", -1, 1),
    ("邻里中心周末开到晚上九点", 1, -1),
    ("停车位比绿地更重要", -1, 1),
    ("儿童活动场地要加遮阳棚", 1, 1),
    ("Keep the main gate closed to cars at night", 1, -1),
    ("More seating for older residents", 1, 1),
    ("电动车充电桩放在地面", -1, 1),
    ("社区客厅由居民轮流管理", 1, -1),
    ("Dogs should be on a lead in the pocket park", 1, 1),
]


def seed_topic(store, community_id: str, voters: int = 40, seed: int = 2050) -> int:
    """Open a topic with :data:`STATEMENTS` as seeds and let ``voters`` participation codes
    vote (code hashes are dummies: these codes are never typed). Returns the topic id."""
    rng = random.Random(seed)
    topic_id = store.add_topic(community_id, "银杏口袋公园怎么用？",
                               "Ginkgo pocket park: how should we use it?",
                               [s for s, _, _ in STATEMENTS])
    ids = [s["id"] for s in store.statements_of(topic_id)]
    code_ids = store.add_codes(community_id, [f"seed-{seed}-{i}" for i in range(voters)],
                               batch="seed")
    for n, code_id in enumerate(code_ids):
        camp = 1 if n % 3 else 2   # two camps, about 2:1
        for sid, (_, a, b) in zip(ids, STATEMENTS):
            if rng.random() < 0.15:
                continue             # not seen
            vote = a if camp == 1 else b
            roll = rng.random()
            if roll < 0.1:
                vote = 0             # pass
            elif roll < 0.2:
                vote = -vote         # a mind of one's own
            store.set_vote(sid, voter_key(code_id), vote, code_id=code_id, source="resident")
    return topic_id
