"""The points settings: the rule file, and whether points cross a street's communities."""

from workbench.settings import PROJECT_DIR, Setting


def _yes(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS = [
    Setting("points_rules", str(PROJECT_DIR / "points" / "rules.yaml"),
            "The points rule file (earn rules, catalogue, expiry, who may award; see "
            "docs/points.md). Several communities of a street may use one file.", str),
    Setting("points_across_communities", False,
            "Let points earned in one community of the street be spent in another that "
            "shares the rule file (its 'communities'); each community still sees only its "
            "own residents.", _yes),
]
