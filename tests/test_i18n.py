import re
import string
from pathlib import Path

import pytest

from workbench import i18n, vocabulary

PACKAGE = Path(i18n.__file__).resolve().parent.parent


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert set(zh) == set(en), f"missing in en: {set(zh) - set(en)}; in zh: {set(en) - set(zh)}"
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        assert placeholders(zh[key]) == placeholders(en[key]), key


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["']((?:app|map|space|form|receipt|list|error|survey|likert|code|support|similar|planner)\.[a-z_0-9.]*[a-z_0-9])["']""",
                               text))
    # a file name beside a module ("planner.css") is not a key
    used = {key for key in used if key.rsplit(".", 1)[-1] not in ("css", "json", "yaml", "py")}
    assert used, "the pattern found no keys: the test would prove nothing"
    for lang in i18n.LANGUAGES:
        missing = used - set(i18n.catalogue(lang))
        assert not missing, f"{lang} lacks {missing}"


def test_missing_key_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        i18n.t("en", "no.such.key")


@pytest.mark.parametrize("query, expected", [
    ("lang=en", "en"), ("lang=en-US", "en"), ("lang=zh-CN", "zh"), ("", "zh"), (None, "zh"),
    ("lang=fr", "zh"), ("lang=<script>", "zh"), ("a=1&lang=EN", "en"),
])
def test_language_from_query(query, expected):
    assert i18n.language_from_query(query) == expected


def test_vocabularies_are_bilingual():
    assert len(vocabulary.scenarios()) == 9
    for item in list(vocabulary.scenarios()) + list(vocabulary.public_space_kinds().values()):
        assert item["zh"] and item["en"] and item["color"].startswith("#")


def test_one_of_a_thing_reads_in_the_singular_where_english_has_one():
    from workbench import i18n

    assert i18n.t("en", "planner.agenda.proposals_n", n=1) == "1 proposal"
    assert i18n.t("en", "planner.agenda.proposals_n", n="1") == "1 proposal"
    assert i18n.t("en", "planner.agenda.proposals_n", n=2) == "2 proposals"
    assert i18n.t("en", "planner.agenda.proposals_n", n=0) == "0 proposals"
    assert i18n.t("zh", "planner.agenda.proposals_n", n=1) == "1条提案"
    # a key without a singular keeps its one text
    assert i18n.t("en", "agenda.from_proposals", count=1).endswith(": 1")
