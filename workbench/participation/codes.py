"""Participation codes: one person (or household), one vote, without accounts.

The residents' committee issues codes on paper slips. A code is shown once, when it is
issued, and stored only as a slow hash, so a copy of the database does not give the codes
away. Guessing is impractical: 10 characters from a 31-letter alphabet (about 8 × 10^14
codes, 49 bits) and a limit on failed attempts per page session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

#: No look-alikes (0/O, 1/I/L), so a code can be read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
#: PBKDF2 rounds: about 30 ms per check here, which makes trying every code of a stolen
#: database take lifetimes while a resident waits no noticeable time.
HASH_ROUNDS = 60_000
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    """A fresh code, XXXXX-XXXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text) -> str | None:
    """The code in its stored form (no dash) from what a resident typed (spaces, dashes and
    lower case are forgiven), or None when it cannot be a code."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    cleaned = re.sub(r"[\s\-_.]", "", text).upper()
    return cleaned if _CODE.match(cleaned) else None


def hash_code(code: str, salt: str) -> str:
    """The stored form of a normalised code: PBKDF2-SHA256 with the community's random salt
    (kept in the database). One salt per community, not per code, so that a code can be
    looked up by its hash; the rounds make trying every code too slow to be worth it."""
    digest = hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), bytes.fromhex(salt),
                                 HASH_ROUNDS)
    return digest.hex()


def new_salt() -> str:
    return secrets.token_hex(16)


@dataclass
class AttemptLimiter:
    """At most ``max_failures`` wrong codes per ``window`` seconds in one page session."""

    max_failures: int = 5
    window: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _failures: deque = field(default_factory=deque)

    def blocked(self) -> bool:
        now = self.clock()
        while self._failures and now - self._failures[0] > self.window:
            self._failures.popleft()
        return len(self._failures) >= self.max_failures

    def failed(self) -> None:
        self._failures.append(self.clock())


# -- issuing and checking, over the store -------------------------------------------------
def issue_codes(store, community_id: str, count: int, batch: str = "") -> list[str]:
    """Make ``count`` new codes, store their hashes, and return the codes themselves: the
    only time they exist in the clear (print them now)."""
    if not 1 <= count <= 10_000:
        raise ValueError("issue between 1 and 10,000 codes at a time")
    salt = store.code_salt(community_id)
    codes = sorted({new_code() for _ in range(count)})
    while len(codes) < count:  # a repeat among fresh codes: astronomically rare
        codes = sorted(set(codes) | {new_code()})
    store.add_codes(community_id, [hash_code(normalise_code(c), salt) for c in codes], batch)
    return codes


def reissue_code(store, community_id: str, code_id: int, batch: str = "") -> str:
    """Revoke a code (lost slip) and give a new one in its place."""
    if not store.revoke_code(code_id):
        raise ValueError(f"no active code with id {code_id}")
    code = new_code()
    store.add_codes(community_id, [hash_code(normalise_code(code), store.code_salt(community_id))],
                    batch, replaces_id=code_id)
    return code


def check_code(store, community_id: str, text, limiter: AttemptLimiter
               ) -> tuple[int | None, tuple[str, dict] | None]:
    """(code id, None) for an active code, else (None, problem): a message key for the
    page. A page session that keeps guessing is stopped for a while."""
    if limiter.blocked():
        return None, ("error.code_attempts", {"minutes": int(limiter.window // 60)})
    code = normalise_code(text)
    salt = store.code_salt(community_id, create=False) if code is not None else None
    code_id = store.active_code_id(community_id, hash_code(code, salt)) if salt else None
    if code_id is None:
        limiter.failed()
        return None, ("error.code_unknown", {})
    return code_id, None
