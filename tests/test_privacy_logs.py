"""Logs hold no participation codes and no names (docs/privacy.md): the resident page's
submission and code paths, a failing write, and the resident server's access log."""

import logging

import pytest
from sqlalchemy import text

from communities import INSIDE_OPEN
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes, normalise_code

NAME = "王秀英"


@pytest.fixture
def logged(caplog):
    """Every log record of the workbench (whose logger does not propagate), the store and
    SQLAlchemy, at every level."""
    caplog.set_level(logging.DEBUG)
    workbench = logging.getLogger("workbench")
    workbench.addHandler(caplog.handler)
    yield caplog
    workbench.removeHandler(caplog.handler)


def secrets_in(caplog, *secrets) -> list[str]:
    lines = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    # exc_text is filled by a formatter; format each record the way a log file would
    formatter = logging.Formatter()
    lines += [formatter.format(record) for record in caplog.records]
    return [s for s in secrets if any(s in line for line in lines)]


def propose(app, name=NAME):
    app.title_input.value = "More benches"
    app.scenario_input.value = "health"
    app.name_input.value = name
    app.place_at(*INSIDE_OPEN)
    return app.submit_proposal()


def test_submitting_and_codes_leave_no_code_and_no_name_in_the_log(community, store, logged):
    good, other = issue_codes(store, "test", 2)
    app = ResidentApp(community, store, lang="en")
    app.start(f"lang=en&code={good}")           # the slip's QR link
    assert app.code_id is not None
    assert not app.use_code("ABCDE-FGHJK")       # a wrong code typed
    assert app.use_code(other.lower())           # the right one typed
    receipt = propose(app)
    assert receipt is not None
    app.toggle_support(app.rows[0]["id"])
    assert store.support_counts("test") == {app.rows[0]["id"]: 1}
    assert logged.records, "the submission is logged: the test would prove nothing"
    assert secrets_in(logged, good, normalise_code(good), other, normalise_code(other),
                      "ABCDE-FGHJK", NAME) == []


def test_a_failing_write_logs_the_error_without_the_residents_values(community, store,
                                                                      logged):
    with store.engine.begin() as conn:  # the write of the name fails in the database
        conn.execute(text("DROP TABLE proposal_authors"))
    app = ResidentApp(community, store, lang="en")
    app.title_input.value = "Benches"
    app.scenario_input.value = "health"
    app.name_input.value = NAME
    app.place_at(*INSIDE_OPEN)
    app.submit.click()                            # guarded: the error goes to the log
    assert "something went wrong" in app.form_error.value
    assert any("proposal_authors" in (r.exc_text or logging.Formatter().format(r))
               for r in logged.records), "the failure is logged"
    assert secrets_in(logged, NAME) == []


def test_the_access_log_hides_a_slips_code(caplog):
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine
    from tornado.web import Application, RequestHandler

    from workbench.voila_app import log_request_without_codes

    code = "ABCDE-FGHJK"
    connection = type("Connection", (), {"set_close_callback": lambda *a: None,
                                         "context": None})()

    def logged(app) -> list[str]:
        request = HTTPServerRequest(
            start_line=RequestStartLine("GET", f"/voila/render/resident.ipynb?lang=en&code={code}",
                                        "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "example.org",
                                 "Referer": f"http://example.org/?code={code}"}),
            connection=connection)
        handler = RequestHandler(app, request)
        caplog.clear()
        for status in (200, 404, 503):
            handler.set_status(status)
            app.log_request(handler)
        return [r.getMessage() for r in caplog.records]

    caplog.set_level(logging.DEBUG)
    # Tornado's own line would give the code away
    assert any(code in m for m in logged(Application([])))
    messages = logged(Application([], log_function=log_request_without_codes))
    assert sum("resident.ipynb" in m for m in messages) == 3
    assert not [m for m in messages if code in m or "FGHJK" in m]
