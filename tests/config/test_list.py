"""`awsswitch list` and `awsswitch list --json`."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from support.configs import HOME_CONFIG

CONFIG = f"""\
{HOME_CONFIG}
[profile awsprofile.home.readonly]
sso_session = awssso.home
sso_account_id = 123412341234
sso_role_name = ReadOnly

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Dev

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = awsprofile.home.poweruser
region = us-west-2

[profile vault]
credential_process = aws-vault export vault

[default]
region = us-east-1
"""


def _list(sandbox: Any, *args: str, **env: str) -> Any:
    return sandbox.run("list", *args, input="", **env)


def test_table(sandbox: Any) -> None:
    sandbox.write_config(CONFIG)
    sandbox.credentials.write_text("[static]\naws_access_key_id = AKIA\n", encoding="utf-8")
    r = _list(sandbox, AWS_PROFILE="admin")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == [
        "PROFILE", "SHORT", "KIND", "SESSION", "ACCOUNT", "ROLE", "REGION", "TOKEN",
    ]  # fmt: skip
    rows = {line[2:].split()[0]: line for line in lines[1:]}
    assert list(rows) == botocore.session.Session().available_profiles
    cells = rows["awsprofile.home.poweruser"][2:].split()
    assert cells[:7] == [
        "awsprofile.home.poweruser", "home.poweruser", "sso", "awssso.home", "123412341234",
        "PowerUserAccess", "eu-west-1",
    ]  # fmt: skip
    assert rows["legacy"][2:].split()[:7] == [
        "legacy", "-", "sso-legacy", "-", "111111111111", "Dev", "-",
    ]  # fmt: skip
    assert rows["admin"].startswith("* admin")  # the active profile
    # A role profile shows the account and role of its role_arn.
    assert rows["admin"][2:].split()[:7] == [
        "admin", "-", "role", "-", "222222222222", "Admin", "us-west-2",
    ]  # fmt: skip
    assert rows["vault"][2:].split() == ["vault", "-", "process", "-", "-", "-", "-", "-"]
    assert rows["static"][2:].split() == ["static", "-", "keys", "-", "-", "-", "-", "-"]
    # Columns line up: every row has its KIND at the same offset as the header.
    offset = lines[0].index("KIND")
    assert {line[offset:].split()[0] for line in lines[1:]} <= {
        "sso", "sso-legacy", "role", "process", "keys", "other",
    }  # fmt: skip


def test_json(sandbox: Any) -> None:
    sandbox.write_config(CONFIG)
    r = _list(sandbox, "--json", AWS_PROFILE="legacy")
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [i["name"] for i in items] == botocore.session.Session().available_profiles
    by = {i["name"]: i for i in items}
    assert by["awsprofile.home.poweruser"] | {"token": None} == {
        "name": "awsprofile.home.poweruser",
        "short": "home.poweruser",
        "kind": "sso",
        "sso_session": "awssso.home",
        "account_id": "123412341234",
        "role_name": "PowerUserAccess",
        "region": "eu-west-1",
        "source_profile": None,
        "role_arn": None,
        "in_config": True,
        "in_credentials": False,
        "active": False,
        "directory": None,
        "token": None,
    }
    assert (by["admin"]["account_id"], by["admin"]["role_name"]) == ("222222222222", "Admin")
    assert by["admin"]["role_arn"] == "arn:aws:iam::222222222222:role/Admin"
    assert by["legacy"]["active"] is True
    assert by["vault"]["token"] is None  # not an SSO profile: null
    assert by["default"]["token"] is None
    for name in ("awsprofile.home.poweruser", "admin"):  # admin chains to an SSO profile
        token = by[name]["token"]
        # No token is cached in the sandbox: the sso-session's state, not null.
        assert token is not None and token["state"] == "login-needed", token
        assert token["sso_session"] == "awssso.home"


def test_hostile_names_and_values_cannot_break_the_table(sandbox: Any) -> None:
    sandbox.write_config(
        "[profile evil\x1b[2Jclear]\nregion = eu-west-1\n"
        "[profile bell\x07]\nsso_session = a\n  b\n"  # a continuation: the value is "a\nb"
        "[profile 'a b']\nregion = x\n"
        "[profile 日本語]\nregion = ap-northeast-1\n"
    )
    r = _list(sandbox)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 5
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "evil\\x1b[2Jclear" in r.stdout
    assert "bell\\x07" in r.stdout and "a\\nb" in r.stdout
    items = json.loads(_list(sandbox, "--json").stdout)
    assert [i["name"] for i in items] == ["evil\x1b[2Jclear", "bell\x07", "a b", "日本語"]
    assert items[1]["sso_session"] == "a\nb"
    # Wide characters (2 columns each) are padded by display width, not by length.
    col = lines[0].index("KIND")
    wide = next(line for line in lines if "日本語" in line)
    prefix = wide[: wide.index("other")]
    assert len(prefix) + prefix.count("日") + prefix.count("本") + prefix.count("語") == col


def test_empty_config(sandbox: Any) -> None:
    r = _list(sandbox)
    assert r.returncode == 0
    assert r.stdout == ""
    assert "no profiles in" in r.stderr and "awsswitch configure profile" in r.stderr
    r = _list(sandbox, "--json")
    assert json.loads(r.stdout) == []


def test_unparseable_config_is_an_error_with_the_line(sandbox: Any) -> None:
    sandbox.write_config("[profile a]\nregion = x\n\n[profile a]\n")
    r = _list(sandbox)
    assert r.returncode == 1
    assert "line 4" in r.stderr and "duplicate section" in r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


def test_a_console_session_shows_the_account_of_its_credentials(sandbox: Any) -> None:
    from support.login_files import ARN, entry, write

    sandbox.write_config(
        f"[profile console]\nlogin_session = {ARN}\n\n"
        "[profile deploy]\nrole_arn = arn:aws:iam::333333333333:role/team/Deploy\n"
        "source_profile = console\n"
    )
    logins = sandbox.home / "logins"
    write(logins, entry(expires_in=3600))
    r = _list(sandbox, "--json", AWS_LOGIN_CACHE_DIRECTORY=str(logins))
    assert r.returncode == 0, r.stderr
    by = {i["name"]: i for i in json.loads(r.stdout)}
    assert (by["console"]["account_id"], by["console"]["role_name"]) == ("012345678910", None)
    assert by["console"]["token"]["state"] == "fresh"
    # The role's own account, not its source's; its state is the console session's.
    assert (by["deploy"]["account_id"], by["deploy"]["role_name"]) == ("333333333333", "Deploy")
    assert by["deploy"]["token"]["state"] == "fresh"
    table = _list(sandbox, AWS_LOGIN_CACHE_DIRECTORY=str(logins)).stdout.splitlines()
    assert table[1][2:].split() == [
        "console", "-", "login", "-", "012345678910", "-", "-", "fresh",
    ]  # fmt: skip
