"""``workbench workshop open | list | record`` and ``workbench serve --workshop``'s command
lines."""

import json
import re

import pytest

from workbench import serve, settings
from workbench.workshops import rules as workshop
from workbench.cli import build_parser, main
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.store import Store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def open_one(capsys, *extra):
    code, out, err = run(capsys, "workshop", "open", "居民议事会 · Residents' meeting", *extra)
    assert code == 0, err
    workshop_id = int(re.search(r"workshop (\d+) opened", out).group(1))
    return workshop_id, out


def test_open_prints_both_links_and_the_token_once(capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PUBLIC_URL", "https://agenda.example.org/")
    monkeypatch.setenv("WORKBENCH_WORKSHOP_PORT", "9123")
    workshop_id, out = open_one(capsys, "--dots", "4")
    resident = re.search(r"residents.*?: (\S+)", out).group(1)
    screen = re.search(r"screen:\s+(\S+)", out).group(1)
    assert resident == f"https://agenda.example.org/?workshop={workshop_id}"
    assert screen.startswith(f"http://127.0.0.1:9123/?workshop={workshop_id}&token=")
    token = screen.split("token=")[1]
    row = Store().workshop(workshop_id)
    assert row["dots_per_person"] == 4 and row["status"] == "open"
    assert workshop.token_matches(token, row["facilitator_hash"])
    assert token not in json.dumps(row, default=str)  # kept as a hash only
    # the list shows it, without the token
    code, listed, _ = run(capsys, "workshop", "list")
    assert code == 0 and f"{workshop_id}  open" in listed and token not in listed
    assert "Residents' meeting" in listed


def test_open_without_public_url_uses_the_local_servers(capsys, monkeypatch):
    monkeypatch.delenv("WORKBENCH_PUBLIC_URL", raising=False)
    _, out = open_one(capsys)
    assert f"http://127.0.0.1:{settings.get('voila_port')}/?workshop=" in out
    assert f"http://127.0.0.1:{settings.get('workshop_port')}/?workshop=" in out


@pytest.mark.parametrize("argv, message", [
    (["workshop", "open", "x", "--dots", "0"], "Dots per person"),
    (["workshop", "open", "<b>x</b>"], "error: "),
    (["workshop", "open"], "give the workshop a title"),
    (["workshop", "record", "999"], "no workshop 999"),
    (["workshop", "record"], "give the workshop's id"),
])
def test_errors_say_error_and_exit_1(capsys, monkeypatch, argv, message):
    monkeypatch.setenv("WORKBENCH_DEFAULT_LANGUAGE", "en")
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_record_writes_json_and_map_of_an_ended_workshop(capsys, tmp_path):
    from workbench.layers.community import load_community
    from workbench.proposals.rules import validate_proposal

    workshop_id, _ = open_one(capsys, "--dots", "2")
    store = Store()
    community = load_community(settings.get("layers_dir"))
    space = next(iter(community.public_spaces))
    store.add_proposal(community.id, validate_proposal(
        {"title": "加几张长椅", "scenario": "health", "public_space_id": space}, community),
        workshop_id=workshop_id)
    store.join_workshop(workshop_id, "page-a")
    pid = store.workshop_proposals(workshop_id)[0]["id"]
    row = store.workshop(workshop_id)
    rid = workshop.open_round(store, row, "Round", [
        {"kind": "proposal", "id": pid, "title": "加几张长椅"},
        {"kind": "proposal", "id": pid + 100, "title": "other"}])
    code_id = store.active_code_id(community.id, hash_code(
        normalise_code(issue_codes(store, community.id, 1)[0]), store.code_salt(community.id)))
    assert store.spend_dot(rid, code_id, 0) == 1
    # still open: a provisional record, said so
    code, out, err = run(capsys, "workshop", "record", str(workshop_id), "--out",
                         str(tmp_path / "open"))
    assert code == 0 and "provisional" in err
    workshop.end_workshop(store, community, workshop_id)
    code, out, err = run(capsys, "workshop", "record", str(workshop_id), "--out",
                         str(tmp_path / "rec"))
    assert code == 0 and err == ""
    record = json.loads((tmp_path / "rec" / f"workshop-{workshop_id}.json").read_text())
    assert record["joined"] == 1 and record["proposals"][0]["title"] == "加几张长椅"
    assert record["rounds"][0]["total_dots"] == 1
    assert record["rounds"][0]["options"][0]["dots"] == 1
    png = (tmp_path / "rec" / f"workshop-{workshop_id}-map.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    code, listed, _ = run(capsys, "workshop", "list")
    assert f"{workshop_id}  closed" in listed and "1 joined" in listed


def test_serve_workshop_flag_and_command_lines(monkeypatch):
    args = build_parser().parse_args(["serve", "--workshop", "--no-lab"])
    assert args.workshop and args.no_lab
    assert not build_parser().parse_args(["serve"]).workshop
    monkeypatch.setenv("WORKBENCH_WORKSHOP_PORT", "9124")
    cmd = serve.voila_command(serve.WORKSHOP_NOTEBOOK, port=settings.get("workshop_port"),
                              preheat=serve.SCREEN_PREHEAT)
    # the screen is served alone, hardened as the resident page is
    assert str(serve.WORKSHOP_NOTEBOOK) in cmd and "--port=9124" in cmd
    assert f"--Voila.root_dir={serve.PUBLIC_NOTEBOOKS}" in cmd
    for flag in ("--VoilaConfiguration.strip_sources=True",
                 "--VoilaConfiguration.show_tracebacks=False", "--KernelManager.transport=ipc",
                 "--MappingKernelManager.allow_tracebacks=False"):
        assert flag in cmd
    assert serve.WORKSHOP_NOTEBOOK.exists()


def test_serve_uses_the_workshop_pool_in_meeting_mode(monkeypatch):
    """What ``serve(workshop=True)`` starts, without starting it."""
    started = []

    class FakePopen:
        def __init__(self, cmd, **kwargs):
            started.append(cmd)
            self.pid, self.returncode = 0, 0

        def poll(self):
            return 0  # "stopped" at once: serve() cleans up and returns

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    monkeypatch.setenv("WORKBENCH_WORKSHOP_POOL", "13")
    monkeypatch.setenv("WORKBENCH_PREHEAT_KERNELS", "2")
    serve.serve(lab=False, workshop=True)
    assert len(started) == 2
    resident, screen = started
    assert "--VoilaConfiguration.default_pool_size=13" in resident
    assert f"--VoilaKernelManager.fill_delay={serve.WORKSHOP_FILL_DELAY}" in resident
    assert str(serve.WORKSHOP_NOTEBOOK) in screen
    assert f"--port={settings.get('workshop_port')}" in screen
    started.clear()
    serve.serve(lab=False, workshop=False)
    assert len(started) == 1 and "--VoilaConfiguration.default_pool_size=2" in started[0]
    assert not [a for a in started[0] if "fill_delay" in a]  # Voilà's own default
