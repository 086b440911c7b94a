"""Deliberation: comments on proposals (with a stance, one level of replies), reports and
moderation of proposals, their photos, comments and statements (hide with a public reason,
never delete), statements that residents write and vote on (agree, disagree, pass), the
opinion groups those votes reveal, and the statements that bridge them. An imported conversation is a draft, on no resident page, until a planner of the
community opens it. Widget parts: ``discussion_page``, ``statements_page`` (resident page),
``moderation_panel``, ``topics_panel`` (planners); ``queries``, ``tables``, ``commands``
(``polis-import``, ``polis-export``).

Kept import-cheap on purpose: the resident page's kernel imports this package, so nothing here
loads pandas, numpy or scikit-learn. Import the modules themselves where they are needed:

- :mod:`workbench.deliberation.opinion_groups`: the Pol.is method (PCA, two-level k-means,
  group-informed consensus, representative statements, the opinion map). Needs scikit-learn.
- :mod:`workbench.deliberation.polis_files`: the Pol.is export folder format, read and write.
"""
