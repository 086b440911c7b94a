"""Deliberation's sections of the resident page: a proposal's discussion (opened from the
proposal list) and the statements to vote on. Each lives in its own module."""

from workbench.deliberation.discussion_page import DiscussionSection
from workbench.deliberation.statements_page import StatementVoting

SECTIONS = [DiscussionSection, StatementVoting]
