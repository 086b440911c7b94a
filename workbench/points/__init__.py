"""Points (积分) and the community needs pool: "service for points, points for service".

- :mod:`.rules`: the community's rule file (earn rules, the redemption catalogue, expiry, who
  may award), read and validated with line-precise messages (:mod:`.rule_file`), and the
  ledger's rules: balances from entries, what expires, what may be spent.
- :mod:`.needs`: the needs pool's states and the moves between them.
- :mod:`.tables` and :mod:`.queries`: the append-only ledger, credits awaiting review,
  accounts (one row per resident, the lock a debit takes), the needs pool and volunteers.
- :mod:`.commands`: ``workbench points``.

docs/points.md describes the rule file and the ledger.
"""
