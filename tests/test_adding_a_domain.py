"""Adding a domain is a new package and one line in the registry (docs/architecture.md,
"Adding a domain"): this test writes the worked example of that page, a small "notices"
domain (the committee pins notices to public spaces), into a temporary folder, adds it to
the registry, and finds its table, queries, setting, command and strings where the rest of
the workbench reads them. Only the migration is left out: it belongs in the one history."""

from __future__ import annotations

import sys
import textwrap

import pytest

import workbench
from workbench import i18n, registry, settings

NOTICES = {
    "__init__.py": '''
        """Notices the committee pins to public spaces."""
    ''',
    "rules.py": '''
        from workbench.proposals.rules import InputInvalid, check_text

        def validate_notice(text):
            return check_text(text, required=True, max_chars=200)
    ''',
    "tables.py": '''
        from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

        from workbench.store.tables import metadata

        notices = Table(
            "notices", metadata,
            Column("id", Integer, primary_key=True),
            Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
            Column("public_space_id", String(64), nullable=True),
            Column("text", Text, nullable=False),
        )
    ''',
    "queries.py": '''
        from sqlalchemy import insert, select

        from workbench.notices.tables import notices

        class NoticeStore:
            def add_notice(self, community_id, public_space_id, text):
                return self.write(lambda conn: conn.execute(insert(notices).values(
                    community_id=community_id, public_space_id=public_space_id,
                    text=text)).inserted_primary_key[0])

            def notices_of(self, community_id):
                with self.engine.connect() as conn:
                    return [r.text for r in conn.execute(select(notices.c.text).where(
                        notices.c.community_id == community_id))]

        STORE_PART = NoticeStore
    ''',
    "settings.py": '''
        from workbench.settings import Setting

        SETTINGS = [Setting("notices_shown", 5, "Notices shown on the resident page.", int)]
    ''',
    "commands.py": '''
        def _notices(args):
            print("notices")
            return 0

        def register(subparsers):
            p = subparsers.add_parser("notices", help="list the community's notices")
            p.set_defaults(func=_notices)
    ''',
    "locales/zh.json": '{"notices.heading": "社区公告"}',
    "locales/en.json": '{"notices.heading": "Notices"}',
}


@pytest.fixture
def with_notices(tmp_path, monkeypatch):
    folder = tmp_path / "workbench" / "notices"
    for name, text in NOTICES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    # the package lives outside the source tree only for this test; in the project it is
    # workbench/notices/, and the registry line below is the one edit outside it
    monkeypatch.setattr(workbench, "__path__", list(workbench.__path__) + [str(folder.parent)])
    monkeypatch.setattr(registry, "DOMAINS", registry.DOMAINS + ("notices",))
    caches = (registry.modules, i18n.catalogue, settings._by_name)
    for cache in caches:
        cache.cache_clear()
    import workbench.store as store_package

    monkeypatch.delitem(vars(store_package), "Store", raising=False)
    yield
    for cache in caches:
        cache.cache_clear()
    monkeypatch.undo()
    vars(store_package).pop("Store", None)
    for name in [m for m in sys.modules if m.startswith("workbench.notices")]:
        del sys.modules[name]
    from workbench.store.tables import metadata

    if "notices" in metadata.tables:
        metadata.remove(metadata.tables["notices"])


def test_a_new_domain_is_read_by_the_store_settings_cli_and_strings(with_notices, tmp_path,
                                                                  community, capsys):
    from workbench.cli import main
    from workbench.store import Store
    from workbench.store.tables import load_all

    assert "notices" in load_all().tables
    store = Store(f"sqlite:///{tmp_path / 'notices.db'}")
    store.upgrade()
    store.ensure_community(community)
    with store.engine.begin() as conn:  # the migration this test leaves out
        load_all().tables["notices"].create(conn)
    store.add_notice(community.id, "P1", "周六上午清理口袋公园")
    assert store.notices_of(community.id) == ["周六上午清理口袋公园"]
    assert settings.get("notices_shown") == 5
    assert i18n.t("zh", "notices.heading") == "社区公告"
    assert main(["notices"]) == 0 and capsys.readouterr().out == "notices\n"
    store.dispose()
