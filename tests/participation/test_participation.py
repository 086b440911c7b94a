import pytest

from workbench.participation.codes import (CODE_ALPHABET, AttemptLimiter, check_code, hash_code,
                                     issue_codes, new_code, normalise_code, reissue_code)


def test_codes_look_right_and_normalise():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:50]:
        assert len(code) == 11 and code[5] == "-"
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
        assert normalise_code(f" {code.lower()} ") == code.replace("-", "")
    for junk in ("", "ABC", "0000000000", "<script>", None, 12345, "A" * 100, "AAAAA-AAAAI"):
        assert normalise_code(junk) is None


def test_issued_codes_are_stored_hashed_only(store):
    codes = issue_codes(store, "test", 20, batch="Building 3")
    assert len(set(codes)) == 20
    with store.engine.connect() as conn:
        dump = "\n".join(str(r) for r in conn.exec_driver_sql(
            "select * from participation_codes").fetchall())
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    rows = store.list_codes("test")
    assert len(rows) == 20 and {r["batch"] for r in rows} == {"Building 3"}
    assert "code_hash" not in rows[0]


def test_check_revoke_reissue(store):
    code = issue_codes(store, "test", 1)[0]
    limiter = AttemptLimiter()
    code_id, problem = check_code(store, "test", code.lower().replace("-", " "), limiter)
    assert problem is None and code_id
    new = reissue_code(store, "test", code_id)
    assert check_code(store, "test", code, limiter) == (None, ("error.code_unknown", {}))
    new_id, problem = check_code(store, "test", new, limiter)
    assert problem is None
    assert store.list_codes("test")[-1]["replaces_id"] == code_id
    with pytest.raises(ValueError):
        reissue_code(store, "test", code_id)  # already revoked


def test_codes_of_one_community_do_not_open_another(store, community):
    code = issue_codes(store, "test", 1)[0]
    assert check_code(store, "elsewhere", code, AttemptLimiter())[0] is None


def test_guessing_is_limited_per_page_session(store):
    now = [0.0]
    limiter = AttemptLimiter(max_failures=3, window=600, clock=lambda: now[0])
    real = issue_codes(store, "test", 1)[0]
    for _ in range(3):
        assert check_code(store, "test", new_code(), limiter)[1][0] == "error.code_unknown"
    # blocked now, even for the right code
    assert check_code(store, "test", real, limiter) == (None, ("error.code_attempts",
                                                              {"minutes": 10}))
    now[0] = 601
    assert check_code(store, "test", real, limiter)[1] is None


def test_hash_depends_on_the_salt():
    assert hash_code("ABCDEFGHJK", "00" * 16) != hash_code("ABCDEFGHJK", "11" * 16)
