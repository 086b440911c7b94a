"""The participant's session on the resident page, without any widget: the code, supports,
device key, limits, and the one sequence every action takes (code, limit, validate, write)."""

import pytest

from residents import propose
from workbench.page.session import ParticipantSession
from workbench.participation.codes import issue_codes
from workbench.proposals.rules import InputInvalid
from workbench.store import StoreBusy


class Listener:
    """A page section as the session sees it: what it was told, in order."""

    def __init__(self):
        self.heard = []

    def on_code(self):
        self.heard.append("code")

    def on_code_message(self, point):
        self.heard.append("point" if point else "message")

    def on_respondent(self):
        self.heard.append("respondent")


@pytest.fixture
def session(store, community):
    return ParticipantSession(store, community, lang="en")


@pytest.fixture
def listener(session):
    listener = Listener()
    session.watch(listener)
    return listener


@pytest.fixture
def code(store):
    return issue_codes(store, "test", 1)[0]


def test_a_code_brings_its_supports_and_is_announced(session, listener, store, code):
    pid = propose(store, "Benches")
    assert session.use_code(code)
    store.set_support(pid, session.code_id, True)
    session.reload_supports()
    assert session.supported == {pid} and session.code_hint == code[-4:].upper()
    assert session.code_problem is None
    assert listener.heard == ["code", "message"]
    again = ParticipantSession(store, session.community)
    assert again.use_code(code.lower()) and again.supported == {pid}


def test_wrong_codes_are_refused_then_guessing_stops(session, listener, code):
    assert not session.use_code("WRONG-CODE1")
    assert session.code_id is None and session.code_problem == ("error.code_unknown", {})
    assert listener.heard == ["message"]  # no code came
    for _ in range(5):
        session.use_code("WRONG-CODE1")
    assert not session.use_code(code)  # even the right one, for a while
    assert session.code_problem[0] == "error.code_attempts"


def test_without_a_code_the_field_is_pointed_at(session, listener):
    assert session.active_code() is None
    assert session.code_problem == ("code.needed", {}) and listener.heard == ["point"]


def test_a_revoked_code_leaves_the_page(session, listener, store, code):
    session.use_code(code)
    store.revoke_code(session.code_id)
    listener.heard.clear()
    assert session.active_code() is None
    assert session.code_id is None and session.supported == set()
    assert session.code_problem == ("error.code_revoked", {})
    assert listener.heard == ["code", "point"]


def test_code_messages_come_and_go(session, listener):
    session.show_code_message(None)
    assert listener.heard == []  # nothing to take away
    session.show_code_message(("error.too_many_clicks", {}))
    session.show_code_message(None)
    assert session.code_problem is None and listener.heard == ["message", "message"]


@pytest.mark.parametrize("key", [None, 12, "", "A" * 32, "a" * 31, "a" * 33, "<script>",
                                 "a" * 32 + "\n"])
def test_only_a_device_key_of_the_template_is_taken(session, listener, key):
    before = session.respondent
    assert not session.set_device(key)
    assert session.respondent == before and before.startswith("page-")
    assert listener.heard == []


def test_the_device_key_becomes_the_respondent(session, listener):
    assert session.set_device("0123456789abcdef" * 2)
    assert session.respondent == "device-" + "0123456789abcdef" * 2
    assert listener.heard == ["respondent"]


def test_one_limiter_per_kind_of_action(session):
    votes = session.limiter("votes", 3, 0)
    assert session.limiter("votes", 99, 9) is votes and votes.max_total == 3
    assert session.limiter("dots", 3, 0) is not votes


# -- the sequence: code, limit, validate, write -----------------------------------------------
class Writes:
    """A write that records what it was given; it can also fail as a busy store does."""

    def __init__(self, result="written", busy=False):
        self.calls, self.result, self.busy = [], result, busy

    def __call__(self, code_id, valid):
        if self.busy:
            raise StoreBusy("locked")
        self.calls.append((code_id, valid))
        return self.result


def test_an_action_needs_a_code(session, listener):
    write, limiter = Writes(), session.limiter("votes", 5, 0)
    outcome = session.act(limiter, write, need_code="statements.need_code")
    assert not outcome.done and outcome.message == ("statements.need_code", {})
    assert write.calls == [] and limiter.check() is None  # nothing counted
    assert listener.heard == ["point"]  # and the code field is pointed at


def test_an_action_writes_with_the_code_and_the_valid_value(session, code):
    session.use_code(code)
    write, limiter = Writes(result=7), session.limiter("comments", 1, 0)
    outcome = session.act(limiter, write, need_code="discuss.need_code",
                          validate=lambda: "clean text")
    assert outcome.done and outcome.value == 7 and outcome.message is None
    assert write.calls == [(session.code_id, "clean text")]
    assert limiter.check() == ("error.too_many", {"max": 1})  # the write was counted


def test_an_action_anyone_may_take(session):
    write = Writes()
    outcome = session.act(session.limiter("proposals", 5, 0), write, need_code=None)
    assert outcome.done and write.calls == [(None, None)]
    assert session.code_problem is None  # nobody was asked for a code


def test_limits_come_before_validation_and_speak_the_sections_words(session, code):
    session.use_code(code)
    limiter, write = session.limiter("dots", 1, 0), Writes()
    checked = []
    assert session.act(limiter, write, need_code="dots.need_code").done
    outcome = session.act(limiter, write, need_code="dots.need_code",
                          validate=lambda: checked.append(1),
                          limit_messages={"error.too_many": "error.too_fast_votes"})
    assert outcome.message == ("error.too_fast_votes", {}) and checked == []
    outcome = session.act(limiter, write, need_code="dots.need_code")
    assert outcome.message == ("error.too_many", {"max": 1})  # no word of its own: the limiter's
    assert len(write.calls) == 1


def test_invalid_input_gives_errors_and_is_not_counted(session, code):
    session.use_code(code)
    limiter, write = session.limiter("statements", 1, 0), Writes()

    def invalid():
        raise InputInvalid({"statement": ("error.required", {})})

    outcome = session.act(limiter, write, need_code="statements.need_code", validate=invalid)
    assert not outcome.done and outcome.errors == {"statement": ("error.required", {})}
    assert outcome.message is None and write.calls == [] and limiter.check() is None


def test_a_busy_store_says_so_and_is_not_counted(session, code):
    session.use_code(code)
    limiter = session.limiter("votes", 1, 0)
    outcome = session.act(limiter, Writes(busy=True), need_code="statements.need_code")
    assert not outcome.done and outcome.message == ("error.busy", {})
    assert limiter.check() is None  # the resident may try again at once


def test_other_failures_are_left_to_the_page(session):
    def broken(_code_id, _valid):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):  # the page's guarded callback logs it
        session.act(session.limiter("reports", 5, 0), broken, need_code=None)


# -- the Voilà request ---------------------------------------------------------------------------
def test_without_preheating_the_request_is_in_the_environment(monkeypatch):
    from workbench.page.voila_request import request_query_string

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=en&code=ABCDE-FGHIJ")
    assert request_query_string() == "lang=en&code=ABCDE-FGHIJ"


def test_a_preheated_kernel_gives_up_on_a_silent_server(monkeypatch):
    import os

    from servers import free_port

    from workbench.page import voila_request

    monkeypatch.setattr(voila_request, "ASK_FOR", 1)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert voila_request.query_url(os.environ).endswith("/voila/query/k1")
    assert voila_request.request_query_string() == ""  # the page opens without its link
