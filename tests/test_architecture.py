"""The layout of docs/architecture.md, checked: one package per domain listed once in the
registry, SQL only in tables and queries, no widgets in rules, no reaching into another
module's private names, each domain's strings in both languages."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from workbench import i18n, registry, settings

PACKAGE = Path(registry.__file__).resolve().parent
#: the shared pieces beside the domains (docs/architecture.md, "Shared pieces")
SHARED = {"store", "page", "geo", "i18n", "data"}
SQL = ("sqlalchemy", "alembic")
WIDGETS = ("ipywidgets", "ipyleaflet", "anywidget")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def imported(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_domain_is_a_package_and_every_package_is_a_domain_or_shared():
    packages = {p.name for p in PACKAGE.iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert set(registry.DOMAINS) <= packages
    assert packages - set(registry.DOMAINS) <= SHARED, (
        "a package that is neither a domain in workbench/registry.py nor a shared piece")
    assert len(set(registry.DOMAINS)) == len(registry.DOMAINS)


def test_the_store_is_made_of_every_domains_queries():
    from workbench.store import Store

    parts = registry.store_parts()
    assert len(parts) == len(registry.modules("queries")) >= 6
    assert all(issubclass(Store, part) for part in parts)
    # no two domains define the same store method: one would hide the other
    seen: dict[str, type] = {}
    for part in parts:
        for name, value in vars(part).items():
            if callable(value) and not name.startswith("__") and name != "carry_code_over":
                assert name not in seen, f"{name} in {part.__name__} and {seen[name].__name__}"
                seen[name] = part


def test_the_tables_on_the_metadata_are_those_of_the_domains():
    from workbench.store.tables import load_all

    tables = set(load_all().tables)
    declared = set()
    for module in registry.modules("tables"):
        declared |= {t.name for t in vars(module).values() if hasattr(t, "c") and
                     hasattr(t, "name")}
    assert tables == declared and "proposals" in tables


def test_settings_and_commands_are_declared_once():
    names = [s.name for s in settings.all_settings()]
    assert len(names) == len(set(names))
    assert {"title_max_chars", "workshop_pool", "layers_dir", "surveys_dir"} <= set(names)
    from workbench.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse has no public list
    assert {"init", "serve", "settings", "codes", "workshop", "export-agenda",
            "import-proposals", "polis-import", "polis-export", "check-layers"} <= set(commands)


@pytest.mark.parametrize("folder", [PACKAGE / "i18n"] + registry.locale_dirs(),
                         ids=lambda f: f.parent.name if f.name == "locales" else "shared")
def test_each_catalogue_has_both_languages_with_the_same_keys(folder):
    zh = json.loads((folder / "zh.json").read_text(encoding="utf-8"))
    en = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert set(zh) == set(en)


def test_a_key_defined_twice_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "locales"
    folder.mkdir()
    for lang in i18n.LANGUAGES:
        (folder / f"{lang}.json").write_text(json.dumps({"form.title": "x"}), encoding="utf-8")
    monkeypatch.setattr(registry, "locale_dirs", lambda: [folder])
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="form.title"):
            i18n.catalogue("en")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def test_sql_only_in_tables_queries_and_the_store():
    for path, tree in modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "store" or rel.name in ("tables.py", "queries.py") \
                or rel.name.endswith("_queries.py"):   # a domain's queries in parts
            continue
        uses = {m for m in imported(tree) if m.split(".")[0] in SQL}
        assert not uses, f"{rel} imports {uses}: SQL belongs in tables.py and *queries.py"


def test_no_module_imports_another_modules_private_names():
    for path, tree in modules():
        rel = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("workbench"):
                here = ".".join(("workbench",) + rel.with_suffix("").parts)
                own_package = here.rsplit(".", 1)[0]
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{rel} imports {private} from {node.module}"
                # a private module may be imported only inside its own package
                parts = node.module.split(".")
                if any(p.startswith("_") for p in parts[1:]):
                    assert node.module.startswith(own_package + "."), (
                        f"{rel} imports the private module {node.module}")


def is_widget_part(rel: Path) -> bool:
    """Widget parts are named for what they are (docs/architecture.md): ``page``, ``panels``,
    ``planner``, ``*_page``, ``*_panel``, ``*_widget``, ``builder*``, ``screen*``; the page
    shells are in ``workbench/page``."""
    stem = rel.stem
    return (rel.parts[0] == "page" or stem in ("page", "panels", "planner")
            or stem.endswith(("_page", "_panel", "_widget"))
            or stem.startswith(("builder", "screen")))


def test_widgets_only_in_widget_parts_and_rules_never_reach_them():
    """A domain's rules run in tests, the CLI and reports: they import no widget library and
    no widget part, so that nothing a rule decides lives in widget code."""
    parts = {".".join(("workbench",) + path.relative_to(PACKAGE).with_suffix("").parts)
             for path, _ in modules() if is_widget_part(path.relative_to(PACKAGE))}
    for path, tree in modules():
        rel = path.relative_to(PACKAGE)
        if is_widget_part(rel) or rel.parts[0] not in set(registry.DOMAINS) | {"geo"}:
            continue
        found = imported(tree)
        libraries = {m for m in found if m.split(".")[0] in WIDGETS}
        assert not libraries, f"{rel} imports {libraries}: widgets belong in widget parts"
        assert not found & parts, f"{rel} imports the widget parts {found & parts}"


def test_css_lives_in_css_files():
    """Stylesheets are .css files beside their modules (workbench.assets), not Python strings."""
    import re

    rule = re.compile(r"[.#]?[\w-]+(?:\s+[.#]?[\w-]+)*\s*\{\s*[a-z-]+\s*:[^;{}\n]+;")
    for path, _tree in modules():
        text = path.read_text(encoding="utf-8")
        found = rule.search(text)
        assert not found, f"{path.relative_to(PACKAGE)} holds CSS: {found.group(0)!r}"
    assert list(PACKAGE.rglob("*.css"))


def test_test_modules_have_names_unique_across_the_folders():
    """tests/ has no packages: two test modules of one name in two folders stop the whole
    run at collection (pytest's "import file mismatch"), though each passes alone."""
    tests = Path(__file__).resolve().parent
    seen: dict[str, Path] = {}
    for path in sorted(tests.rglob("test_*.py")):
        assert path.name not in seen, f"{path.relative_to(tests)} and " \
                                      f"{seen[path.name].relative_to(tests)}: rename one"
        seen[path.name] = path
