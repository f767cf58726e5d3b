"""AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are expanded exactly as botocore expands
them: `os.path.expandvars`, then `os.path.expanduser` (`~` is $HOME, or the passwd home when HOME
is unset; `~user` is that user's home from the passwd database). Compared with botocore's own
`raw_config_parse` on the same inputs, which reports the path it tried in `ConfigNotFound`."""

from __future__ import annotations

import os
import pwd
from typing import Any
from unittest import mock

import botocore.configloader
import botocore.exceptions
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsswitch import paths

OTHER = "nobody"  # a user whose home ($OTHER's pw_dir) is not $HOME


def _botocore_path(raw: str) -> str:
    """The file botocore opens for the config (or credentials) setting `raw`."""
    with pytest.raises(botocore.exceptions.ConfigNotFound) as info:
        botocore.configloader.raw_config_parse(raw)
    return info.value.kwargs["path"]


def _other_home() -> str:
    try:
        return pwd.getpwnam(OTHER).pw_dir
    except KeyError:
        pytest.skip(f"no {OTHER!r} user")


RAW = [
    "~/.aws/config-absent",
    "~",
    "~/",
    f"~{OTHER}/cfg",
    f"~{OTHER}",
    "~no-such-user-awsswitch/cfg",
    "$HOME/absent",
    "${HOME}/absent/$NOPE_UNSET/x",
    "$TILDE_VALUE/absent",  # expandvars first: the ~ it puts in is then expanded
    "${DIR}",
    "$DIR$DIR",
    "${DIR",
    "$",
    "$$DIR",
    "${}",
    "$1$_/x",
    "a/~/b",
    "/abs/$DIR/~/x",
    "${WEIRD}/x",
    "~$DIR/x",
]

HOMES: list[str | None] = ["SANDBOX", "/h/with/trailing/", "/h/$DIR/literal", "", None]


@pytest.mark.parametrize("home", HOMES, ids=["sandbox", "trailing", "dollar", "empty", "unset"])
@pytest.mark.parametrize("raw", RAW)
def test_expansion_equals_botocore(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch, raw: str, home: str | None
) -> None:
    _other_home()
    monkeypatch.setenv("TILDE_VALUE", "~")
    monkeypatch.setenv("DIR", "absent-dir")
    monkeypatch.setenv("WEIRD", "x}y")
    monkeypatch.delenv("NOPE_UNSET", raising=False)
    if home is None:
        monkeypatch.delenv("HOME")
    elif home != "SANDBOX":
        monkeypatch.setenv("HOME", home)
    monkeypatch.setenv("AWS_CONFIG_FILE", raw)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", raw)
    expected = _botocore_path(raw)
    assert paths.expand(raw) == expected
    assert paths.expand(raw, dict(os.environ)) == expected  # a mapping, not os.environ
    assert paths.config_file() == expected
    assert paths.credentials_file(dict(os.environ)) == expected


def test_the_environment_given_is_the_one_used(sandbox: Any) -> None:
    env = {"HOME": "/given/home", "AWS_CONFIG_FILE": "$WHERE/cfg", "WHERE": "~/x"}
    assert paths.config_file(env) == "/given/home/x/cfg"
    assert paths.credentials_file(env) == "/given/home/.aws/credentials"


def test_another_users_home_is_not_under_home(sandbox: Any) -> None:
    home = _other_home()
    result = sandbox.run("list", AWS_CONFIG_FILE=f"~{OTHER}/cfg")
    assert result.returncode == 0, result.stderr
    assert f" {os.path.join(home, 'cfg')} " in result.stderr
    assert str(sandbox.home) + OTHER not in result.stderr + result.stdout


NAMES = st.sampled_from(["A", "B_1", "HOME", "x", "TILDE", "_"])
PIECES = st.sampled_from(
    ["$", "{", "}", "~", "/", "A", "B_1", "HOME", "x", "_", "-", " ", "nobody"]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.lists(PIECES, max_size=12).map("".join),
    env=st.dictionaries(NAMES, st.lists(PIECES, max_size=5).map("".join), max_size=4),
)
def test_random_settings_expand_like_botocore(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, raw: str, env: dict[str, str]
) -> None:
    monkeypatch.chdir(tmp_path)  # relative settings name nothing that exists
    with mock.patch.dict(os.environ, env, clear=True):
        if not os.path.isfile(os.path.expanduser(os.path.expandvars(raw))):
            assert paths.expand(raw, env) == _botocore_path(raw)
            assert paths.expand(raw) == _botocore_path(raw)
