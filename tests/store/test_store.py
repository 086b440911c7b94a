import pytest
from sqlalchemy import inspect, text

from stores import in_threads, proposal, store_on_both_databases  # noqa: F401 (fixture)
from workbench.proposals.queries import PUBLIC_PROPOSAL_COLUMNS
from workbench.store import Store


def test_migrations_create_the_schema(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from workbench.store import MIGRATIONS_DIR
    from workbench.store.tables import load_all
    metadata = load_all()

    assert store.schema_revision() == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    tables = set(inspect(store.engine).get_table_names())
    assert {"communities", "proposals", "proposal_authors", "survey_versions",
            "survey_responses", "survey_drafts", "alembic_version"} <= tables
    # the migrations and the tables the queries are written against describe one schema
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_settings(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_add_and_read_back(store, tmp_path):
    code = store.add_proposal("test", proposal(author_name="王阿姨"))
    row = store.proposal_by_receipt(code)
    assert row["title"] == "长椅" and row["public_space_id"] == "P1"
    # committed: a separate engine (another kernel) sees it at once
    other = Store(store.url)
    assert other.proposal_by_receipt(code)["title"] == "长椅"
    other.dispose()


def test_names_are_kept_apart_and_never_in_public_reads(store):
    store.add_proposal("test", proposal(author_name="王阿姨"))
    rows = store.list_proposals("test")
    assert "author_name" not in rows[0] and "name" not in rows[0]
    assert set(rows[0]) == set(PUBLIC_PROPOSAL_COLUMNS)
    frame = store.proposals_frame("test")
    assert "王阿姨" not in frame.to_csv()
    with store.engine.connect() as conn:
        assert conn.execute(text("select name from proposal_authors")).scalar() == "王阿姨"


def test_foreign_key_is_enforced(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        store.add_proposal("no-such-community", proposal())
    assert store.count_proposals() == 0


def test_ensure_community_is_idempotent(store, community):
    assert store.ensure_community(community) is False


def test_concurrent_writers_lose_nothing(store):
    def write(s, n):
        for i in range(10):
            s.add_proposal("test", proposal(title=f"t{n}-{i}"))

    assert not in_threads(store.url, write, 8)
    assert store.count_proposals("test") == 80


def test_init_is_idempotent_and_keeps_data(tmp_path):
    from workbench.demo import init

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = init(Store(url))
    assert first["created"] and first["demo_proposals"] == 4
    s = Store(url)
    from workbench.layers.community import load_community
    from servers import DEMO_LAYERS

    c = load_community(DEMO_LAYERS)
    lon, lat = c.public_space_location("PS01")
    s.add_proposal("heguang", proposal(lon=lon, lat=lat, public_space_id="PS01"))
    second = init(Store(url))
    assert not second["created"] and second["demo_proposals"] == 0
    assert Store(url).count_proposals("heguang") == 5


def test_a_real_community_gets_no_demo_content(tmp_path, community_dir, monkeypatch):
    from workbench.demo import init

    (tmp_path / "no-surveys").mkdir()
    monkeypatch.setenv("WORKBENCH_SURVEYS_DIR", str(tmp_path / "no-surveys"))

    url = f"sqlite:///{tmp_path / 'real.db'}"
    result = init(Store(url), layers_dir=str(community_dir))
    assert result["created"] and result["demo_proposals"] == 0
    assert Store(url).count_proposals() == 0 and Store(url).topics("test") == []


def test_the_demo_surveys_are_published_for_the_demo_community_only(tmp_path, community_dir):
    from workbench.demo import init

    real = init(Store(f"sqlite:///{tmp_path / 'real.db'}"), layers_dir=str(community_dir))
    assert real["surveys"] == {} and real["demo_surveys_skipped"]
    assert Store(f"sqlite:///{tmp_path / 'real.db'}").latest_survey_versions() == []
    demo = init(Store(f"sqlite:///{tmp_path / 'demo.db'}"))
    assert set(demo["surveys"]) == {"public_space_needs", "services_satisfaction"}


def test_init_command(capsys):
    from workbench.cli import main

    assert main(["init"]) == 0
    assert "created" in capsys.readouterr().out
    assert main(["init"]) == 0
    assert "kept as it was" in capsys.readouterr().out


def test_survey_versions_and_responses(store):
    v1 = store.publish_survey("needs", "aaa", {"id": "needs", "q": 1})
    assert store.publish_survey("needs", "aaa", {"id": "needs", "q": 1}) == v1  # idempotent
    v2 = store.publish_survey("needs", "bbb", {"id": "needs", "q": 2})
    latest = store.latest_survey_versions()
    assert [(r["survey_id"], r["version"], r["definition"]["q"]) for r in latest] == [
        ("needs", "bbb", 2)]
    code = store.save_response(v1, "device-1", {"q": "old"})
    assert store.save_response(v1, "device-1", {"q": "edited"}) == code  # an edit, same receipt
    other = store.save_response(v2, "device-1", {"q": "new version"})
    assert other != code
    assert store.response_of(v1, "device-1")["answers"] == {"q": "edited"}
    rows = store.survey_responses("needs")
    assert [(r["version"], r["answers"]["q"]) for r in rows] == [("aaa", "edited"),
                                                                 ("bbb", "new version")]
    assert "respondent" not in rows[0]


def test_two_tabs_saving_at_once_make_one_response(store):
    version = store.publish_survey("s", "v", {})
    codes = set()
    errors = in_threads(store.url, lambda s, i: codes.add(
        s.save_response(version, "same-device", {"tab": i})), 6)
    assert not errors and len(codes) == 1
    assert len(store.survey_responses("s")) == 1


def test_drafts_are_kept_until_the_response_is_saved(store):
    version = store.publish_survey("s", "v", {})
    assert store.draft_of(version, "d") is None
    store.save_draft(version, "d", {"q": 1})
    store.save_draft(version, "d", {"q": 2})
    assert store.draft_of(version, "d") == {"q": 2}
    assert store.draft_of(version, "other") is None
    store.save_response(version, "d", {"q": 3})
    assert store.draft_of(version, "d") is None


def test_one_support_per_code_and_proposal_even_at_once(store):
    from workbench.participation.codes import issue_codes

    code = store.add_proposal("test", proposal())
    pid = store.proposal_by_receipt(code)["id"]
    issue_codes(store, "test", 2)
    a, b = (r["id"] for r in store.list_codes("test"))
    errors = in_threads(store.url, lambda s, n: s.set_support(pid, a, True), 8)
    assert not errors
    store.set_support(pid, b, True)
    assert store.support_counts("test") == {pid: 2}
    store.set_support(pid, a, False)
    store.set_support(pid, a, False)  # taking back twice is fine
    assert store.support_counts("test") == {pid: 1} and store.supports_of(b) == {pid}
