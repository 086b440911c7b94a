"""The points commands: ``workbench points check-rules | pending | review | notice | expire
| needs``."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from workbench import settings
from workbench.cli import open_community


def _rules(path: str | None = None):
    from workbench.points.rule_file import load_rules

    return load_rules(path or settings.get("points_rules"))


def _points(args) -> int:
    from workbench import i18n
    from workbench.points import workflow
    from workbench.points.ledger import PointsRefused
    from workbench.points.rule_file import PointsRulesError

    lang = settings.get("default_language")
    try:
        rules = _rules(args.file)
    except PointsRulesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.action == "check-rules":
        print(f"{rules.id}: {len(rules.earn)} earn rules, {len(rules.catalogue)} catalogue "
              f"items, awarded by {', '.join(rules.awarders)}, "
              + (f"expiring after {rules.expiry.months} months" if rules.expiry
                 else "never expiring"))
        return 0
    from workbench.points.notice import in_zone

    store, community = open_community()
    # the store keeps UTC; people read the community's days and times
    zone = community.time_zone
    today = datetime.now(ZoneInfo(zone)).date()
    try:
        if args.action == "pending":
            for c in store.points_credits(community.id):
                rule = rules.rule(c["rule_id"])
                print(f"{c['id']:>6}  {in_zone(c['created_at'], zone):%Y-%m-%d}  "
                      f"code {c['code_id']:>6}  "
                      f"{c['points']:>5} points  {c['minutes'] / 60:>5.1f} h  "
                      f"{rule.title(lang) if rule else c['rule_id']}  ({c['event_key']})")
            return 0
        if args.action == "review":
            if not args.id or not args.by or args.approve == args.reject:
                print("error: workbench points review ID [ID ...] --approve|--reject "
                      "--by NAME [--note TEXT]", file=sys.stderr)
                return 1
            # every credit named, in one transaction: all reviewed or none
            outcomes = workflow.review_many(store, rules, args.id, args.by, args.approve,
                                            note=args.note, today=today,
                                            community_id=community.id)
            for credit_id, outcome in outcomes.items():
                print(f"credit {credit_id}: {outcome['status']}"
                      + ("" if outcome["new"] else " (reviewed before; unchanged)"))
            return 0
        if args.action == "notice":
            from workbench.points.notice import notice_table

            table = notice_table(store.points_credits(community.id), rules, lang, zone)
            out = args.out or "points_notice.csv"
            table.to_csv(out, index=False, encoding="utf-8-sig")  # Excel reads UTF-8 by the BOM
            print(f"{len(table)} credits awaiting review written to {out}")
            return 0
        if args.action == "expire":
            on = date.fromisoformat(args.on) if args.on else today
            expired = store.expire_points(community.id, on)
            print(f"{sum(expired.values())} points of {len(expired)} residents expired on {on}")
            return 0
        # needs: what the steward should look at
        from workbench.points.needs import for_the_steward

        for n in for_the_steward(store.needs_of(community.id), datetime.now(timezone.utc)):
            print(f"{n['id']:>6}  {n['status']:<8} {n['skill']:<16} "
                  f"{in_zone(n['window_start'], zone):%Y-%m-%d %H:%M}  {n['title']}")
        return 0
    except PointsRefused as refused:
        print(f"error: {i18n.t(lang, refused.key, **refused.params)}", file=sys.stderr)
        return 1
    except ValueError as error:  # a date that is not one
        print(f"error: {error}", file=sys.stderr)
        return 1


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "points", help="points: check-rules [--file F], pending (credits awaiting review), "
                       "review ID [ID ...] --approve|--reject --by NAME (all or none), "
                       "notice [--out F.csv] (the public notice of pending credits), expire "
                       "[--on DATE], needs (the needs a steward should look at); dates in "
                       "the community's time zone")
    p.add_argument("action", choices=["check-rules", "pending", "review", "notice", "expire",
                                      "needs"])
    p.add_argument("id", nargs="*", type=int, default=[], help="the credits to review")
    p.add_argument("--file", default=None, help="a rule file (default: the points_rules "
                                                "setting)")
    p.add_argument("--approve", action="store_true")
    p.add_argument("--reject", action="store_true")
    p.add_argument("--by", default="", help="the steward who reviews")
    p.add_argument("--note", default=None, help="a note kept with the review")
    p.add_argument("--out", default=None, help="the notice's CSV file")
    p.add_argument("--on", default=None, help="expire points due by this date (YYYY-MM-DD)")
    p.set_defaults(func=_points)
