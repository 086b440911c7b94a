"""``workbench activities ics``: a space's calendar written as an .ics file, an unknown space
refused with a message."""

from __future__ import annotations

from datetime import datetime

from activity_samples import form, load_spaces

from workbench.activities import workflow
from workbench.cli import main
from workbench.layers.current import current_community
from workbench.store import Store


def test_the_ics_command_writes_a_space_calendar(tmp_path, capsys):
    assert main(["activities", "ics", "P404"]) == 1
    assert "error:" in capsys.readouterr().err
    from workbench import settings

    store = Store()
    community = current_community(settings.get("layers_dir"), store)
    if store.public_space_features(community.id) is None:  # the demo's spaces, once
        load_spaces(store, community)
    space = store.public_space_features(community.id)[0]["properties"]["id"]
    workflow.post_activity(store, community, form(
        public_space_id=space, title="太极拳", starts_at=datetime(2026, 12, 20, 8),
        ends_at=datetime(2026, 12, 20, 9)), "王管家")
    store.dispose()
    out = tmp_path / "space.ics"
    assert main(["activities", "ics", space, "--out", str(out), "--lang", "en"]) == 0
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:太极拳\r\n" in text
    assert "DTSTART:20261220T000000Z\r\n" in text
