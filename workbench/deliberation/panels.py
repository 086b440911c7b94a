"""The deliberation panels on the planners' home: moderation, and topics with their
statements, paper votes and opinion groups."""

from workbench.page.planner_home import Panel


def _moderation(lang: str, person: str):
    from workbench.deliberation.moderation_panel import ModerationQueue

    return ModerationQueue.from_settings(moderator=person, lang=lang).widget


def _topics(lang: str, _person: str):
    from workbench.deliberation.topics_panel import TopicsPanel

    return TopicsPanel.from_settings(lang=lang).widget


PANELS = [Panel("moderation", "planner.home.moderation", _moderation),
          Panel("topics", "planner.home.topics", _topics)]
