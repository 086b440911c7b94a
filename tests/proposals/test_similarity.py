import pytest

from workbench.proposals.similarity import most_similar, normalise

EXISTING = [
    "银杏口袋公园加几张有靠背的长椅",            # 0
    "Shade sails over the children's play area",  # 1
    "邻里中心开设周末四点半课堂",                # 2
    "Secure bicycle parking near the main gate",  # 3
    "晨曦广场晚上灯太暗，希望加装路灯",          # 4
    "More benches in Ginkgo Pocket Park",         # 5
]


@pytest.mark.parametrize("text, expected", [
    ("给银杏公园增加几张长椅", 0),
    ("长椅 银杏口袋公园", 0),
    ("shade over the kids play area please", 1),
    ("周末四点半课堂", 2),
    ("bike parking at the gate", 3),
    ("广场路灯太暗了", 4),
    ("benches for ginkgo park", 5),
])
def test_known_duplicates_come_first(text, expected):
    found = most_similar(text, EXISTING)
    assert found and found[0][0] == expected, found


@pytest.mark.parametrize("text", ["垃圾分类宣传活动", "Free wifi in the library",
                                  "停车位收费太贵"])
def test_unrelated_text_finds_nothing(text):
    assert most_similar(text, EXISTING) == []


def test_edge_cases():
    assert most_similar("", EXISTING) == []
    assert most_similar("长椅", []) == []
    assert normalise("Ｂｅｎｃｈ，长 椅!") == "bench 长椅"
    assert len(most_similar("公园", EXISTING * 10, limit=3, threshold=0)) == 3
