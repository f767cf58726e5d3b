"""The token column of `awsswitch list`, which comes from `state.profile_token_status`."""

from __future__ import annotations

import json

import pytest
from support.sso import (
    LEGACY_URL,
    POWERUSER,
    write_token,
)

from awsswitch.sso import state

pytestmark = pytest.mark.usefixtures("sso_config")


def _tokens(sandbox) -> dict[str, object]:
    result = sandbox.run("list", "--json")
    assert result.returncode == 0, result.stderr
    return {row["name"]: row["token"] for row in json.loads(result.stdout)}


def test_list_token_column_states(sandbox) -> None:
    write_token(sandbox, expires_in=-60)  # corp: expired but refreshable
    write_token(sandbox, key=state.cache_key(None, LEGACY_URL), raw="{not json")
    tokens = _tokens(sandbox)
    assert tokens[POWERUSER]["state"] == state.REFRESHABLE
    assert tokens[POWERUSER]["sso_session"] == "corp"
    assert tokens["chained"]["state"] == state.REFRESHABLE  # through source_profile
    assert tokens["legacy"]["state"] == state.LOGIN_NEEDED  # corrupt file: no crash
    assert tokens["keys"] is None
    assert tokens["loop1"]["state"] == "error" and "loop" in tokens["loop1"]["error"]


def test_list_token_column_follows_the_file(sandbox) -> None:
    assert _tokens(sandbox)[POWERUSER]["state"] == state.LOGIN_NEEDED
    write_token(sandbox, expires_in=3600)
    tokens = _tokens(sandbox)
    assert tokens[POWERUSER]["state"] == state.FRESH
    assert tokens[POWERUSER]["expires_at"].endswith("Z")
    table = sandbox.run("list").stdout
    line = next(row for row in table.splitlines() if POWERUSER in row)
    assert line.rstrip().endswith("fresh")
