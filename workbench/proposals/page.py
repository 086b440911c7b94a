"""Proposals on the resident page: the form (:mod:`.form_page`: the pin on the map, the
similar-proposals hint, the photo and the receipt) and the list of proposals with their
supports (:mod:`.list_page`), in this order on the page.
"""

from workbench.proposals.form_page import ProposalForm
from workbench.proposals.list_page import LIST_PAGE, ProposalList

__all__ = ["LIST_PAGE", "ProposalForm", "ProposalList", "SECTIONS"]

SECTIONS = [ProposalForm, ProposalList]
