"""The demo community's database: created once, never overwritten."""

from __future__ import annotations

from pathlib import Path

from workbench import settings
from workbench.layers.community import load_community
from workbench.proposals.rules import validate_proposal
from workbench.store import Store

DEMO_LAYERS = settings.PROJECT_DIR / "layers" / "demo"
#: the demo community's surveys (the surveys_dir setting's default)
DEMO_SURVEYS = settings.PROJECT_DIR / "surveys"
#: A few proposals so a new page is not empty; they go through the same validation as any.
DEMO_PROPOSALS = [
    {"title": "银杏口袋公园加几张有靠背的长椅", "scenario": "health",
     "description": "老人散步走累了没地方坐，希望加三四张有靠背的长椅。"},
    {"title": "Shade sails over the children's play area", "scenario": "neighbourhood",
     "description": "In summer the slide is too hot to touch after 10 am."},
    {"title": "邻里中心开设周末四点半课堂", "scenario": "education",
     "description": "双职工家庭放学后没人接，希望有志愿者带孩子写作业。"},
    {"title": "Secure bicycle parking near the main gate", "scenario": "transport",
     "description": "Bikes are chained to trees; a covered rack would keep the paths clear."},
]

#: A topic to vote on, so the statements section shows what it is for (bilingual seeds: the
#: demo page is shown in both languages).
DEMO_TOPIC = {
    "title": "银杏口袋公园的未来 · The future of Ginkgo pocket park",
    "description": "这块空地怎么用？对每条观点表个态。 How should the space be used? Vote on each "
                   "statement.",
    "seeds": ["晚上九点后公园应保持安静 · The park should be quiet after 9 pm",
              "应该给小朋友留出一块游戏场地 · Part of it should be a children's play area",
              "多种树比多铺硬地更重要 · More trees matter more than more paving",
              "广场舞可以在这里，但音量要限制 · Square dancing is fine here, with a volume limit",
              "这里适合设一个快递柜 · A parcel locker would fit here"],
}


def init(store: Store | None = None, layers_dir: str | None = None) -> dict:
    """Create or upgrade the schema, add the demo community if it is missing, and publish the
    survey files (a changed file becomes a new version).

    Idempotent: a second run keeps every existing row. Returns what it did."""
    store = store or Store()
    store.upgrade()
    layers_dir = layers_dir or settings.get("layers_dir")
    community = load_community(layers_dir)
    created = store.ensure_community(community)
    added = 0
    # the sample proposals and topic belong to the demo community only: a real community's
    # page must start with its residents' own words
    if created and Path(layers_dir).resolve() == DEMO_LAYERS:
        spaces = list(community.public_spaces)
        for i, raw in enumerate(DEMO_PROPOSALS):
            space = spaces[(i * 3) % len(spaces)]
            proposal = validate_proposal({**raw, "public_space_id": space}, community)
            store.add_proposal(community.id, proposal, source="demo")
            added += 1
        from workbench.deliberation.statements import validate_topic

        store.add_topic(community.id, *validate_topic(DEMO_TOPIC["title"],
                                                      DEMO_TOPIC["description"],
                                                      DEMO_TOPIC["seeds"]))
    from workbench.surveys import publish_surveys

    surveys_dir = Path(settings.get("surveys_dir")).resolve()
    # the project's own survey files are the demo community's (they name its buildings and
    # areas): another community publishes the folder its WORKBENCH_SURVEYS_DIR names
    skip_demo_surveys = (surveys_dir == DEMO_SURVEYS
                         and Path(layers_dir).resolve() != DEMO_LAYERS)
    surveys = {} if skip_demo_surveys else publish_surveys(store, surveys_dir, community)
    return {"database": store.url, "community": community.id, "created": created,
            "demo_proposals": added, "revision": store.schema_revision(), "surveys": surveys,
            "demo_surveys_skipped": skip_demo_surveys}
