"""The deliberation panels on the planners' home: moderation (with its log as a file), and
topics with their statements, paper votes, opinion groups and Pol.is file."""

from workbench.page.planner_home import Panel


def _moderation(lang: str, person: str):
    from workbench.deliberation.planner import moderation_tools

    return moderation_tools(moderator=person, lang=lang).widget


def _topics(lang: str, _person: str):
    from workbench.deliberation.planner import topics_tools

    return topics_tools(lang=lang).widget


PANELS = [Panel("moderation", "planner.home.moderation", _moderation),
          Panel("topics", "planner.home.topics", _topics)]
