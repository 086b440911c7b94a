"""What residents of a test community do in a test's setup: propose, and hold codes."""

from communities import INSIDE_P1
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal


def propose(store, title, description="", space="P1", scenario="health", at=INSIDE_P1,
            community_id="test", author: int | None = None) -> int:
    """Store a proposal (made by the resident of code id ``author``, if given); returns its
    id."""
    receipt = store.add_proposal(community_id, Proposal(title, description, scenario, *at,
                                                        public_space_id=space),
                                 author_code_id=author)
    return store.proposal_by_receipt(receipt)["id"]


def code_ids(store, n: int, community_id: str = "test") -> list[int]:
    """Issue ``n`` participation codes; returns their ids (the codes themselves are not
    needed when a test acts through the store)."""
    salt = store.code_salt(community_id)
    return [store.active_code_id(community_id, hash_code(normalise_code(c), salt))
            for c in issue_codes(store, community_id, n)]
